package dev.gantry.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What points wrangler at a running {@code gantry dev}: that process writes its API address,
 * account and fresh token to {@value #FILE} in its data directory (readable by its user alone) and
 * removes it when it stops; {@code gantry wrangler} reads it unless the user set {@code
 * CLOUDFLARE_API_BASE_URL} themselves.
 */
final class WranglerEnvironment {
  static final String FILE = "wrangler.env";
  static final String BASE_URL = "CLOUDFLARE_API_BASE_URL";

  /** wrangler's own switch for its usage statistics, which would go to Cloudflare. */
  static final String SEND_METRICS = "WRANGLER_SEND_METRICS";

  /**
   * In the file, not for wrangler: where {@code gantry dev}'s router serves workers, as {@code
   * <domain>:<port>} (a worker answers at {@code http://<script>.<subdomain>.<domain>:<port>/}).
   */
  static final String ROUTER = "GANTRY_WORKERS_ROUTER";

  /**
   * What {@code gantry wrangler} adds to wrangler's environment, and where the {@code gantry dev}
   * it points wrangler at serves workers (empty when it found none).
   */
  record Additions(Map<String, String> environment, Optional<String> router) {
    /** Whether wrangler is pointed at a running {@code gantry dev}. */
    boolean foundDev() {
      return environment.containsKey(BASE_URL);
    }
  }

  private WranglerEnvironment() {}

  static Path write(
      Path dataDirectory, String baseUrl, String account, String token, String router) {
    Path file = dataDirectory.toAbsolutePath().resolve(FILE);
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(
          file,
          BASE_URL
              + "="
              + baseUrl
              + "\nCLOUDFLARE_ACCOUNT_ID="
              + account
              + "\nCLOUDFLARE_API_TOKEN="
              + token
              + "\n"
              + ROUTER
              + "="
              + router
              + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The variables to add to wrangler's environment: those of the nearest running {@code gantry dev}
   * (its data directory from {@code GANTRY_WORKERS_DATA}, else {@code .gantry/workers} here or in a
   * directory above), unless {@code current} already names an API; and wrangler's usage statistics
   * off, unless {@code current} says otherwise: this wrangler serves a self-hosted platform.
   */
  static Additions additions(Map<String, String> current, Path workingDirectory) {
    Map<String, String> found =
        current.containsKey(BASE_URL)
            ? Map.of()
            : find(current, workingDirectory).map(WranglerEnvironment::read).orElse(Map.of());
    Map<String, String> out = new LinkedHashMap<>(found);
    out.remove(ROUTER);
    out.putIfAbsent(SEND_METRICS, "false");
    out.keySet().removeAll(current.keySet());
    return new Additions(out, Optional.ofNullable(found.get(ROUTER)));
  }

  static Optional<Path> find(Map<String, String> current, Path workingDirectory) {
    String data = current.get("GANTRY_WORKERS_DATA");
    if (data != null && !data.isBlank()) {
      Path file = workingDirectory.resolve(data).resolve(FILE);
      return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }
    for (Path dir = workingDirectory.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path file = dir.resolve(".gantry/workers").resolve(FILE);
      if (Files.isRegularFile(file)) {
        return Optional.of(file);
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> read(Path file) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage());
    }
    Map<String, String> out = new LinkedHashMap<>();
    p.stringPropertyNames().stream().sorted().forEach(k -> out.put(k, p.getProperty(k)));
    if (!out.containsKey(BASE_URL)) {
      throw new UserError(
          file + " names no " + BASE_URL + ": delete it and restart gantry dev, which writes it");
    }
    return out;
  }
}
