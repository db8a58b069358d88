package dev.gantry.operator.minicluster;

import dev.gantry.operator.kube.OwnerReferences;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** Reads the ranks' state from the Job and its pods. */
public final class RankObserver {
  private RankObserver() {}

  /**
   * @param up ranks whose pod runs with an IP
   * @param waiting why ranks that are not up are waiting (pod name and reason)
   * @param leaderExitCode exit code of the leader's Flux container, once it ended
   * @param leaderFinished the leader pod has Succeeded or Failed
   * @param complete the Job is Complete
   * @param failed the Job has Failed, with its reason
   */
  public record Ranks(
      TreeSet<Integer> up,
      List<String> waiting,
      Integer leaderExitCode,
      boolean leaderFinished,
      boolean complete,
      Optional<String> failed) {}

  public static Ranks observe(Job job, Collection<Pod> pods, String name, int size) {
    String uid = job.getMetadata().getUid();
    TreeSet<Integer> up = new TreeSet<>();
    List<String> waiting = new ArrayList<>();
    Integer leaderExit = null;
    boolean leaderFinished = false;
    for (Pod pod : pods) {
      if (!OwnerReferences.isOwnedBy(pod, uid)
          || pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      Optional<Integer> index = index(pod);
      if (index.isEmpty()) {
        continue;
      }
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if (index.get() == 0) {
        leaderFinished |= "Succeeded".equals(phase) || "Failed".equals(phase);
        Integer exit = runnerExit(pod, name);
        if (exit != null) {
          leaderExit = exit;
        }
      }
      boolean hasIp = pod.getStatus() != null && pod.getStatus().getPodIP() != null;
      if ("Running".equals(phase) && hasIp && index.get() < size) {
        up.add(index.get());
      } else if ("Pending".equals(phase)) {
        waiting.add(pod.getMetadata().getName() + ": " + pendingReason(pod));
      }
    }
    boolean complete = condition(job, "Complete").isPresent();
    Optional<String> failed =
        condition(job, "Failed")
            .map(c -> c.getReason() + (c.getMessage() == null ? "" : ": " + c.getMessage()));
    return new Ranks(up, waiting, leaderExit, leaderFinished, complete, failed);
  }

  /** The completion index Kubernetes gives each pod of an indexed Job. */
  static Optional<Integer> index(Pod pod) {
    String value = null;
    if (pod.getMetadata().getLabels() != null) {
      value = pod.getMetadata().getLabels().get(MiniClusterNames.COMPLETION_INDEX);
    }
    if (value == null && pod.getMetadata().getAnnotations() != null) {
      value = pod.getMetadata().getAnnotations().get(MiniClusterNames.COMPLETION_INDEX);
    }
    try {
      return value == null ? Optional.empty() : Optional.of(Integer.parseInt(value));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Integer runnerExit(Pod pod, String name) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> MiniClusterNames.runnerContainer(name).equals(s.getName()))
        .filter(s -> s.getState() != null && s.getState().getTerminated() != null)
        .map(s -> s.getState().getTerminated().getExitCode())
        .findFirst()
        .orElse(null);
  }

  private static String pendingReason(Pod pod) {
    if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      for (var c : pod.getStatus().getConditions()) {
        if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
          return c.getReason() + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")");
        }
      }
    }
    if (pod.getStatus() != null) {
      var statuses = new ArrayList<io.fabric8.kubernetes.api.model.ContainerStatus>();
      if (pod.getStatus().getInitContainerStatuses() != null) {
        statuses.addAll(pod.getStatus().getInitContainerStatuses());
      }
      if (pod.getStatus().getContainerStatuses() != null) {
        statuses.addAll(pod.getStatus().getContainerStatuses());
      }
      for (var s : statuses) {
        String why = containerProblem(s);
        if (why != null) {
          return why;
        }
      }
    }
    return "starting";
  }

  /**
   * Why one container keeps its pod from running: a failed (init) container with its exit code and
   * last output (the pod's termination message, filled from the log on error), or a waiting reason
   * with the runtime's message, such as an image without /bin/bash.
   */
  static String containerProblem(io.fabric8.kubernetes.api.model.ContainerStatus s) {
    var state = s.getState();
    if (state == null) {
      return null;
    }
    var terminated =
        state.getTerminated() != null
            ? state.getTerminated()
            : s.getLastState() == null ? null : s.getLastState().getTerminated();
    String waitingReason = state.getWaiting() == null ? null : state.getWaiting().getReason();
    if (terminated != null && terminated.getExitCode() != null && terminated.getExitCode() != 0) {
      String output = terminated.getMessage() == null ? "" : terminated.getMessage().strip();
      return s.getName()
          + " exited with code "
          + terminated.getExitCode()
          + (waitingReason == null ? "" : " (" + waitingReason + ")")
          + (output.isEmpty() ? "" : "; last output: " + tail(output))
          + bashHint(output);
    }
    if (waitingReason != null && !"PodInitializing".equals(waitingReason)) {
      String message = state.getWaiting().getMessage();
      return s.getName()
          + " "
          + waitingReason
          + (message == null || message.isBlank() ? "" : ": " + tail(message.strip()))
          + bashHint(message);
    }
    return null;
  }

  /** Gantry's entrypoints run under /bin/bash, which the images must have; say so when missing. */
  private static String bashHint(String text) {
    return text != null && text.contains("/bin/bash") && text.contains("no such file")
        ? " (the MiniCluster's images need /bin/bash: the entrypoint scripts run under it)"
        : "";
  }

  private static String tail(String text) {
    int max = 500;
    return text.length() <= max ? text : "…" + text.substring(text.length() - max);
  }

  private static Optional<io.fabric8.kubernetes.api.model.batch.v1.JobCondition> condition(
      Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }
}
