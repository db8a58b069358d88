package dev.gantry.workers.upload;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The kinds of module wrangler uploads, told apart by the part's content type. */
public enum ModuleKind {
  ES_MODULE("application/javascript+module"),
  COMMONJS("application/javascript"),
  TEXT("text/plain"),
  DATA("application/octet-stream"),
  WASM("application/wasm"),
  JSON("application/json"),
  SOURCE_MAP("application/source-map");

  private final String contentType;

  ModuleKind(String contentType) {
    this.contentType = contentType;
  }

  public String contentType() {
    return contentType;
  }

  /** The kind for a part's content type (parameters such as charset ignored). */
  public static Optional<ModuleKind> of(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    String bare = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (bare.equals("text/javascript")) {
      return Optional.of(COMMONJS);
    }
    return Arrays.stream(values()).filter(k -> k.contentType.equals(bare)).findFirst();
  }
}
