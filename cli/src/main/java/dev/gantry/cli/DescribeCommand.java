package dev.gantry.cli;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "describe",
    description = "Show a resource in detail: conditions, runs or ranks, and events.",
    footer = {
      "",
      "Examples:",
      "  gantry describe provision/rancher",
      "  gantry describe minicluster/flux-sample -n hpc"
    })
final class DescribeCommand implements Callable<Integer> {
  private final KubeClients clients;

  @Spec CommandSpec spec;
  @Mixin KubeOptions kube;

  @Parameters(arity = "1..2", paramLabel = "TYPE/NAME", description = "What to describe.")
  List<String> what;

  DescribeCommand(KubeClients clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() {
    ResourceRef ref = ResourceRef.parse(what);
    try (KubernetesClient client = clients.forContext(kube.context)) {
      describe(client, ref.kind().view, ref);
      return 0;
    }
  }

  private static List<Event> events(KubernetesClient client, String namespace, HasMetadata item) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(
            e ->
                e.getInvolvedObject() != null
                    && item.getMetadata().getUid() != null
                    && item.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
        .sorted(Comparator.comparing(e -> e.getLastTimestamp() == null ? "" : e.getLastTimestamp()))
        .toList();
  }

  private <T extends HasMetadata> void describe(
      KubernetesClient client, KindView<T> view, ResourceRef ref) {
    String namespace = kube.namespace(client);
    T item = client.resources(view.type()).inNamespace(namespace).withName(ref.name()).get();
    if (item == null && ref.kind() == ResourceKind.RELATION) {
      var found = RelationKind.declaredNamed(client, namespace, ref.name());
      if (found.isPresent()) {
        HasMetadata declared = found.get();
        RelationKind.describeDeclared(
            declared,
            events(client, namespace, declared),
            spec.commandLine().getOut(),
            Instant.now());
        return;
      }
    }
    if (item == null) {
      throw new UserError(ref + " not found in namespace " + namespace);
    }
    List<Event> events = events(client, namespace, item);
    view.describe(item, events, spec.commandLine().getOut(), Instant.now());
  }
}
