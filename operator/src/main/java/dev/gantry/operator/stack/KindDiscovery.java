package dev.gantry.operator.stack;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * How the API server serves a kind a Stack names, found by discovery: its address, or why a Stack
 * cannot use it (not served, cluster-scoped). The operator and the CLI ask the same question and
 * give the same answer.
 */
public final class KindDiscovery {
  private KindDiscovery() {}

  /** A kind looked up: its address, or why there is none. */
  public record Served(ResourceDefinitionContext definition, String problem) {}

  /**
   * @throws KubernetesClientException when discovery itself fails (other than not found)
   */
  public static Served discover(KubernetesClient client, String apiVersion, String kind) {
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
      return new Served(
          null,
          "the API server does not serve kind "
              + kind
              + " in "
              + apiVersion
              + ": fix the template's apiVersion and kind, or install the CRD that defines it");
    }
    if (!Boolean.TRUE.equals(resource.getNamespaced())) {
      return new Served(
          null,
          kind
              + " is cluster-scoped: a Stack makes objects in its own namespace only; create it"
              + " outside the Stack");
    }
    return new Served(ResourceDefinitionContext.fromApiResource(apiVersion, resource), null);
  }
}
