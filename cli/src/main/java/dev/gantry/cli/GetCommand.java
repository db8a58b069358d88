package dev.gantry.cli;

import dev.gantry.api.provision.Provision;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "get",
    description = "List resources, or show one.",
    footer = {
      "",
      "Examples:",
      "  gantry get provisions",
      "  gantry get provision/rancher -o yaml",
      "  gantry get prov -A -o wide"
    })
final class GetCommand implements Callable<Integer> {
  private final KubeClients clients;

  @Spec CommandSpec spec;
  @Mixin KubeOptions kube;

  @Parameters(arity = "1..2", paramLabel = "TYPE[/NAME] [NAME]", description = "What to get.")
  List<String> what;

  @Option(
      names = {"-o", "--output"},
      description = "Output format: wide, yaml or json.")
  String output;

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "List across all namespaces.")
  boolean allNamespaces;

  GetCommand(KubeClients clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() {
    if (output != null && !List.of("wide", "yaml", "json").contains(output)) {
      throw new UserError("unknown output format \"" + output + "\": use wide, yaml or json");
    }
    try (KubernetesClient client = clients.forContext(kube.context)) {
      String namespace = kube.namespace(client);
      List<Provision> items;
      String first = what.get(0);
      boolean single = what.size() == 2 || first.contains("/");
      if (single) {
        ResourceRef ref = ResourceRef.parse(what);
        Provision p =
            client.resources(Provision.class).inNamespace(namespace).withName(ref.name()).get();
        if (p == null) {
          throw new UserError(ref + " not found in namespace " + namespace);
        }
        items = List.of(p);
      } else {
        ResourceKind.require(first);
        var op = client.resources(Provision.class);
        items =
            new ArrayList<>(
                allNamespaces
                    ? op.inAnyNamespace().list().getItems()
                    : op.inNamespace(namespace).list().getItems());
        items.sort(
            Comparator.comparing((Provision p) -> p.getMetadata().getNamespace())
                .thenComparing(p -> p.getMetadata().getName()));
      }
      var out = spec.commandLine().getOut();
      if ("yaml".equals(output)) {
        out.print(
            Serialization.asYaml(
                single
                    ? items.get(0)
                    : Map.of("apiVersion", "v1", "kind", "List", "items", items)));
      } else if ("json".equals(output)) {
        out.println(
            Serialization.asJson(
                single
                    ? items.get(0)
                    : Map.of("apiVersion", "v1", "kind", "List", "items", items)));
      } else if (items.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println(
                "No provisions found in "
                    + (allNamespaces ? "any namespace" : "namespace " + namespace)
                    + ".");
      } else {
        ProvisionView.table(items, "wide".equals(output), Instant.now()).print(out);
      }
      out.flush();
      return 0;
    }
  }
}
