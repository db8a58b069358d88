package dev.gantry.workers.api;

import dev.gantry.workers.model.ModuleRef;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * A version's modules as Cloudflare's {@code content/v2} returns them: {@code multipart/form-data},
 * one part per module named as the worker imports it, with its module type, and the entry module's
 * name in the {@code cf-entrypoint} header. wrangler reads it to upload a copy of a version with
 * other secrets ({@code versions secret put}).
 */
record ModulesForm(String contentType, byte[] body) {
  static final String ENTRYPOINT_HEADER = "cf-entrypoint";

  static ModulesForm of(List<ModuleRef> modules, Function<ModuleRef, byte[]> content) {
    String boundary = "gantry-" + UUID.randomUUID();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ModuleRef m : modules) {
      // Uploads refuse control characters in names; a quote is escaped as browsers do.
      String name = m.name().replace("\"", "%22");
      write(out, "--" + boundary + "\r\n");
      write(
          out,
          "Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + name + "\"\r\n");
      write(out, "Content-Type: " + m.kind().contentType() + "\r\n\r\n");
      out.writeBytes(content.apply(m));
      write(out, "\r\n");
    }
    write(out, "--" + boundary + "--\r\n");
    return new ModulesForm("multipart/form-data; boundary=" + boundary, out.toByteArray());
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }
}
