package dev.gantry.operator.runtime;

import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.relations.Relation;
import dev.gantry.api.stack.Stack;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * A capability of the operator and the custom resource it cannot run without. A CRD that is missing
 * (never installed, or refused by the API server) disables its capability alone: the others run.
 */
enum Capability {
  PROVISION(Provision.class),
  MINICLUSTER(MiniCluster.class),
  RELATIONS(Relation.class),
  STACK(Stack.class);

  private final Class<? extends HasMetadata> type;

  Capability(Class<? extends HasMetadata> type) {
    this.type = type;
  }

  String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The CRD's name, as `kubectl get crd` shows it. */
  String crd() {
    return HasMetadata.getPlural(type) + "." + HasMetadata.getGroup(type);
  }

  /**
   * Whether the API server serves the resource, asked through discovery (which every authenticated
   * client may read, so no extra RBAC).
   *
   * @return null when served, else why not, with the fix
   */
  String missing(KubernetesClient client) {
    String groupVersion = HasMetadata.getApiVersion(type);
    String plural = HasMetadata.getPlural(type);
    try {
      var resources = client.getApiResources(groupVersion);
      if (resources != null
          && resources.getResources().stream().anyMatch(r -> plural.equals(r.getName()))) {
        return null;
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    return "the API server does not serve "
        + plural
        + " ("
        + groupVersion
        + "): the CRD "
        + crd()
        + " is not installed or was refused; install it with `gantry install` or `kubectl apply -f"
        + " deploy/crds/`, see `kubectl get crd "
        + crd()
        + "`, then restart the operator";
  }
}
