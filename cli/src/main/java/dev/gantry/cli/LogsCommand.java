package dev.gantry.cli;

import dev.gantry.api.provision.Provision;
import dev.gantry.operator.provision.ProvisionNames;
import dev.gantry.operator.provision.ProvisionSettings;
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

  @Option(
      names = "--run",
      paramLabel = "GENERATION-NUMBER",
      description =
          "Provisions: a finished run's output, kept on the deliverables volume after its pod is"
              + " gone (for example 3-2; gantry describe shows the latest run).")
  String run;

  @Option(
      names = "--tools-image",
      defaultValue = "${env:GANTRY_TOOLS_IMAGE:-" + ProvisionSettings.DEFAULT_TOOLS_IMAGE + "}",
      description =
          "Image of the pod that reads a run's log from the volume when no apply pod runs."
              + " Default: ${DEFAULT-VALUE}.")
  String toolsImage;

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
    if (run != null) {
      if (ref.kind() != ResourceKind.PROVISION) {
        throw new UserError("--run applies to provisions only");
      }
      RunLogReader.checkedId(run);
      if (follow || destroy) {
        throw new UserError(
            "--run reads a finished run's log from the volume; follow the current run with -f"
                + " (and --destroy) instead");
      }
    }
    KindView.LogSource source = ref.kind().view.logSource(ref.name(), destroy);
    String container = source.container();
    try (KubernetesClient client = clients.forContext(kube.context)) {
      String namespace = kube.namespace(client);
      if (run != null) {
        return fromVolume(client, namespace, ref, run);
      }
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
      if (pod.isEmpty() && ref.kind() == ResourceKind.PROVISION) {
        // The pod is gone (garbage-collected, or the Job replaced): its log is on the volume.
        Provision p =
            client.resources(Provision.class).inNamespace(namespace).withName(ref.name()).get();
        if (p != null
            && p.getStatus() != null
            && p.getStatus().run != null
            && p.getStatus().run.log != null
            && p.getStatus().run.number != null
            && (destroy ? "destroy" : "apply").equals(p.getStatus().run.type)) {
          String id = p.getStatus().run.generation + "-" + p.getStatus().run.number;
          spec.commandLine()
              .getErr()
              .println(
                  "the pod of "
                      + source.what()
                      + " is gone; printing run "
                      + id
                      + "'s log from the deliverables volume");
          return fromVolume(client, namespace, ref, id);
        }
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

  private int fromVolume(KubernetesClient client, String namespace, ResourceRef ref, String id)
      throws Exception {
    Provision p =
        client.resources(Provision.class).inNamespace(namespace).withName(ref.name()).get();
    if (p == null) {
      throw new UserError(
          ref
              + " not found in namespace "
              + namespace
              + ": its run logs were on its deliverables volume, which goes with it unless"
              + " spec.deliverables.retainOnDelete kept it");
    }
    PrintWriter out = spec.commandLine().getOut();
    new DeliverablesVolume(client, namespace, p, toolsImage, timeout, spec.commandLine().getErr())
        .use(
            mounted -> {
              RunLogReader.copy(
                  client,
                  namespace,
                  mounted,
                  id,
                  ProvisionNames.deliverablesClaim(ref.name()),
                  tail == null
                      ? new WriterStream(out)
                      : new TailStream(new WriterStream(out), tail));
              return null;
            });
    out.flush();
    return 0;
  }
}
