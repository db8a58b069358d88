package dev.gantry.operator.provision;

import dev.gantry.operator.kube.OwnerReferences;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads a run's outcome from its Job and pods. The tool container's end decides the outcome, not
 * the Job's: the deliverables sidecar may keep the pod up a while after the tool is done, and
 * Gantry does not wait for it.
 */
public final class RunObserver {
  private RunObserver() {}

  public static RunOutcome observe(
      Job job, Collection<Pod> pods, String toolContainer, int backoffLimit) {
    String uid = job.getMetadata().getUid();
    List<Pod> ownPods = pods.stream().filter(p -> OwnerReferences.isOwnedBy(p, uid)).toList();
    List<ContainerStatus> ended =
        ownPods.stream()
            .map(p -> toolStatus(p, toolContainer))
            .flatMap(Optional::stream)
            .filter(s -> s.getState() != null && s.getState().getTerminated() != null)
            .sorted(
                Comparator.comparing(
                    s -> nullToEmpty(s.getState().getTerminated().getFinishedAt())))
            .toList();
    Optional<ContainerStateTerminated> success =
        ended.stream()
            .map(s -> s.getState().getTerminated())
            .filter(t -> t.getExitCode() != null && t.getExitCode() == 0)
            .findFirst();
    List<ContainerStateTerminated> failures =
        ended.stream()
            .map(s -> s.getState().getTerminated())
            .filter(t -> t.getExitCode() == null || t.getExitCode() != 0)
            .toList();
    Optional<JobCondition> jobFailed = condition(job, "Failed");
    boolean jobComplete = condition(job, "Complete").isPresent();
    boolean jobFinished = jobComplete || jobFailed.isPresent();
    long generation = annotationLong(job, ProvisionNames.GENERATION_ANNOTATION, 1L);
    int number = (int) annotationLong(job, ProvisionNames.RUN_ANNOTATION, 1L);
    int attempt = (int) annotationLong(job, ProvisionNames.ATTEMPT_ANNOTATION, 1L);
    String startTime = job.getStatus() == null ? null : job.getStatus().getStartTime();

    if (success.isPresent()) {
      ContainerStateTerminated t = success.get();
      return new RunOutcome(
          RunOutcome.State.SUCCEEDED,
          generation,
          number,
          attempt,
          startTime,
          t.getFinishedAt(),
          0,
          failures.size(),
          "",
          DeliverablesManifest.parse(t.getMessage()),
          t.getMessage(),
          jobFinished);
    }
    Optional<ContainerStateTerminated> lastFailure =
        failures.isEmpty() ? Optional.empty() : Optional.of(failures.get(failures.size() - 1));
    if (jobComplete) {
      // Complete without a successful tool container we could see: its pod is already gone.
      return new RunOutcome(
          RunOutcome.State.SUCCEEDED,
          generation,
          number,
          attempt,
          startTime,
          job.getStatus().getCompletionTime(),
          0,
          failures.size(),
          "",
          Optional.empty(),
          null,
          true);
    }
    if (jobFailed.isPresent() || failures.size() > backoffLimit) {
      String why = failureMessage(jobFailed, lastFailure);
      return new RunOutcome(
          RunOutcome.State.FAILED,
          generation,
          number,
          attempt,
          startTime,
          // No tool container ended (the deadline passed, the pod went): the Job's failure
          // is when the run ended, so a retry has a fixed time to count from.
          lastFailure
              .map(ContainerStateTerminated::getFinishedAt)
              .or(() -> jobFailed.map(JobCondition::getLastTransitionTime))
              .orElse(null),
          lastFailure.map(ContainerStateTerminated::getExitCode).orElse(null),
          failures.size(),
          why,
          Optional.empty(),
          null,
          jobFinished);
    }
    return new RunOutcome(
        RunOutcome.State.RUNNING,
        generation,
        number,
        attempt,
        startTime,
        null,
        null,
        failures.size(),
        waiting(ownPods, toolContainer, lastFailure),
        Optional.empty(),
        null,
        jobFinished);
  }

  private static String failureMessage(
      Optional<JobCondition> jobFailed, Optional<ContainerStateTerminated> lastFailure) {
    StringBuilder why = new StringBuilder();
    lastFailure.ifPresent(
        t -> {
          why.append("exit code ").append(t.getExitCode());
          if (t.getReason() != null && !"Error".equals(t.getReason())) {
            why.append(" (").append(t.getReason()).append(")");
          }
          if (t.getMessage() != null && !t.getMessage().isBlank()) {
            // The tool's own words where it wrote them as errors; else the output's end.
            String errors = ToolErrors.summary(t.getMessage());
            if (errors.isEmpty()) {
              why.append("; last output:\n").append(t.getMessage().strip());
            } else {
              why.append("; the tool said:\n").append(errors);
            }
          }
        });
    jobFailed.ifPresent(
        c -> {
          if (why.length() > 0) {
            why.append("\n");
          }
          why.append("Job failed: ").append(c.getReason());
          if (c.getMessage() != null) {
            why.append(": ").append(c.getMessage());
          }
        });
    return why.toString();
  }

  /** Why a running run is not progressing: an image that cannot be pulled, a missing Secret. */
  private static String waiting(
      List<Pod> pods, String toolContainer, Optional<ContainerStateTerminated> lastFailure) {
    for (Pod pod : pods) {
      Optional<ContainerStatus> status = toolStatus(pod, toolContainer);
      Optional<ContainerStateWaiting> waiting =
          status.map(s -> s.getState() == null ? null : s.getState().getWaiting());
      if (waiting.isPresent()
          && waiting.get().getReason() != null
          && !"ContainerCreating".equals(waiting.get().getReason())
          && !"PodInitializing".equals(waiting.get().getReason())) {
        String msg = waiting.get().getMessage();
        return "pod "
            + pod.getMetadata().getName()
            + ": "
            + waiting.get().getReason()
            + (msg == null ? "" : ": " + msg);
      }
    }
    return lastFailure
        .map(t -> "a previous attempt failed with exit code " + t.getExitCode() + "; retrying")
        .orElse("");
  }

  private static Optional<ContainerStatus> toolStatus(Pod pod, String toolContainer) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> toolContainer.equals(s.getName()))
        .findFirst();
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  private static long annotationLong(Job job, String key, long fallback) {
    var annotations = job.getMetadata().getAnnotations();
    if (annotations == null || annotations.get(key) == null) {
      return fallback;
    }
    try {
      return Long.parseLong(annotations.get(key));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
