package dev.gantry.operator.testing;

import dev.gantry.operator.provision.ProvisionSettings;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.runtime.OperatorOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** Starts the real operator against a (mock) API server with the generated CRDs installed. */
public final class OperatorHarness {
  private OperatorHarness() {}

  /** Installs every CRD under deploy/crds, as `gantry install` does. */
  public static void installCrds(KubernetesClient client) throws IOException {
    Path crds = Path.of("..", "deploy", "crds");
    try (var files = Files.list(crds)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        try (InputStream in = new FileInputStream(file.toFile())) {
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .load(in)
              .createOr(c -> c.update());
        }
      }
    }
  }

  public static GantryOperator start(KubernetesClient client, int httpPort) {
    OperatorOptions options =
        new OperatorOptions(
            Set.of(),
            false,
            null,
            httpPort,
            new ProvisionSettings(ProvisionSettings.DEFAULT_TOOLS_IMAGE, Duration.ofSeconds(1)));
    return new GantryOperator(client, options, Clock.systemUTC()).start();
  }
}
