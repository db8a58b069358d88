package dev.gantry.cli;

import dev.gantry.operator.stack.StackObservation;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.HashMap;
import java.util.Map;

/**
 * The kinds a Stack names, as the API server serves them (discovery, once per kind per command):
 * how to address one, or why it cannot be used. The operator's own lookup also starts an informer
 * and checks its own rights to watch; a command only needs the address.
 */
final class ServedKinds {
  /** A kind looked up: its address, or why there is none. */
  record Kind(ResourceDefinitionContext definition, String problem) {}

  private final KubernetesClient client;
  private final Map<String, Kind> known = new HashMap<>();

  ServedKinds(KubernetesClient client) {
    this.client = client;
  }

  Kind lookup(String apiVersion, String kind) {
    return known.computeIfAbsent(
        StackObservation.kindKey(apiVersion, kind), k -> discover(apiVersion, kind));
  }

  private Kind discover(String apiVersion, String kind) {
    APIResourceList list;
    try {
      list = client.getApiResources(apiVersion);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      list = null;
    }
    APIResource resource =
        list == null || list.getResources() == null
            ? null
            : list.getResources().stream()
                .filter(r -> kind.equals(r.getKind()) && !r.getName().contains("/"))
                .findFirst()
                .orElse(null);
    if (resource == null) {
      return new Kind(
          null,
          "the API server does not serve kind "
              + kind
              + " in "
              + apiVersion
              + ": fix the template's apiVersion and kind, or install the CRD that defines it");
    }
    if (!Boolean.TRUE.equals(resource.getNamespaced())) {
      return new Kind(
          null,
          kind
              + " is cluster-scoped: a Stack makes objects in its own namespace only; create it"
              + " outside the Stack");
    }
    return new Kind(ResourceDefinitionContext.fromApiResource(apiVersion, resource), null);
  }
}
