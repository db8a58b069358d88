package dev.gantry.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "logs",
    description = "Print a Provision's apply (or destroy) output, or a MiniCluster leader's.",
    footer = {
      "",
      "Examples:",
      "  gantry logs provision/rancher -f",
      "  gantry logs provision/rancher --destroy --tail 50",
      "  gantry logs minicluster/flux-sample -f"
    })
final class LogsCommand implements Callable<Integer> {
  private final KubeClients clients;

  @Spec CommandSpec spec;
  @Mixin KubeOptions kube;

  @Parameters(arity = "1..2", paramLabel = "TYPE/NAME", description = "Whose logs.")
  List<String> what;

  @Option(
      names = {"-f", "--follow"},
      description = "Stream the output until the container ends; waits for it to start.")
  boolean follow;

  @Option(
      names = "--destroy",
      description = "Provisions: the destroy run's output instead of the apply's.")
  boolean destroy;

  @Option(names = "--tail", description = "Only the last N lines.")
  Integer tail;

  @Option(
      names = "--timeout",
      defaultValue = "5m",
      description =
          "With -f: how long to wait for the container to start. Default: ${DEFAULT-VALUE}.")
  String timeout;

  LogsCommand(KubeClients clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() throws Exception {
    ResourceRef ref = ResourceRef.parse(what);
    if (destroy && ref.kind() != ResourceKind.PROVISION) {
      throw new UserError("--destroy applies to provisions only");
    }
    KindView.LogSource source = ref.kind().view.logSource(ref.name(), destroy);
    String container = source.container();
    try (KubernetesClient client = clients.forContext(kube.context)) {
      String namespace = kube.namespace(client);
      Optional<Pod> pod = RunPods.newest(client, namespace, source.selector());
      if (follow) {
        Progress progress = new Progress(spec.commandLine().getErr(), System.console() != null);
        Instant deadline = Instant.now().plus(Durations.parse(timeout));
        while (pod.isEmpty() || !RunPods.containerStarted(pod.get(), container)) {
          if (Instant.now().isAfter(deadline)) {
            progress.done();
            throw new UserError(
                "container "
                    + container
                    + " of "
                    + source.what()
                    + " did not start within "
                    + timeout
                    + "; see gantry describe "
                    + ref);
          }
          progress.show(
              "waiting for "
                  + (pod.isEmpty()
                      ? "a pod of " + source.what()
                      : "container " + container + " to start"));
          Thread.sleep(Duration.ofSeconds(1).toMillis());
          pod = RunPods.newest(client, namespace, source.selector());
        }
        progress.done();
      }
      if (pod.isEmpty()) {
        boolean gone =
            client
                    .resources(ref.kind().view.type())
                    .inNamespace(namespace)
                    .withName(ref.name())
                    .get()
                == null;
        throw new UserError(
            "no pod of "
                + source.what()
                + " in namespace "
                + namespace
                + (gone
                    ? ", and "
                        + ref
                        + " no longer exists"
                        + (destroy
                            ? ": its destroy Job and pod went with it (a finished pod would keep"
                                + " the state's claim from being deleted). Follow a destroy while"
                                + " it runs: gantry delete "
                                + ref
                                + " --wait prints its output, as does gantry logs "
                                + ref
                                + " --destroy -f; its events: kubectl get events -n "
                                + namespace
                                + " --field-selector involvedObject.name="
                                + ref.name()
                            : "")
                    : " (it has not started, or its pod was removed); see gantry describe " + ref));
      }
      var logs =
          client
              .pods()
              .inNamespace(namespace)
              .withName(pod.get().getMetadata().getName())
              .inContainer(container);
      PrintWriter out = spec.commandLine().getOut();
      if (follow) {
        OutputStream sink = new WriterStream(out);
        try (LogWatch watch =
            tail == null ? logs.watchLog(sink) : logs.tailingLines(tail).watchLog(sink)) {
          watch.onClose().toCompletableFuture().join();
        }
      } else {
        out.print(tail == null ? logs.getLog() : logs.tailingLines(tail).getLog());
      }
      out.flush();
      return 0;
    }
  }
}
