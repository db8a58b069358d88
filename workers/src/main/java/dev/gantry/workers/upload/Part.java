package dev.gantry.workers.upload;

import java.nio.charset.StandardCharsets;

/**
 * One part of a multipart/form-data body.
 *
 * @param name the form field name
 * @param filename the file name, or null
 * @param contentType the part's content type, or null when it has none
 * @param content the bytes
 */
public record Part(String name, String filename, String contentType, byte[] content) {
  public String text() {
    return new String(content, StandardCharsets.UTF_8);
  }
}
