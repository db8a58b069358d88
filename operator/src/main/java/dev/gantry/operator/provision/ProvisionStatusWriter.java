package dev.gantry.operator.provision;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.operator.kube.StatusComparison;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * Writes a pass's status over exactly the copy it was computed from (optimistic locking): if the
 * Provision changed since, the server refuses with a conflict, nothing is written, and the pass is
 * retried on the newer copy. The written Provision goes into JOSDK's primary cache at once (as
 * JOSDK does for the status it patches), so the next pass starts from it even before the watch
 * delivers it. This is what JOSDK's PrimaryUpdateAndCacheUtils does, without its retry (which would
 * re-apply the stale status on the newer copy) and without its log of the whole resource on a
 * conflict (a Provision's spec may hold inline variables: secrets).
 */
final class ProvisionStatusWriter {
  private ProvisionStatusWriter() {}

  /**
   * @return whether anything was written (a status equal to the one read writes nothing)
   */
  static boolean write(Provision read, ProvisionStatus status, Context<Provision> context) {
    if (StatusComparison.same(read.getStatus(), status)) {
      return false;
    }
    Provision copy = Serialization.clone(read);
    copy.setStatus(status);
    Provision written = context.getClient().resource(copy).updateStatus();
    context
        .eventSourceRetriever()
        .getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(read), written, read);
    return true;
  }
}
