package dev.gantry.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Creates children; one that already exists (a cache not yet caught up) is left to the next pass.
 */
public final class ChildWriter {
  private ChildWriter() {}

  /**
   * @return whether this call created it
   */
  public static <R extends HasMetadata> boolean create(KubernetesClient client, R child) {
    try {
      client.resource(child).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      repairExisting(client, child);
      return false;
    }
  }

  /**
   * After a create found the name taken: a Secret the informer did not see had its labels or owner
   * edited away (the informer selects on them). It is put back as desired, found by name. Other
   * kinds are left to the next pass.
   */
  public static void repairExisting(KubernetesClient client, HasMetadata child) {
    if (child instanceof io.fabric8.kubernetes.api.model.Secret secret) {
      repair(client, secret);
    }
  }

  private static void repair(KubernetesClient client, io.fabric8.kubernetes.api.model.Secret want) {
    var live =
        client
            .secrets()
            .inNamespace(want.getMetadata().getNamespace())
            .withName(want.getMetadata().getName())
            .get();
    if (live == null || OwnedSecret.matches(live, want)) {
      return;
    }
    if (OwnedSecret.typeDiffers(live, want)) {
      client.resource(live).delete();
      client.resource(want).create();
      return;
    }
    var replacement = io.fabric8.kubernetes.client.utils.Serialization.clone(want);
    replacement.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
    client.resource(replacement).update();
  }
}
