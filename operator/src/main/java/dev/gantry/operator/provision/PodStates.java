package dev.gantry.operator.provision;

import io.fabric8.kubernetes.api.model.Pod;

/** What a pod's status says about one of its containers, as the planners need it. */
final class PodStates {
  private PodStates() {}

  static boolean running(Pod pod, String container) {
    return pod.getMetadata().getDeletionTimestamp() == null
        && pod.getStatus() != null
        && pod.getStatus().getContainerStatuses() != null
        && pod.getStatus().getContainerStatuses().stream()
            .anyMatch(
                s ->
                    container.equals(s.getName())
                        && s.getState() != null
                        && s.getState().getRunning() != null);
  }

  static boolean ended(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  /** Why a pod's container waits, for a message (": ErrImagePull: ..."), or empty. */
  static String waiting(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return "";
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> s.getState() != null && s.getState().getWaiting() != null)
        .map(s -> s.getState().getWaiting())
        .filter(w -> w.getReason() != null && !"ContainerCreating".equals(w.getReason()))
        .map(w -> ": " + w.getReason() + (w.getMessage() == null ? "" : ": " + w.getMessage()))
        .findFirst()
        .orElse("");
  }
}
