package dev.gantry.workers.runtime;

import java.nio.charset.StandardCharsets;
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

  private HttpHead(
      int length,
      String method,
      int status,
      String host,
      String binding,
      long contentLength,
      boolean chunked,
      boolean close) {
    this.length = length;
    this.method = method;
    this.status = status;
    this.host = host;
    this.binding = binding;
    this.contentLength = contentLength;
    this.chunked = chunked;
    this.close = close;
  }

  static HttpHead parse(byte[] b, int start, int end, boolean request) throws Malformed {
    int headEnd = -1;
    for (int i = start; i + 3 < end; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        headEnd = i + 4;
        break;
      }
    }
    if (headEnd < 0) {
      if (end - start >= MAX) {
        throw new Malformed("request head over " + MAX + " bytes");
      }
      return null;
    }
    String text = new String(b, start, headEnd - start - 4, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r\n", -1);
    String[] first = lines[0].split(" ", 3);
    if (first.length < 2) {
      throw new Malformed("malformed start line: " + lines[0]);
    }
    String version = request ? (first.length == 3 ? first[2] : "") : first[0];
    if (!version.startsWith("HTTP/1.")) {
      throw new Malformed("not HTTP/1.x: " + lines[0]);
    }
    String method = request ? first[0] : null;
    int status = 0;
    if (!request) {
      try {
        status = Integer.parseInt(first[1]);
      } catch (NumberFormatException e) {
        throw new Malformed("malformed status line: " + lines[0]);
      }
    }
    String host = null;
    String binding = null;
    long contentLength = -1;
    boolean chunked = false;
    String connection = "";
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        throw new Malformed("malformed header line: " + lines[i]);
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      switch (name) {
        case "host" -> host = value;
        case "x-gantry-worker" -> binding = value;
        case "content-length" -> {
          try {
            long parsed = Long.parseLong(value);
            if (parsed < 0 || (contentLength >= 0 && parsed != contentLength)) {
              throw new Malformed("conflicting or negative Content-Length");
            }
            contentLength = parsed;
          } catch (NumberFormatException e) {
            throw new Malformed("malformed Content-Length: " + value);
          }
        }
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
        case "connection" -> connection = value.toLowerCase(Locale.ROOT);
        default -> {}
      }
    }
    if (chunked && contentLength >= 0) {
      throw new Malformed("both Transfer-Encoding and Content-Length");
    }
    boolean close =
        connection.contains("close")
            || (version.equals("HTTP/1.0") && !connection.contains("keep-alive"));
    return new HttpHead(
        headEnd - start, method, status, host, binding, contentLength, chunked, close);
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
