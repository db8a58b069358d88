package dev.gantry.workers.runtime;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the router needs from the head of an HTTP/1.1 request or response: its length, the Host (or
 * binding) header, and how its body is framed. Pure; {@link #parse} returns null while the head is
 * incomplete and throws {@link Malformed} for one that cannot be forwarded.
 */
final class HttpHead {
  /** The largest head forwarded; the router's buffers hold twice this. */
  static final int MAX = 32 * 1024;

  /** A head that cannot be proxied; the router answers 400 and closes. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message);
    }
  }

  /** Bytes of the head, the blank line included. */
  final int length;

  /** The request method, or null for a response. */
  final String method;

  /** The response status, or 0 for a request. */
  final int status;

  final String host;
  final String binding;
  final long contentLength;
  final boolean chunked;

  /** The sender will close the connection after this message. */
  final boolean close;

  static final int[] NONE = new int[0];

  /**
   * Where the request's own {@code CF-Connecting-IP} lines are, as pairs of offsets from the head's
   * start (line start, end after its CRLF): the router drops them and sets its own.
   */
  final int[] connectingIpLines;

  private HttpHead(
      int length,
      String method,
      int status,
      String host,
      String binding,
      long contentLength,
      boolean chunked,
      boolean close,
      int[] connectingIpLines) {
    this.length = length;
    this.method = method;
    this.status = status;
    this.host = host;
    this.binding = binding;
    this.contentLength = contentLength;
    this.chunked = chunked;
    this.close = close;
    this.connectingIpLines = connectingIpLines;
  }

  static HttpHead parse(byte[] b, int start, int end, boolean request) throws Malformed {
    int headEnd = -1;
    // The limit holds however the bytes arrived: a head is never looked for past MAX, so one that
    // came in a single write is refused exactly as the same head in small pieces.
    int searchEnd = Math.min(end, start + MAX);
    for (int i = start; i + 3 < searchEnd; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        headEnd = i + 4;
        break;
      }
    }
    if (headEnd < 0) {
      if (end - start >= MAX) {
        throw new Malformed((request ? "request" : "response") + " head over " + MAX + " bytes");
      }
      return null;
    }
    // Line by line over the bytes; strings only for the start line and the headers routing needs.
    int lineEnd = lineEnd(b, start, headEnd);
    String startLine = new String(b, start, lineEnd - start, StandardCharsets.ISO_8859_1);
    int firstSpace = startLine.indexOf(' ');
    int secondSpace = firstSpace < 0 ? -1 : startLine.indexOf(' ', firstSpace + 1);
    if (firstSpace <= 0) {
      throw new Malformed("malformed start line: " + startLine);
    }
    String version =
        request
            ? (secondSpace < 0 ? "" : startLine.substring(secondSpace + 1))
            : startLine.substring(0, firstSpace);
    if (!version.startsWith("HTTP/1.")) {
      throw new Malformed("not HTTP/1.x: " + startLine);
    }
    String method = request ? startLine.substring(0, firstSpace) : null;
    int status = 0;
    if (!request) {
      try {
        status =
            Integer.parseInt(
                startLine.substring(
                    firstSpace + 1, secondSpace < 0 ? startLine.length() : secondSpace));
      } catch (NumberFormatException e) {
        throw new Malformed("malformed status line: " + startLine);
      }
    }
    String host = null;
    String binding = null;
    long contentLength = -1;
    boolean chunked = false;
    String connection = "";
    int[] connectingIpLines = NONE;
    String transferEncoding = null;
    for (int line = lineEnd + 2; line < headEnd - 2; line = lineEnd + 2) {
      lineEnd = lineEnd(b, line, headEnd);
      // RFC 9112 5.1, 5.2: a request with a folded line or with space before a colon is refused,
      // since the worker's runtime might read such a head differently from the router.
      if (request && (b[line] == ' ' || b[line] == '\t')) {
        throw new Malformed("a folded header line (starting with white space) is not accepted");
      }
      int colon = -1;
      for (int i = line; i < lineEnd; i++) {
        if (b[i] == ':') {
          colon = i;
          break;
        }
      }
      if (colon <= line) {
        throw new Malformed(
            "malformed header line: "
                + new String(b, line, lineEnd - line, StandardCharsets.ISO_8859_1));
      }
      int nameLength = colon - line;
      if (request && (b[colon - 1] == ' ' || b[colon - 1] == '\t')) {
        throw new Malformed(
            "white space between the header name and the colon: "
                + new String(b, line, nameLength, StandardCharsets.ISO_8859_1).trim());
      }
      if (is(b, line, nameLength, "host")) {
        if (request && host != null) {
          throw new Malformed("more than one Host header");
        }
        host = value(b, colon, lineEnd);
      } else if (is(b, line, nameLength, "x-gantry-worker")) {
        binding = value(b, colon, lineEnd);
      } else if (is(b, line, nameLength, "content-length")) {
        String value = value(b, colon, lineEnd);
        try {
          long parsed = Long.parseLong(value);
          if (parsed < 0 || (contentLength >= 0 && parsed != contentLength)) {
            throw new Malformed("conflicting or negative Content-Length");
          }
          contentLength = parsed;
        } catch (NumberFormatException e) {
          throw new Malformed("malformed Content-Length: " + value);
        }
      } else if (is(b, line, nameLength, "transfer-encoding")) {
        // Several lines are one list; only the last coding says whether the body is chunked.
        String codings = value(b, colon, lineEnd).toLowerCase(Locale.ROOT);
        transferEncoding = transferEncoding == null ? codings : transferEncoding + ", " + codings;
      } else if (is(b, line, nameLength, "connection")) {
        connection = value(b, colon, lineEnd).toLowerCase(Locale.ROOT);
      } else if (request && is(b, line, nameLength, ClientAddressHeaders.CONNECTING_IP)) {
        connectingIpLines = Arrays.copyOf(connectingIpLines, connectingIpLines.length + 2);
        connectingIpLines[connectingIpLines.length - 2] = line - start;
        connectingIpLines[connectingIpLines.length - 1] = lineEnd + 2 - start;
      }
    }
    if (transferEncoding != null) {
      String[] codings = transferEncoding.split(",");
      chunked = codings[codings.length - 1].trim().equals("chunked");
      if (request && !chunked) {
        // RFC 9112 6.3: without chunked last, a request's body has no knowable end.
        throw new Malformed(
            "Transfer-Encoding \"" + transferEncoding + "\" does not end with chunked");
      }
    }
    if (transferEncoding != null && contentLength >= 0) {
      throw new Malformed("both Transfer-Encoding and Content-Length");
    }
    boolean close =
        connection.contains("close")
            || (version.equals("HTTP/1.0") && !connection.contains("keep-alive"));
    return new HttpHead(
        headEnd - start,
        method,
        status,
        host,
        binding,
        contentLength,
        chunked,
        close,
        connectingIpLines);
  }

  /** The index of the CR that ends the line starting at {@code from} (heads end in CRLF CRLF). */
  private static int lineEnd(byte[] b, int from, int headEnd) {
    for (int i = from; i < headEnd - 1; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return headEnd - 2;
  }

  /**
   * Whether the header name at {@code at} is {@code lowerName}, ignoring case and trailing space.
   */
  private static boolean is(byte[] b, int at, int length, String lowerName) {
    while (length > 0 && (b[at + length - 1] == ' ' || b[at + length - 1] == '\t')) {
      length--;
    }
    if (length != lowerName.length()) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      int c = b[at + i];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lowerName.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static String value(byte[] b, int colon, int lineEnd) {
    return new String(b, colon + 1, lineEnd - colon - 1, StandardCharsets.ISO_8859_1).trim();
  }

  /** How the body after this head is framed; {@code request} is the request a response answers. */
  BodyFraming body(HttpHead request) {
    if (method != null) {
      return chunked ? BodyFraming.chunked() : BodyFraming.length(Math.max(contentLength, 0));
    }
    if ((request != null && request.method.equals("HEAD"))
        || status == 204
        || status == 304
        || (status >= 100 && status < 200)) {
      return BodyFraming.length(0);
    }
    if (chunked) {
      return BodyFraming.chunked();
    }
    return contentLength >= 0 ? BodyFraming.length(contentLength) : BodyFraming.untilClose();
  }
}
