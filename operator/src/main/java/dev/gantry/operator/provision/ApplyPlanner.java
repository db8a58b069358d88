package dev.gantry.operator.provision;

import dev.gantry.api.provision.PlanStatus;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides this generation's apply: under manual approval, first its plan run and the wait for an
 * approval of exactly that plan; then the apply Job, once the run slot is free.
 */
final class ApplyPlanner {
  /** Where the apply stands, and what to change for it. */
  record Decision(ApplyState state, List<ProvisionAction> actions) {}

  /** What manual approval lets through: a state to report while it waits, or the approved plan. */
  private record Gate(ApplyState waiting, PlanStatus approved) {}

  private final ProvisionSettings settings;

  ApplyPlanner(ProvisionSettings settings) {
    this.settings = settings;
  }

  Decision decide(ProvisionObservation o, RunSlot slot) {
    Provision provision = o.provision();
    List<ProvisionAction> actions = new ArrayList<>();
    Optional<RunSlot.Occupant> apply = slot.find(RunKind.APPLY);
    if (apply.isPresent()) {
      RunSlot.Occupant run = apply.get();
      if (run.outcome().generation() == o.generation()) {
        var annotations = run.job().getMetadata().getAnnotations();
        return new Decision(
            new ApplyState.Run(
                run.jobName(),
                run.outcome(),
                annotations == null ? null : annotations.get(ProvisionNames.PLAN_ANNOTATION)),
            actions);
      }
      slot.retire(run).ifPresent(actions::add);
      return new Decision(new ApplyState.ReplacingRun(run.jobName(), run.outcome()), actions);
    }
    if (!o.variables().resolved()) {
      return new Decision(new ApplyState.VariablesMissing(), actions);
    }
    PlanStatus approved = null;
    if (provision.getSpec().manualApproval()) {
      Gate gate = approvalGate(o, slot, actions);
      if (gate.waiting() != null) {
        return new Decision(gate.waiting(), actions);
      }
      approved = gate.approved();
    }
    RunId run = RunId.next(provision.getStatus(), o.generation());
    String jobName = RunKind.APPLY.jobName(o.name());
    RunSlot.Start start =
        slot.start(RunKind.APPLY, run, RunJob.apply(provision, settings, run, approved));
    if (start instanceof RunSlot.Start.Wait wait) {
      return new Decision(new ApplyState.WaitingForRun(RunKind.APPLY, wait.why()), actions);
    }
    actions.add(new ProvisionAction.Create(((RunSlot.Start.Go) start).job()));
    if (approved != null) {
      actions.add(new ProvisionAction.ConsumeApproval());
    }
    return new Decision(new ApplyState.Started(jobName, run, approved), actions);
  }

  /**
   * Manual approval, before this generation's apply: plan it (one plan run, whose Job stays until
   * its plan is applied or superseded), then wait until the approved-plan annotation names exactly
   * that plan.
   */
  private Gate approvalGate(ProvisionObservation o, RunSlot slot, List<ProvisionAction> actions) {
    long generation = o.generation();
    String planJobName = RunKind.PLAN.jobName(o.name());
    String approval = o.approval();
    ProvisionStatus status = o.provision().getStatus();
    Optional<RunSlot.Occupant> planRun = slot.find(RunKind.PLAN);
    if (planRun.isEmpty()) {
      PlanStatus known = status == null ? null : status.plan;
      if (known != null
          && known.generation != null
          && known.generation == generation
          && known.sha256 != null
          && !Boolean.TRUE.equals(known.approved)) {
        // Its Job is gone (removed by hand, or the pass that approved it ended early): the plan
        // is on the volume and its checksum in status.
        return known.id.equals(approval)
            ? new Gate(null, known)
            : new Gate(new ApplyState.AwaitingApproval(planJobName, null, known, approval), null);
      }
      RunId run = RunId.next(status, generation);
      RunSlot.Start start =
          slot.start(RunKind.PLAN, run, RunJob.plan(o.provision(), settings, run));
      if (start instanceof RunSlot.Start.Wait wait) {
        return new Gate(new ApplyState.WaitingForRun(RunKind.PLAN, wait.why()), null);
      }
      actions.add(new ProvisionAction.Create(((RunSlot.Start.Go) start).job()));
      return new Gate(new ApplyState.Planning(planJobName, run, null), null);
    }
    RunOutcome outcome = planRun.get().outcome();
    if (outcome.generation() != generation) {
      slot.retire(planRun.get()).ifPresent(actions::add);
      return new Gate(new ApplyState.ReplacingRun(planJobName, outcome), null);
    }
    if (outcome.running()) {
      return new Gate(new ApplyState.Planning(planJobName, outcome.id(), outcome), null);
    }
    if (outcome.failed()) {
      return new Gate(new ApplyState.PlanFailed(planJobName, outcome, outcome.message()), null);
    }
    Optional<PlanResult> result = PlanResult.parse(outcome.report());
    if (result.isEmpty() || result.get().sha256() == null) {
      return new Gate(
          new ApplyState.PlanFailed(
              planJobName,
              outcome,
              "it ended without a plan file at $(GANTRY_PLAN_FILE)"
                  + (o.provision().getSpec().plan == null
                      ? ""
                      : ": a custom spec.plan must write its plan there (-out=$(GANTRY_PLAN_FILE))")),
          null);
    }
    PlanStatus plan = result.get().toStatus(outcome, planJobName);
    if (plan.id.equals(approval)) {
      slot.retire(planRun.get()).ifPresent(actions::add);
      return new Gate(null, plan);
    }
    return new Gate(new ApplyState.AwaitingApproval(planJobName, outcome, plan, approval), null);
  }
}
