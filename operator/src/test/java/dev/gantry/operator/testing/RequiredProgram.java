package dev.gantry.operator.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real program a test tier runs. `./mvnw verify` asks for every tier, so a program that is
 * missing fails the test that needs it, saying how to install it; it never passes as skipped.
 */
public final class RequiredProgram {
  private RequiredProgram() {}

  /** Debian's static busybox, which the Provision pods' scripts run under. */
  public static Path busybox() {
    return require(Path.of("/usr/bin/busybox"), "busybox-static");
  }

  /** bash, which checks the MiniCluster entrypoint scripts. */
  public static Path bash() {
    return require(Path.of("/bin/bash"), "bash");
  }

  /** Debian's Prometheus, which reads Gantry's HTTP service discovery. */
  public static Path prometheus() {
    return require(Path.of("/usr/bin/prometheus"), "prometheus");
  }

  static Path require(Path program, String debianPackage) {
    if (!Files.isExecutable(program)) {
      throw new AssertionError(
          program
              + " is missing: install Debian's "
              + debianPackage
              + " (apt-get install "
              + debianPackage
              + "; .ci/run installs it)");
    }
    return program;
  }
}
