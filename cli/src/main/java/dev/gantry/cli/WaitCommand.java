package dev.gantry.cli;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus.Phase;
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
        "Wait until a resource is ready (or deleted), showing progress; exits 1 on failure or timeout.",
    footer = {
      "",
      "Examples:",
      "  gantry wait provision/rancher --for=ready --timeout=30m",
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
      description = "ready, or delete. Default: ${DEFAULT-VALUE}.")
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
    String target = condition.toLowerCase();
    if (!List.of("ready", "delete", "deleted").contains(target)) {
      throw new UserError(
          "--for=" + condition + " is not supported: use --for=ready or --for=delete");
    }
    Duration limit = Durations.parse(timeout);
    try (KubernetesClient client = clients.forContext(kube.context)) {
      String namespace = kube.namespace(client);
      boolean forDelete = target.startsWith("delete");
      return waitFor(client, namespace, ref, forDelete, limit, spec);
    }
  }

  /** Shared with `delete --wait`. */
  static int waitFor(
      KubernetesClient client,
      String namespace,
      ResourceRef ref,
      boolean forDelete,
      Duration limit,
      CommandSpec spec)
      throws InterruptedException {
    Progress progress = new Progress(spec.commandLine().getErr(), System.console() != null);
    Instant deadline = Instant.now().plus(limit);
    String last = "";
    boolean seen = false;
    while (Instant.now().isBefore(deadline)) {
      Provision p =
          client.resources(Provision.class).inNamespace(namespace).withName(ref.name()).get();
      if (p == null) {
        if (forDelete) {
          progress.done();
          spec.commandLine().getOut().println(ref + " deleted");
          spec.commandLine().getOut().flush();
          return 0;
        }
        last = "not found yet";
      } else {
        seen = true;
        Phase phase =
            p.getStatus() == null || p.getStatus().phase == null
                ? Phase.Pending
                : p.getStatus().phase;
        String message = forDelete ? destroyMessage(p) : ProvisionView.readyMessage(p);
        last = phase + (message.isEmpty() ? "" : ": " + message.lines().findFirst().orElse(""));
        boolean current =
            p.getStatus() != null
                && p.getMetadata().getGeneration() != null
                && p.getMetadata().getGeneration().equals(p.getStatus().observedGeneration);
        if (!forDelete && current && phase == Phase.Ready) {
          progress.done();
          spec.commandLine().getOut().println(ref + " is ready");
          spec.commandLine().getOut().flush();
          return 0;
        }
        if (!forDelete && current && phase == Phase.Failed) {
          progress.done();
          throw new UserError(
              ref
                  + " failed: "
                  + ProvisionView.readyMessage(p)
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
            + (forDelete ? " to be deleted" : " to be ready")
            + "; last state: "
            + last);
  }

  private static String destroyMessage(Provision p) {
    if (p.getStatus() == null || p.getStatus().conditions == null) {
      return "";
    }
    return p.getStatus().conditions.stream()
        .filter(c -> "Destroyed".equals(c.getType()))
        .map(c -> c.getMessage())
        .findFirst()
        .orElse("deleting");
  }
}
