package dev.gantry.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The kinds the CLI knows, with the names kubectl would accept for them. */
enum ResourceKind {
  PROVISION(new ProvisionKind(), "provision", "provisions", "prov"),
  MINICLUSTER(new MiniClusterKind(), "minicluster", "miniclusters"),
  RELATION(new RelationKind(), "relation", "relations", "rel"),
  STACK(new StackKind(), "stack", "stacks", "stk");

  final KindView<? extends HasMetadata> view;
  final List<String> names;

  ResourceKind(KindView<? extends HasMetadata> view, String... names) {
    this.view = view;
    this.names = List.of(names);
  }

  String singular() {
    return names.get(0);
  }

  String plural() {
    return names.get(1);
  }

  static Optional<ResourceKind> named(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (ResourceKind kind : values()) {
      String group = "." + HasMetadata.getGroup(kind.view.type());
      String bare =
          lower.endsWith(group) ? lower.substring(0, lower.length() - group.length()) : lower;
      if (kind.names.contains(bare)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  static ResourceKind require(String name) {
    return named(name)
        .orElseThrow(
            () ->
                new UserError(
                    "unknown resource type \""
                        + name
                        + "\": Gantry knows "
                        + String.join(
                            ", ", Arrays.stream(values()).map(ResourceKind::plural).toList())));
  }
}
