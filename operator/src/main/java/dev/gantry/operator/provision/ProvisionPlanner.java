package dev.gantry.operator.provision;

import dev.gantry.api.provision.ProvisionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides a pass from what was observed: the changes to make, the status to write and when to look
 * again. Pure, so every state and transition is tested without a client. The run slot is shared by
 * the deciders in priority order: this generation's plan or apply first, then its drift check, then
 * a destroy preview.
 */
final class ProvisionPlanner {
  static final Duration VARIABLES_RECHECK = Duration.ofSeconds(10);

  /** How soon a run that waits for another looks again, events aside. */
  static final Duration RUN_WAIT = Duration.ofSeconds(10);

  /** How soon a pass that waits for the outputs to be read looks again, events aside. */
  static final Duration OUTPUTS_RECHECK = Duration.ofSeconds(5);

  private final ApplyPlanner apply;
  private final OutputsPlanner outputs;
  private final DriftPlanner drift;
  private final PreviewPlanner preview;
  private final DestroyPlanner destroy;

  ProvisionPlanner(ProvisionSettings settings) {
    this.apply = new ApplyPlanner(settings);
    this.outputs = new OutputsPlanner(settings);
    this.drift = new DriftPlanner(settings);
    this.preview = new PreviewPlanner(settings);
    this.destroy = new DestroyPlanner(settings);
  }

  ProvisionPlan reconcile(ProvisionObservation o) {
    List<ProvisionAction> actions = new ArrayList<>(ChildrenPlanner.ensure(o));
    RunSlot slot = RunSlot.of(o.provision(), o.jobs(), o.pods());
    ApplyPlanner.Decision applied = apply.decide(o, slot);
    actions.addAll(applied.actions());
    OutputsState published = null;
    DriftState drifting = null;
    if (applied.state() instanceof ApplyState.Run run && run.outcome().succeeded()) {
      RunSlot.Occupant applyRun = slot.find(RunKind.APPLY).orElseThrow();
      OutputsPlanner.Decision out = outputs.decide(o, applyRun.job(), run.outcome());
      actions.addAll(out.actions());
      published = out.state();
      if (published instanceof OutputsState.Published
          || published instanceof OutputsState.Nothing) {
        DriftPlanner.Decision checked = drift.decide(o, slot, applyRun);
        actions.addAll(checked.actions());
        drifting = checked.state();
      }
    }
    PreviewPlanner.Decision previewed = preview.decide(o, slot);
    actions.addAll(previewed.actions());
    ProvisionStatus status =
        ProvisionStatusFactory.forApply(
            o.provision(),
            o.variables(),
            applied.state(),
            published,
            drifting,
            previewed.status(),
            o.now());
    return new ProvisionPlan(
        actions, status, requeue(o, applied.state(), published, drifting, status), false);
  }

  ProvisionPlan cleanup(ProvisionObservation o) {
    return destroy.decide(o);
  }

  /** The destroy Job was refused by the API server: the destroy is blocked, and says why. */
  ProvisionPlan destroyRefused(ProvisionObservation o, String why) {
    return destroy.blocked(o, why);
  }

  private static Optional<Duration> requeue(
      ProvisionObservation o,
      ApplyState state,
      OutputsState published,
      DriftState drifting,
      ProvisionStatus status) {
    if (!o.variables().resolved()) {
      return Optional.of(VARIABLES_RECHECK);
    }
    if (state instanceof ApplyState.ReplacingRun
        || state instanceof ApplyState.WaitingForRun
        || drifting instanceof DriftState.Queued) {
      return Optional.of(RUN_WAIT);
    }
    if (published instanceof OutputsState.Waiting) {
      return Optional.of(OUTPUTS_RECHECK);
    }
    if (status.drift != null && status.drift.nextCheckTime != null) {
      // Not an event: the next drift check is due by the clock. A second late at most.
      Duration until = Duration.between(o.now(), Instant.parse(status.drift.nextCheckTime));
      return Optional.of(Duration.ofMillis(Math.max(until.toMillis(), 0) + 1000));
    }
    return Optional.empty();
  }
}
