package dev.gantry.cli;

import dev.gantry.api.provision.Provision;
import io.fabric8.kubernetes.api.model.Event;
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
    description = "Show a resource in detail: conditions, runs, deliverables and events.",
    footer = {
      "",
      "Examples:",
      "  gantry describe provision/rancher",
      "  gantry describe prov rancher -n infra"
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
      String namespace = kube.namespace(client);
      Provision p =
          client.resources(Provision.class).inNamespace(namespace).withName(ref.name()).get();
      if (p == null) {
        throw new UserError(ref + " not found in namespace " + namespace);
      }
      List<Event> events =
          client.v1().events().inNamespace(namespace).list().getItems().stream()
              .filter(
                  e ->
                      e.getInvolvedObject() != null
                          && p.getMetadata().getUid() != null
                          && p.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
              .sorted(
                  Comparator.comparing(
                      e -> e.getLastTimestamp() == null ? "" : e.getLastTimestamp()))
              .toList();
      ProvisionView.describe(p, events, spec.commandLine().getOut(), Instant.now());
      return 0;
    }
  }
}
