package dev.gantry.cli;

import dev.gantry.api.provision.Provision;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The kinds the CLI knows, with the names kubectl would accept for them. */
enum ResourceKind {
  PROVISION(Provision.class, "provision", "provisions", "prov");

  final Class<? extends HasMetadata> type;
  final List<String> names;

  ResourceKind(Class<? extends HasMetadata> type, String... names) {
    this.type = type;
    this.names = List.of(names);
  }

  String singular() {
    return names.get(0);
  }

  static Optional<ResourceKind> named(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (ResourceKind kind : values()) {
      String group = "." + groupOf(kind);
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
                            ", ",
                            java.util.Arrays.stream(values()).map(k -> k.names.get(1)).toList())));
  }

  private static String groupOf(ResourceKind kind) {
    return HasMetadata.getGroup(kind.type);
  }
}
