package dev.gantry.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
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
      "  gantry get miniclusters -o wide",
      "  gantry get provision/rancher -o yaml",
      "  gantry get prov -A"
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
    boolean single = what.size() == 2 || what.get(0).contains("/");
    ResourceKind kind = single ? ResourceRef.parse(what).kind() : ResourceKind.require(what.get(0));
    try (KubernetesClient client = clients.forContext(kube.context)) {
      return print(client, kind.view, single ? ResourceRef.parse(what) : null, kind);
    }
  }

  private <T extends HasMetadata> int print(
      KubernetesClient client, KindView<T> view, ResourceRef ref, ResourceKind kind) {
    String namespace = kube.namespace(client);
    var op = client.resources(view.type());
    List<T> items;
    if (ref != null) {
      T item = op.inNamespace(namespace).withName(ref.name()).get();
      if (item == null) {
        throw new UserError(ref + " not found in namespace " + namespace);
      }
      items = List.of(item);
    } else {
      items =
          new ArrayList<>(
              allNamespaces
                  ? op.inAnyNamespace().list().getItems()
                  : op.inNamespace(namespace).list().getItems());
      items.sort(
          Comparator.comparing((T i) -> i.getMetadata().getNamespace())
              .thenComparing(i -> i.getMetadata().getName()));
    }
    var out = spec.commandLine().getOut();
    Object document =
        ref != null ? items.get(0) : Map.of("apiVersion", "v1", "kind", "List", "items", items);
    if ("yaml".equals(output)) {
      out.print(Serialization.asYaml(document));
    } else if ("json".equals(output)) {
      out.println(Serialization.asJson(document));
    } else if (kind == ResourceKind.RELATION && ref == null) {
      List<io.fabric8.kubernetes.api.model.HasMetadata> declared =
          RelationKind.declared(client, namespace, allNamespaces);
      if (items.isEmpty() && declared.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println(
                "No relations found in "
                    + (allNamespaces ? "any namespace" : "namespace " + namespace)
                    + ".");
      } else {
        @SuppressWarnings("unchecked")
        List<dev.gantry.api.relations.Relation> relations =
            (List<dev.gantry.api.relations.Relation>) items;
        RelationKind.table(relations, declared, "wide".equals(output), Instant.now()).print(out);
      }
    } else if (items.isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "No "
                  + kind.plural()
                  + " found in "
                  + (allNamespaces ? "any namespace" : "namespace " + namespace)
                  + ".");
    } else {
      view.table(items, "wide".equals(output), Instant.now()).print(out);
    }
    out.flush();
    return 0;
  }
}
