package dev.gantry.operator.kube;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * Writes a pass's status over exactly the copy it was computed from (optimistic locking): if the
 * resource changed since, the server refuses with a conflict, nothing is written, and the pass is
 * retried on the newer copy. The written resource goes into JOSDK's primary cache at once (as JOSDK
 * does for the status it patches), so the next pass starts from it even before the watch delivers
 * it. This is what JOSDK's PrimaryUpdateAndCacheUtils does, without its retry (which would re-apply
 * the stale status on the newer copy) and without its log of the whole resource on a conflict (a
 * spec may hold inline secrets).
 */
public final class StatusWriter {
  private StatusWriter() {}

  /**
   * @return whether anything was written (a status equal to the one read writes nothing)
   */
  public static <S, R extends CustomResource<?, S>> boolean write(
      R read, S status, Context<R> context) {
    if (StatusComparison.same(read.getStatus(), status)) {
      return false;
    }
    R copy = Serialization.clone(read);
    copy.setStatus(status);
    R written = context.getClient().resource(copy).updateStatus();
    context
        .eventSourceRetriever()
        .getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(read), written, read);
    return true;
  }
}
