package dev.gantry.cli;

import dev.gantry.api.provision.Provision;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "delete",
    description =
        "Delete a resource. A Provision runs its destroy Job first; --wait follows it to the end.",
    footer = {
      "",
      "Examples:",
      "  gantry delete provision/rancher --wait",
      "  gantry delete provision/rancher --skip-destroy   # remove without running destroy",
      "  gantry delete minicluster/flux-sample"
    })
final class DeleteCommand implements Callable<Integer> {
  private final KubeClients clients;

  @Spec CommandSpec spec;
  @Mixin KubeOptions kube;

  @Parameters(arity = "1..2", paramLabel = "TYPE/NAME", description = "What to delete.")
  List<String> what;

  @Option(
      names = "--wait",
      description = "Wait until the resource is gone (for a Provision: its destroy has run).")
  boolean await;

  @Option(
      names = "--timeout",
      defaultValue = "30m",
      description = "With --wait: give up after this long. Default: ${DEFAULT-VALUE}.")
  String timeout;

  @Option(
      names = "--skip-destroy",
      description =
          "Provisions: annotate gantry.dev/skip-destroy=true first, so no destroy Job runs.")
  boolean skipDestroy;

  DeleteCommand(KubeClients clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() throws InterruptedException {
    ResourceRef ref = ResourceRef.parse(what);
    if (skipDestroy && ref.kind() != ResourceKind.PROVISION) {
      throw new UserError("--skip-destroy applies to provisions only");
    }
    try (KubernetesClient client = clients.forContext(kube.context)) {
      String namespace = kube.namespace(client);
      delete(client, ref.kind().view.type(), namespace, ref);
      spec.commandLine()
          .getOut()
          .println(ref + " deleted" + (await ? ", waiting for it to go" : ""));
      spec.commandLine().getOut().flush();
      if (await) {
        Thread output =
            ref.kind() == ResourceKind.PROVISION && !skipDestroy
                ? DestroyOutput.follow(
                    client,
                    namespace,
                    ref.name(),
                    spec.commandLine().getOut(),
                    Durations.parse(timeout))
                : null;
        int exit =
            WaitCommand.waitFor(client, namespace, ref, "delete", Durations.parse(timeout), spec);
        if (output != null) {
          output.join(5000);
        }
        return exit;
      }
      return 0;
    }
  }

  private <T extends HasMetadata> void delete(
      KubernetesClient client, Class<T> type, String namespace, ResourceRef ref) {
    var resource = client.resources(type).inNamespace(namespace).withName(ref.name());
    if (resource.get() == null) {
      throw new UserError(ref + " not found in namespace " + namespace);
    }
    if (skipDestroy) {
      resource.edit(
          item -> {
            var annotations = new HashMap<String, String>();
            if (item.getMetadata().getAnnotations() != null) {
              annotations.putAll(item.getMetadata().getAnnotations());
            }
            annotations.put(Provision.SKIP_DESTROY_ANNOTATION, "true");
            item.getMetadata().setAnnotations(annotations);
            return item;
          });
    }
    resource.delete();
  }
}
