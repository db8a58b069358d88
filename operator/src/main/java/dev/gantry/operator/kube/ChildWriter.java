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
      return false;
    }
  }
}
