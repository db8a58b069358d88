package dev.gantry.cli;

import dev.gantry.api.provision.DestroyPreviewStatus;
import dev.gantry.api.provision.Provision;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.PrintWriter;
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
    name = "destroy-preview",
    description = {
      "List what deleting a Provision would destroy and what spec.destroy.retain keeps, before"
          + " anything is deleted.",
      "Asks the operator for a preview (the gantry.dev/destroy-preview annotation): once no other"
          + " run is going, Job preview-<name> plans the destroy with Terraform on a copy of the"
          + " state, so nothing changes."
    },
    footer = {
      "",
      "Examples:",
      "  gantry destroy-preview provision/rancher",
      "  gantry logs provision/rancher --run 3-4   # the whole destroy plan"
    })
final class DestroyPreviewCommand implements Callable<Integer> {
  private final KubeClients clients;

  @Spec CommandSpec spec;
  @Mixin KubeOptions kube;

  @Parameters(arity = "1..2", paramLabel = "TYPE/NAME", description = "The Provision.")
  List<String> what;

  @Option(
      names = "--timeout",
      defaultValue = "10m",
      description = "How long to wait for the preview. Default: ${DEFAULT-VALUE}.")
  String timeout;

  DestroyPreviewCommand(KubeClients clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() throws InterruptedException {
    ResourceRef ref = ResourceRef.parse(what);
    if (ref.kind() != ResourceKind.PROVISION) {
      throw new UserError("destroy-preview applies to provisions only");
    }
    Duration limit = Durations.parse(timeout);
    try (KubernetesClient client = clients.forContext(kube.context, limit)) {
      String namespace = kube.namespace(client);
      var resource = client.resources(Provision.class).inNamespace(namespace).withName(ref.name());
      if (resource.get() == null) {
        throw new UserError(ref + " not found in namespace " + namespace);
      }
      String token = String.valueOf(Instant.now().toEpochMilli());
      resource.patch(
          PatchContext.of(PatchType.JSON_MERGE),
          "{\"metadata\":{\"annotations\":{\""
              + Provision.DESTROY_PREVIEW_ANNOTATION
              + "\":\""
              + token
              + "\"}}}");
      Progress progress = new Progress(spec.commandLine().getErr(), System.console() != null);
      Instant deadline = Instant.now().plus(limit);
      while (true) {
        Provision p = resource.get();
        if (p == null) {
          progress.done();
          throw new UserError(ref + " was deleted while previewing its destroy");
        }
        DestroyPreviewStatus preview = p.getStatus() == null ? null : p.getStatus().destroyPreview;
        boolean answered =
            preview != null
                && token.equals(preview.token)
                && ("Succeeded".equals(preview.phase) || "Failed".equals(preview.phase));
        if (answered) {
          progress.done();
          return print(ref, p, preview);
        }
        if (Instant.now().isAfter(deadline)) {
          progress.done();
          throw new UserError(
              "no preview within "
                  + timeout
                  + (preview != null && token.equals(preview.token) && preview.message != null
                      ? ": " + preview.message
                      : "")
                  + "; see gantry describe "
                  + ref);
        }
        progress.show(
            preview != null && token.equals(preview.token) && preview.message != null
                ? preview.message
                : "waiting for the destroy preview of " + ref);
        Thread.sleep(Duration.ofSeconds(1).toMillis());
      }
    }
  }

  private int print(ResourceRef ref, Provision p, DestroyPreviewStatus preview) {
    PrintWriter out = spec.commandLine().getOut();
    if ("Failed".equals(preview.phase)) {
      spec.commandLine().getErr().println("the destroy preview failed: " + preview.message);
      spec.commandLine().getErr().flush();
      return 1;
    }
    out.printf("Would destroy (%d):%n", preview.destroy.size());
    preview.destroy.forEach(a -> out.println("  " + a));
    var retain =
        p.getSpec().destroy == null ? List.<String>of() : p.getSpec().destroy.retainOrEmpty();
    out.printf(
        "Would keep (spec.destroy.retain: %s):%n",
        retain.isEmpty() ? "none" : String.join(", ", retain));
    preview.kept.forEach(a -> out.println("  " + a));
    if (preview.summary != null) {
      out.println(preview.summary);
    }
    if (Boolean.TRUE.equals(preview.truncated)) {
      out.println("(lists cut to fit the pod's termination message)");
    }
    out.println("The whole plan: gantry logs " + ref + " --run " + preview.run);
    out.flush();
    return 0;
  }
}
