package dev.gantry.operator.runtime;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.ZonedDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives up the leader Lease on a clean stop, as client-go's ReleaseOnCancel does: no holder and a
 * one-second duration, written only if this process still holds it (the update carries the read
 * resourceVersion, so a concurrent renewal or takeover wins).
 */
final class LeaseRelease {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseRelease.class);

  private LeaseRelease() {}

  static void release(KubernetesClient client, String namespace, String name, String identity) {
    String ns = namespace != null ? namespace : client.getNamespace();
    try {
      Lease lease = client.leases().inNamespace(ns).withName(name).get();
      if (lease == null
          || lease.getSpec() == null
          || !identity.equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      lease.getSpec().setHolderIdentity("");
      lease.getSpec().setLeaseDurationSeconds(1);
      lease.getSpec().setRenewTime(ZonedDateTime.now());
      client.resource(lease).update();
      LOG.info("{} released the lease {}", identity, name);
    } catch (KubernetesClientException e) {
      LOG.warn("could not release the lease {} (it expires by itself): {}", name, e.getMessage());
    }
  }
}
