package dev.gantry.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.Optional;

/** Finds the pods of a Provision's run Job. */
final class RunPods {
  private RunPods() {}

  /** The newest pod of Job {@code jobName}. */
  static Optional<Pod> newest(KubernetesClient client, String namespace, String jobName) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel("job-name", jobName)
        .list()
        .getItems()
        .stream()
        .max(
            Comparator.comparing(
                p ->
                    p.getMetadata().getCreationTimestamp() == null
                        ? ""
                        : p.getMetadata().getCreationTimestamp()));
  }

  static boolean containerRunning(Pod pod, String container) {
    return pod.getStatus() != null
        && pod.getStatus().getContainerStatuses() != null
        && pod.getStatus().getContainerStatuses().stream()
            .anyMatch(
                s ->
                    container.equals(s.getName())
                        && s.getState() != null
                        && s.getState().getRunning() != null);
  }

  static boolean containerStarted(Pod pod, String container) {
    return pod.getStatus() != null
        && pod.getStatus().getContainerStatuses() != null
        && pod.getStatus().getContainerStatuses().stream()
            .anyMatch(
                s ->
                    container.equals(s.getName())
                        && s.getState() != null
                        && (s.getState().getRunning() != null
                            || s.getState().getTerminated() != null));
  }
}
