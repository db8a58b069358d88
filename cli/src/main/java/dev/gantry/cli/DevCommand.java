package dev.gantry.cli;

import dev.gantry.operator.runtime.OperatorOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "dev",
    description = {
      "Run Gantry here against the current kube context.",
      "Installs the CRDs, then runs every controller in this process, with /healthz, /readyz and",
      "/metrics on --http-port. Says what it needs when no cluster is reachable."
    },
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

  DevCommand(KubeClients clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    out.println("gantry dev: checking the current kube context...");
    out.flush();
    KubernetesClient client = clients.forContext(context);
    try {
      ClusterCheck.requireReachable(client);
    } catch (UserError e) {
      client.close();
      throw e;
    }
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
}
