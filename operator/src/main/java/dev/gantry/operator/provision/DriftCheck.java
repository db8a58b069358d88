package dev.gantry.operator.provision;

import dev.gantry.api.provision.DriftDetectionSpec;
import dev.gantry.api.provision.DriftStatus;
import dev.gantry.api.provision.Provision;
import dev.gantry.operator.kube.ChildWriter;
import dev.gantry.operator.kube.EventRecorder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Drift detection for an applied generation: every interval after the last apply or check, a plan
 * run (Job {@code drift-<name>}, never an apply) compares the state with the real infrastructure.
 * Drift found is reported, and with remediate the apply Job is removed so the generation is applied
 * again (under manual approval: planned again and awaiting approval).
 */
final class DriftCheck {
  /** Where drift detection stands for the applied generation. */
  sealed interface DriftState {
    /** No drift detection configured. */
    record Off() implements DriftState {}

    /** The interval cannot be used; no check runs. */
    record Invalid(String message) implements DriftState {}

    /**
     * Between checks.
     *
     * @param drift the last check of this apply, with the next one's time; its run may be null when
     *     no check has run since the apply
     */
    record Idle(DriftStatus drift, boolean checkedSinceApply) implements DriftState {}

    /** A check runs (outcome null when its Job was just created). */
    record Checking(String jobName, RunId run, RunOutcome outcome, DriftStatus previous)
        implements DriftState {}

    /** The last check failed; the next one runs at the interval. */
    record CheckFailed(String jobName, RunOutcome outcome, DriftStatus drift)
        implements DriftState {}
  }

  private final ProvisionSettings settings;
  private final Clock clock;

  DriftCheck(ProvisionSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  DriftState evaluate(
      Provision provision,
      Optional<Job> job,
      List<Pod> pods,
      RunOutcome apply,
      KubernetesClient client) {
    String name = provision.getMetadata().getName();
    DriftDetectionSpec spec = provision.getSpec().driftDetection;
    if (spec == null) {
      job.ifPresent(j -> delete(client, j));
      return new DriftState.Off();
    }
    Optional<Duration> interval = DriftInterval.parse(spec.interval);
    if (interval.isEmpty() || interval.get().compareTo(DriftInterval.MINIMUM) < 0) {
      return new DriftState.Invalid(DriftInterval.problem(spec.interval));
    }
    Instant now = clock.instant();
    Instant applied = instant(apply.completionTime(), now);
    DriftStatus previous = provision.getStatus() == null ? null : provision.getStatus().drift;
    boolean previousSinceApply = previous != null && after(previous.run, apply.id());
    String jobName = ProvisionNames.driftJob(name);
    if (job.isPresent()) {
      RunOutcome check =
          RunObserver.observe(
              job.get(),
              pods,
              ProvisionNames.driftContainer(name),
              provision.getSpec().backoffLimitOrDefault());
      if (!after(check.id().toString(), apply.id())) {
        // A check of what an earlier apply made (or a still earlier generation's): not this one's.
        if (!check.running()) {
          delete(client, job.get());
        }
        return new DriftState.Idle(scheduled(null, applied.plus(interval.get())), false);
      }
      if (check.running()) {
        return new DriftState.Checking(jobName, check.id(), check, previous);
      }
      Instant ended = instant(check.completionTime(), now);
      Instant next = ended.plus(interval.get());
      DriftStatus drift = new DriftStatus();
      drift.run = check.id().toString();
      drift.lastCheckTime = ended.toString();
      drift.nextCheckTime = next.toString();
      Optional<PlanResult> result =
          check.succeeded() ? PlanResult.parse(check.report()) : Optional.empty();
      boolean recorded = previous != null && drift.run.equals(previous.run);
      if (result.isEmpty()) {
        drift.drifted = previous == null ? null : previous.drifted;
        if (!recorded) {
          new EventRecorder(client, clock)
              .warning(
                  provision,
                  "DriftCheckFailed",
                  "Job " + jobName + " could not check for drift: " + check.message());
        }
        return nextOrIdle(
            new DriftState.CheckFailed(jobName, check, drift), job.get(), next, now, client);
      }
      drift.drifted = result.get().hasChanges();
      drift.summary = result.get().summary();
      if (!recorded) {
        announce(provision, drift, previous, spec, client);
        if (drift.drifted && spec.remediates()) {
          // The generation is applied again: its Job goes, and the next pass starts the run.
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(provision.getMetadata().getNamespace())
              .withName(ProvisionNames.applyJob(name))
              .withPropagationPolicy(DeletionPropagation.FOREGROUND)
              .delete();
        }
      }
      return nextOrIdle(new DriftState.Idle(drift, true), job.get(), next, now, client);
    }
    Instant base =
        previousSinceApply && previous.lastCheckTime != null
            ? instant(previous.lastCheckTime, applied)
            : applied;
    Instant next = base.plus(interval.get());
    if (now.isBefore(next)) {
      return new DriftState.Idle(
          scheduled(previousSinceApply ? previous : null, next), previousSinceApply);
    }
    RunId run = RunId.next(provision.getStatus(), apply.generation());
    ChildWriter.create(client, RunJob.drift(provision, settings, run));
    return new DriftState.Checking(jobName, run, null, previousSinceApply ? previous : null);
  }

  /** A finished check's Job stays until the next check is due; then it goes first. */
  private static DriftState nextOrIdle(
      DriftState state, Job job, Instant next, Instant now, KubernetesClient client) {
    if (!now.isBefore(next)) {
      delete(client, job);
    }
    return state;
  }

  private void announce(
      Provision provision,
      DriftStatus drift,
      DriftStatus previous,
      DriftDetectionSpec spec,
      KubernetesClient client) {
    EventRecorder events = new EventRecorder(client, clock);
    if (drift.drifted) {
      events.warning(
          provision,
          "Drifted",
          "the infrastructure no longer matches generation "
              + provision.getMetadata().getGeneration()
              + ": the drift check (run "
              + drift.run
              + ") plans "
              + drift.summary
              + (spec.remediates()
                  ? "; applying again (spec.driftDetection.remediate)"
                  : "; see gantry logs provision/"
                      + provision.getMetadata().getName()
                      + " --run "
                      + drift.run));
    } else if (previous != null && Boolean.TRUE.equals(previous.drifted)) {
      events.normal(
          provision, "DriftResolved", "the drift check (run " + drift.run + ") found no changes");
    }
  }

  private static DriftStatus scheduled(DriftStatus last, Instant next) {
    DriftStatus drift = new DriftStatus();
    if (last != null) {
      drift.run = last.run;
      drift.lastCheckTime = last.lastCheckTime;
      drift.drifted = last.drifted;
      drift.summary = last.summary;
    }
    drift.nextCheckTime = next.toString();
    return drift;
  }

  /** Whether run id {@code run} ("g-n") comes after {@code apply}. */
  static boolean after(String run, RunId apply) {
    if (run == null) {
      return false;
    }
    String[] parts = run.split("-");
    try {
      long generation = Long.parseLong(parts[0]);
      int number = Integer.parseInt(parts[1]);
      return generation > apply.generation()
          || (generation == apply.generation() && number > apply.number());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Instant instant(String time, Instant fallback) {
    try {
      return time == null ? fallback : Instant.parse(time);
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  private static void delete(KubernetesClient client, Job job) {
    if (job.getMetadata().getDeletionTimestamp() == null) {
      client.resource(job).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
    }
  }
}
