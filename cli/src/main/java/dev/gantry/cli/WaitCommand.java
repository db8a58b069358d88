package dev.gantry.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "wait",
    description =
        "Wait for a resource to be ready, complete or deleted, with progress; exits 1 on failure or timeout.",
    footer = {
      "",
      "Examples:",
      "  gantry wait provision/rancher --for=ready --timeout=30m",
      "  gantry wait minicluster/flux-sample --for=complete",
      "  gantry wait provision/rancher --for=delete"
    })
final class WaitCommand implements Callable<Integer> {
  static final Duration POLL = Duration.ofSeconds(1);
  private final KubeClients clients;

  @Spec CommandSpec spec;
  @Mixin KubeOptions kube;

  @Parameters(arity = "1..2", paramLabel = "TYPE/NAME", description = "What to wait for.")
  List<String> what;

  @Option(
      names = "--for",
      defaultValue = "ready",
      description =
          "ready, planned (a Provision's plan awaits approval), complete (MiniCluster) or delete."
              + " Default: ${DEFAULT-VALUE}.")
  String condition;

  @Option(
      names = "--timeout",
      defaultValue = "10m",
      description = "Give up after this long (90s, 5m, 1h). Default: ${DEFAULT-VALUE}.")
  String timeout;

  WaitCommand(KubeClients clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() throws InterruptedException {
    ResourceRef ref = ResourceRef.parse(what);
    String target = condition.toLowerCase().replaceFirst("^condition=", "");
    if (target.equals("deleted")) {
      target = "delete";
    }
    if (!target.equals("delete") && !ref.kind().view.waitConditions().contains(target)) {
      throw new UserError(
          "--for="
              + condition
              + " is not supported for "
              + ref.kind().plural()
              + ": use "
              + String.join(
                  ", ", ref.kind().view.waitConditions().stream().map(c -> "--for=" + c).toList())
              + " or --for=delete");
    }
    Duration limit = Durations.parse(timeout);
    try (KubernetesClient client = clients.forContext(kube.context, limit)) {
      return waitFor(client, kube.namespace(client), ref, target, limit, spec);
    }
  }

  /** Shared with `delete --wait`. */
  static int waitFor(
      KubernetesClient client,
      String namespace,
      ResourceRef ref,
      String condition,
      Duration limit,
      CommandSpec spec)
      throws InterruptedException {
    return waitFor(client, ref.kind().view, namespace, ref, condition, limit, spec);
  }

  private static <T extends HasMetadata> int waitFor(
      KubernetesClient client,
      KindView<T> view,
      String namespace,
      ResourceRef ref,
      String condition,
      Duration limit,
      CommandSpec spec)
      throws InterruptedException {
    boolean forDelete = condition.equals("delete");
    Progress progress = new Progress(spec.commandLine().getErr(), System.console() != null);
    Instant deadline = Instant.now().plus(limit);
    String last = "";
    boolean seen = false;
    while (Instant.now().isBefore(deadline)) {
      T item = client.resources(view.type()).inNamespace(namespace).withName(ref.name()).get();
      if (item == null) {
        java.util.Optional<String> going =
            forDelete ? view.stillGoing(client, namespace, ref.name()) : java.util.Optional.empty();
        if (going.isPresent()) {
          last = "deleted; " + going.get();
          progress.show(ref + " " + last);
          Thread.sleep(POLL.toMillis());
          continue;
        }
        if (forDelete) {
          progress.done();
          spec.commandLine().getOut().println(ref + " deleted");
          spec.commandLine().getOut().flush();
          return 0;
        }
        last = "not found yet";
      } else {
        seen = true;
        KindView.WaitState state = view.waitState(item, forDelete ? "ready" : condition);
        last = forDelete ? "deleting; " + state.progress() : state.progress();
        if (!forDelete && state.done()) {
          progress.done();
          spec.commandLine()
              .getOut()
              .println(ref + " is " + (condition.equals("ready") ? "ready" : condition));
          spec.commandLine().getOut().flush();
          return 0;
        }
        if (!forDelete && state.failed()) {
          progress.done();
          throw new UserError(
              ref
                  + " will not be "
                  + condition
                  + ": "
                  + state.progress()
                  + "\nsee: gantry logs "
                  + ref
                  + "   and   gantry describe "
                  + ref);
        }
      }
      progress.show(ref + " " + last);
      Thread.sleep(POLL.toMillis());
    }
    progress.done();
    if (!seen && !forDelete) {
      throw new UserError(
          ref + " not found in namespace " + namespace + " after " + limit.toSeconds() + "s");
    }
    throw new UserError(
        "timed out after "
            + limit.toSeconds()
            + "s waiting for "
            + ref
            + (forDelete ? " to be deleted" : " to be " + condition)
            + "; last state: "
            + last);
  }
}
