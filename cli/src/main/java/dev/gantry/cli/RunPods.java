package dev.gantry.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/** Finds the pod whose logs or files a command wants. */
final class RunPods {
  private RunPods() {}

  /** The newest pod with all of {@code labels}. */
  static Optional<Pod> newest(
      KubernetesClient client, String namespace, Map<String, String> labels) {
    return client.pods().inNamespace(namespace).withLabels(labels).list().getItems().stream()
        .max(
            Comparator.comparing(
                p ->
                    p.getMetadata().getCreationTimestamp() == null
                        ? ""
                        : p.getMetadata().getCreationTimestamp()));
  }

  static Optional<Pod> newest(KubernetesClient client, String namespace, String jobName) {
    return newest(client, namespace, Map.of("job-name", jobName));
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
