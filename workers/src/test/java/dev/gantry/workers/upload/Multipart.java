package dev.gantry.workers.upload;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds multipart/form-data bodies as wrangler (undici) does, for tests. */
public final class Multipart {
  public static final String BOUNDARY = "----formdata-undici-0123456789";
  public static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public Multipart metadata(String json) {
    return part("metadata", null, null, json.getBytes(StandardCharsets.UTF_8));
  }

  public Multipart file(String name, String contentType, String content) {
    return part(name, name, contentType, content.getBytes(StandardCharsets.UTF_8));
  }

  public Multipart part(String name, String filename, String contentType, byte[] content) {
    write("--" + BOUNDARY + "\r\n");
    write(
        "Content-Disposition: form-data; name=\""
            + name
            + "\""
            + (filename == null ? "" : "; filename=\"" + filename + "\"")
            + "\r\n");
    if (contentType != null) {
      write("Content-Type: " + contentType + "\r\n");
    }
    write("\r\n");
    out.writeBytes(content);
    write("\r\n");
    return this;
  }

  public byte[] build() {
    write("--" + BOUNDARY + "--\r\n");
    return out.toByteArray();
  }

  private void write(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }
}
