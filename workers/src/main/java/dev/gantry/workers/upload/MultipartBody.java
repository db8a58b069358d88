package dev.gantry.workers.upload;

import dev.gantry.workers.ApiError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A multipart/form-data parser (RFC 7578) for wrangler's uploads: every part's headers and bytes,
 * exactly as sent. Pure; anything malformed is an {@link ApiError} naming what is wrong.
 */
public final class MultipartBody {
  private static final Pattern BOUNDARY =
      Pattern.compile("(?i)boundary=(?:\"([^\"]+)\"|([^;\\s]+))");
  private static final Pattern PARAM =
      Pattern.compile("(?i);\\s*(name|filename)\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]+))");

  private MultipartBody() {}

  /** The boundary of a multipart/form-data content type. */
  public static String boundary(String contentType) {
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw ApiError.badRequest(
          "the upload must be multipart/form-data, got "
              + (contentType == null ? "no content type" : contentType));
    }
    Matcher m = BOUNDARY.matcher(contentType);
    if (!m.find()) {
      throw ApiError.badRequest("multipart/form-data content type has no boundary");
    }
    String boundary = m.group(1) != null ? m.group(1) : m.group(2);
    if (boundary.isEmpty() || boundary.length() > 70) {
      throw ApiError.badRequest("multipart boundary must be 1 to 70 characters");
    }
    return boundary;
  }

  public static List<Part> parse(String contentType, byte[] body) {
    byte[] delimiter = ("--" + boundary(contentType)).getBytes(StandardCharsets.ISO_8859_1);
    List<Part> parts = new ArrayList<>();
    int at = indexOf(body, delimiter, 0);
    if (at < 0) {
      throw ApiError.badRequest("malformed multipart body: the boundary never occurs");
    }
    while (true) {
      int afterDelimiter = at + delimiter.length;
      if (startsWith(body, afterDelimiter, "--")) {
        return parts; // the closing delimiter
      }
      int headersStart = skipLineBreak(body, afterDelimiter);
      if (headersStart < 0) {
        throw ApiError.badRequest("malformed multipart body: no line break after a boundary");
      }
      int headersEnd =
          indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
      if (headersEnd < 0) {
        throw ApiError.badRequest("malformed multipart body: a part's headers never end");
      }
      String headers =
          new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
      int contentStart = headersEnd + 4;
      byte[] next =
          ("\r\n--" + new String(delimiter, 2, delimiter.length - 2, StandardCharsets.ISO_8859_1))
              .getBytes(StandardCharsets.ISO_8859_1);
      int contentEnd = indexOf(body, next, contentStart);
      if (contentEnd < 0) {
        throw ApiError.badRequest("malformed multipart body: a part is not closed by the boundary");
      }
      byte[] content = java.util.Arrays.copyOfRange(body, contentStart, contentEnd);
      parts.add(part(headers, content));
      at = contentEnd + 2;
    }
  }

  private static Part part(String headers, byte[] content) {
    String name = null;
    String filename = null;
    String type = null;
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw ApiError.badRequest("malformed multipart part header: " + line);
      }
      String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (header.equals("content-disposition")) {
        if (!value.toLowerCase(Locale.ROOT).startsWith("form-data")) {
          throw ApiError.badRequest("multipart part is not form-data: " + value);
        }
        Matcher m = PARAM.matcher(value);
        while (m.find()) {
          // Form data escapes quotes and line breaks as %22, %0D, %0A; backslashes are literal.
          String v = m.group(2) != null ? m.group(2) : m.group(3);
          if (m.group(1).equalsIgnoreCase("name")) {
            name = v;
          } else {
            filename = v;
          }
        }
      } else if (header.equals("content-type")) {
        type = value;
      }
    }
    if (name == null) {
      throw ApiError.badRequest("a multipart part has no name in its Content-Disposition");
    }
    return new Part(name, filename, type, content);
  }

  private static int skipLineBreak(byte[] body, int at) {
    if (startsWith(body, at, "\r\n")) {
      return at + 2;
    }
    return startsWith(body, at, "\n") ? at + 1 : -1;
  }

  private static boolean startsWith(byte[] body, int at, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    if (at + bytes.length > body.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if (body[at + i] != bytes[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
