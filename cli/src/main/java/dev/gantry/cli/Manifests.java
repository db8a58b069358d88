package dev.gantry.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The install manifests (deploy/ in the repository), packaged with the CLI. */
final class Manifests {
  /** Every CRD under deploy/crds; a test keeps this list equal to the directory. */
  static final List<String> CRDS =
      List.of(
          "miniclusters.flux-framework.org-v1.yml",
          "provisions.gantry.dev-v1.yml",
          "relations.gantry.dev-v1.yml",
          "stacks.gantry.dev-v1.yml");

  /** The operator's own objects, in the order they must be applied. */
  static final List<String> OPERATOR = List.of("namespace.yaml", "rbac.yaml", "operator.yaml");

  private Manifests() {}

  static List<HasMetadata> crds() {
    List<HasMetadata> items = new ArrayList<>();
    for (String file : CRDS) {
      items.addAll(load("crds/" + file));
    }
    return items;
  }

  static List<HasMetadata> operator() {
    List<HasMetadata> items = new ArrayList<>();
    for (String file : OPERATOR) {
      items.addAll(load(file));
    }
    return items;
  }

  static List<HasMetadata> load(String file) {
    try (InputStream in = Manifests.class.getResourceAsStream("deploy/" + file)) {
      if (in == null) {
        throw new IllegalStateException("deploy/" + file + " is not packaged with the CLI");
      }
      Object parsed = Serialization.unmarshal(in);
      List<HasMetadata> items = new ArrayList<>();
      if (parsed instanceof List<?> list) {
        list.forEach(o -> items.add((HasMetadata) o));
      } else if (parsed instanceof io.fabric8.kubernetes.api.model.KubernetesList list) {
        items.addAll(list.getItems());
      } else {
        items.add((HasMetadata) parsed);
      }
      return items;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
