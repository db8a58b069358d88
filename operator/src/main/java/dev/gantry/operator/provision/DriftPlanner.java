package dev.gantry.operator.provision;

import dev.gantry.api.provision.DriftDetectionSpec;
import dev.gantry.api.provision.DriftStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Drift detection for an applied generation: every interval after the last apply or check, a plan
 * run (Job {@code drift-<name>}, never an apply) compares the state with the real infrastructure.
 * Drift found is reported, and with remediate the apply Job is retired so the generation is applied
 * again (under manual approval: planned again and awaiting approval).
 */
final class DriftPlanner {
  record Decision(DriftState state, List<ProvisionAction> actions) {}

  private final ProvisionSettings settings;

  DriftPlanner(ProvisionSettings settings) {
    this.settings = settings;
  }

  /**
   * @param apply the applied generation's run (succeeded), whose Job is {@code applyRun}
   */
  Decision decide(ProvisionObservation o, RunSlot slot, RunSlot.Occupant applyRun) {
    List<ProvisionAction> actions = new ArrayList<>();
    DriftDetectionSpec spec = o.provision().getSpec().driftDetection;
    Optional<RunSlot.Occupant> job = slot.find(RunKind.DRIFT);
    if (spec == null) {
      job.flatMap(slot::retire).ifPresent(actions::add);
      return new Decision(new DriftState.Off(), actions);
    }
    Optional<Duration> interval = DriftInterval.parse(spec.interval);
    if (interval.isEmpty() || interval.get().compareTo(DriftInterval.MINIMUM) < 0) {
      return new Decision(new DriftState.Invalid(DriftInterval.problem(spec.interval)), actions);
    }
    RunOutcome apply = applyRun.outcome();
    Instant now = o.now();
    Instant applied = instant(apply.completionTime(), now);
    var status = o.provision().getStatus();
    DriftStatus previous = status == null ? null : status.drift;
    boolean previousSinceApply = previous != null && after(previous.run, apply.id());
    String jobName = RunKind.DRIFT.jobName(o.name());
    if (job.isPresent()) {
      RunOutcome check = job.get().outcome();
      if (!after(check.id().toString(), apply.id())) {
        // A check of what an earlier apply made (or a still earlier generation's): not this one's.
        slot.retire(job.get()).ifPresent(actions::add);
        return new Decision(
            new DriftState.Idle(scheduled(null, applied.plus(interval.get())), false), actions);
      }
      if (check.running()) {
        return new Decision(new DriftState.Checking(jobName, check.id(), check, previous), actions);
      }
      Instant ended = instant(check.completionTime(), now);
      Instant next = ended.plus(interval.get());
      if (!now.isBefore(next)) {
        // A finished check's Job stays until the next check is due; then it goes first.
        slot.retire(job.get()).ifPresent(actions::add);
      }
      DriftStatus drift = new DriftStatus();
      drift.run = check.id().toString();
      drift.lastCheckTime = ended.toString();
      drift.nextCheckTime = next.toString();
      Optional<PlanResult> result =
          check.succeeded() ? PlanResult.parse(check.report()) : Optional.empty();
      if (result.isEmpty()) {
        drift.drifted = previous == null ? null : previous.drifted;
        return new Decision(new DriftState.CheckFailed(jobName, check, drift), actions);
      }
      drift.drifted = result.get().hasChanges();
      drift.summary = result.get().summary();
      boolean recorded = previous != null && drift.run.equals(previous.run);
      if (!recorded && drift.drifted && spec.remediates()) {
        // The generation is applied again: its Job goes, and a later pass starts the run.
        slot.retire(applyRun).ifPresent(actions::add);
      }
      return new Decision(new DriftState.Idle(drift, true), actions);
    }
    Instant base =
        previousSinceApply && previous.lastCheckTime != null
            ? instant(previous.lastCheckTime, applied)
            : applied;
    Instant next = base.plus(interval.get());
    DriftStatus scheduled = scheduled(previousSinceApply ? previous : null, next);
    if (now.isBefore(next)) {
      return new Decision(new DriftState.Idle(scheduled, previousSinceApply), actions);
    }
    RunId run = RunId.next(status, apply.generation());
    RunSlot.Start start =
        slot.start(RunKind.DRIFT, run, RunJob.drift(o.provision(), settings, run));
    if (start instanceof RunSlot.Start.Wait wait) {
      return new Decision(
          new DriftState.Queued(scheduled, previousSinceApply, wait.why()), actions);
    }
    actions.add(new ProvisionAction.Create(((RunSlot.Start.Go) start).job()));
    return new Decision(
        new DriftState.Checking(jobName, run, null, previousSinceApply ? previous : null), actions);
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
}
