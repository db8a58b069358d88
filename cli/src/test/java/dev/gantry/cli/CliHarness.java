package dev.gantry.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the gantry command line against a given client and captures what it prints. */
final class CliHarness {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  int exitCode;

  static CliHarness run(KubernetesClient client, String... args) {
    CliHarness h = new CliHarness();
    h.execute(client, args);
    return h;
  }

  /**
   * Starts the command on another thread; what it prints can be read while it runs (a test waits
   * for a line instead of sleeping).
   */
  static java.util.concurrent.CompletableFuture<CliHarness> start(
      CliHarness h, KubernetesClient client, String... args) {
    return java.util.concurrent.CompletableFuture.supplyAsync(
        () -> {
          h.execute(client, args);
          return h;
        });
  }

  private void execute(KubernetesClient client, String... args) {
    KubeClients clients =
        new KubeClients() {
          @Override
          public KubernetesClient forContext(String context, java.time.Duration limit) {
            // Commands close their client, so each gets its own, pointed at the test's server.
            return new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(client.getConfiguration())
                .build();
          }
        };
    CommandLine cli = GantryCli.commandLine(clients);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    exitCode = cli.execute(GlobalFlags.afterCommand(args));
  }

  String out() {
    return out.toString();
  }

  String err() {
    return err.toString();
  }
}
