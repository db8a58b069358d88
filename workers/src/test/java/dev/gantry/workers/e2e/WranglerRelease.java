package dev.gantry.workers.e2e;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The wrangler releases the API is kept compatible with, each on the Node it runs on: the last
 * wrangler 3 and wrangler 4.86 on the machine's Node 20, the newest wrangler 4 on Node 22.
 */
enum WranglerRelease {
  V3(() -> Path.of("node"), Tools::wrangler3),
  V4_86(() -> Path.of("node"), Tools::wrangler486),
  V4_NEWEST(Tools::node22, Tools::wrangler);

  private final Supplier<Path> node;
  private final Supplier<Path> script;

  WranglerRelease(Supplier<Path> node, Supplier<Path> script) {
    this.node = node;
    this.script = script;
  }

  Path node() {
    return node.get();
  }

  Path script() {
    return script.get();
  }
}
