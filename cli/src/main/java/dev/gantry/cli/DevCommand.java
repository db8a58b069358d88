package dev.gantry.cli;

import dev.gantry.operator.runtime.OperatorOptions;
import dev.gantry.workers.WorkersServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "dev",
    description =
        "Run Gantry here: the Workers API and runtime (embedded defaults, no configuration) and,"
            + " when the current kube context reaches a cluster, the CRDs and every controller,"
            + " with /healthz, /readyz and /metrics on --http-port. Tells `gantry wrangler` where"
            + " Workers is and prints the environment for any other wrangler; says what the"
            + " operator needs when no cluster is reachable.",
    footer = {"", "Examples:", "  gantry dev", "  gantry dev --context kind-kind --http-port 9090"})
final class DevCommand implements Callable<Integer> {
  private final KubeClients clients;

  @Spec CommandSpec spec;

  @Option(names = "--context", description = "Kube context to use (default: the current one).")
  String context;

  @Option(
      names = "--http-port",
      defaultValue = "${env:GANTRY_HTTP_PORT:-8080}",
      description = "Port of /healthz, /readyz and /metrics. Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Mixin WorkersOptions workers;

  DevCommand(KubeClients clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    WorkersServer server = startWorkers(out);
    out.println("gantry dev: checking the current kube context...");
    out.flush();
    try {
      ClusterCheck.requireReachable(clients, context);
    } catch (UserError e) {
      if (server == null) {
        throw e;
      }
      out.println("operator not started: " + e.getMessage());
      out.println("Workers keeps running; press Ctrl-C to stop");
      out.flush();
      WorkersCommand.awaitShutdown(server);
      return 0;
    }
    KubernetesClient client = clients.forOperator(context);
    out.println(
        "cluster "
            + client.getMasterUrl()
            + " (Kubernetes "
            + client.getKubernetesVersion().getGitVersion()
            + ")");
    for (HasMetadata crd : Manifests.crds()) {
      client.resource(crd).createOr(r -> r.update());
      out.println("installed CRD " + crd.getMetadata().getName());
    }
    out.flush();
    OperatorCommand.run(
        client, OperatorOptions.defaults().withHttpPort(httpPort).withNamespaces(Set.of()), out);
    return 0;
  }

  /**
   * The Workers API and runtime with a fresh token for the account "dev"; null (and why) when it
   * cannot start, so the operator still can.
   */
  private WorkersServer startWorkers(PrintWriter out) {
    try {
      WorkersServer.Settings settings = workers.settings(out);
      out.println("gantry dev: starting Workers");
      WorkersOptions.print(settings, out);
      WorkersServer server = WorkersCommand.start(settings, out);
      String token = server.service().createToken(DEV_ACCOUNT, DEV_ACCOUNT);
      String baseUrl = server.apiBaseUrl();
      Path environment =
          WranglerEnvironment.write(
              settings.dataDirectory(),
              baseUrl,
              DEV_ACCOUNT,
              token,
              settings.domain() + ":" + server.routerPort());
      out.println("`gantry wrangler` (the tested wrangler) finds this API through " + environment);
      out.println("any other wrangler, with:");
      out.println("  export " + WranglerEnvironment.BASE_URL + "=" + baseUrl);
      out.println("  export CLOUDFLARE_ACCOUNT_ID=" + DEV_ACCOUNT);
      out.println("  export CLOUDFLARE_API_TOKEN=" + token);
      out.println(
          "workers answer at http://<script>."
              + DEV_ACCOUNT
              + "."
              + settings.domain()
              + ":"
              + server.routerPort());
      out.flush();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    try {
                      // the token dies with this process; a stale file would only mislead
                      Files.deleteIfExists(environment);
                    } catch (IOException e) {
                      // stopping anyway
                    }
                  },
                  "gantry-dev-workers"));
      return server;
    } catch (UserError e) {
      out.println("Workers not started: " + e.getMessage());
      out.flush();
      return null;
    }
  }

  static final String DEV_ACCOUNT = "dev";
}
