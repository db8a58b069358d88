package dev.gantry.operator.provision;

import dev.gantry.api.provision.DeliverablesStatus;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.api.provision.RunStatus;
import java.util.ArrayList;
import java.util.Optional;

/** The apply's part of the status: phase, the run, the Applied condition and the deliverables. */
final class ApplyStatus {
  private ApplyStatus() {}

  static void write(StatusDraft d, VariablesCheck variables, ApplyState state) {
    long generation = d.generation;
    if (state instanceof ApplyState.VariablesMissing) {
      d.status.phase = Phase.Pending;
      applied(
          d,
          "WaitingForVariables",
          "no run is started until the variables exist: " + variables.message());
    } else if (state instanceof ApplyState.Started s) {
      // Said as the next pass will say it once the Job is seen running: no second write for it.
      d.status.phase = Phase.Applying;
      d.status.run = run(RunKind.APPLY, s.jobName(), s.run(), null);
      applied(
          d,
          "Running",
          applying(s.jobName(), generation, s.plan() == null ? null : s.plan().id, ""));
    } else if (state instanceof ApplyState.Planning p) {
      d.status.phase = Phase.Planning;
      d.status.run = run(RunKind.PLAN, p.jobName(), p.run(), p.outcome());
      applied(
          d,
          "Planning",
          "Job "
              + p.jobName()
              + " is planning generation "
              + generation
              + "; it is applied once its plan is approved"
              + (p.outcome() == null || p.outcome().message().isEmpty()
                  ? ""
                  : ": " + p.outcome().message()));
    } else if (state instanceof ApplyState.PlanFailed f) {
      d.status.phase = Phase.Failed;
      d.status.run = run(RunKind.PLAN, f.jobName(), f.outcome().id(), f.outcome());
      applied(
          d,
          "PlanFailed",
          "Job "
              + f.jobName()
              + " could not plan generation "
              + generation
              + ": "
              + f.why()
              + "\nChange the spec to plan again, or delete Job "
              + f.jobName()
              + " to retry");
    } else if (state instanceof ApplyState.AwaitingApproval a) {
      d.status.phase = Phase.AwaitingApproval;
      if (a.outcome() != null) {
        d.status.run = run(RunKind.PLAN, a.jobName(), a.outcome().id(), a.outcome());
      }
      applied(
          d, ProvisionStatusFactory.AWAITING_APPROVAL, ApprovalStatus.awaiting(a.plan(), d.name()));
    } else if (state instanceof ApplyState.ReplacingRun r) {
      d.status.phase = Phase.Applying;
      applied(
          d,
          "ReplacingRun",
          r.previous().running()
              ? "waiting for Job "
                  + r.jobName()
                  + " (generation "
                  + r.previous().generation()
                  + ") to end before applying generation "
                  + generation
              : "removing Job "
                  + r.jobName()
                  + " of generation "
                  + r.previous().generation()
                  + " before applying generation "
                  + generation);
    } else if (state instanceof ApplyState.WaitingForRun w) {
      d.status.phase = Phase.Pending;
      applied(
          d,
          "WaitingForRun",
          "the " + w.kind().description() + " of generation " + generation + " waits: " + w.why());
    } else {
      ApplyState.Run r = (ApplyState.Run) state;
      RunOutcome outcome = r.outcome();
      d.status.run = run(RunKind.APPLY, r.jobName(), outcome.id(), outcome);
      switch (outcome.state()) {
        case RUNNING -> {
          d.status.phase = Phase.Applying;
          applied(d, "Running", applying(r.jobName(), generation, r.planId(), outcome.message()));
        }
        case SUCCEEDED -> {
          d.status.phase = Phase.Ready;
          d.applied = true;
          d.appliedReason = "Succeeded";
          d.appliedMessage = "Job " + r.jobName() + " applied generation " + generation;
          d.status.deliverables = deliverables(d, outcome);
        }
        default -> {
          d.status.phase = Phase.Failed;
          applied(d, "Failed", "Job " + r.jobName() + " failed: " + outcome.message());
        }
      }
    }
  }

  /** The Applied condition, the deliverables' and Ready, once every part has written. */
  static void conclude(StatusDraft d) {
    d.conditions.set(ProvisionStatusFactory.APPLIED, d.applied, d.appliedReason, d.appliedMessage);
    deliverablesCondition(d);
    d.conditions.set(
        ProvisionStatusFactory.READY,
        d.status.phase == Phase.Ready,
        d.readyReason == null ? d.appliedReason : d.readyReason,
        d.readyMessage == null ? d.appliedMessage : d.readyMessage);
  }

  static void deliverablesCondition(StatusDraft d) {
    DeliverablesStatus deliverables = d.status.deliverables;
    if (deliverables != null && deliverables.generation != null) {
      int count = deliverables.files == null ? 0 : deliverables.files.size();
      d.conditions.set(
          ProvisionStatusFactory.DELIVERABLES_AVAILABLE,
          true,
          "Listed",
          count
              + " file(s) from the apply of generation "
              + deliverables.generation
              + " on claim "
              + deliverables.claimName
              + (Boolean.TRUE.equals(deliverables.truncated) ? " (list truncated)" : ""));
    } else {
      d.conditions.set(
          ProvisionStatusFactory.DELIVERABLES_AVAILABLE,
          false,
          "NoSuccessfulApply",
          "no apply has succeeded yet");
    }
  }

  /** "Job apply-x is applying generation 3 (the approved plan 3-1): pod ...: ErrImagePull" */
  private static String applying(String job, long generation, String planId, String message) {
    return "Job "
        + job
        + " is applying generation "
        + generation
        + (planId == null ? "" : " (the approved plan " + planId + ")")
        + (message == null || message.isEmpty() ? "" : ": " + message);
  }

  private static void applied(StatusDraft d, String reason, String message) {
    d.applied = false;
    d.appliedReason = reason;
    d.appliedMessage = message;
  }

  private static DeliverablesStatus deliverables(StatusDraft d, RunOutcome outcome) {
    Optional<DeliverablesManifest> manifest = outcome.manifest();
    DeliverablesStatus previous = d.previous.deliverables;
    if (manifest.isEmpty()
        && previous != null
        && previous.generation != null
        && previous.generation == d.generation) {
      return previous;
    }
    DeliverablesStatus status = new DeliverablesStatus();
    status.claimName = ProvisionNames.deliverablesClaim(d.name());
    status.mountPath = d.provision.getSpec().deliverablesOrDefault().mountPathOrDefault();
    status.generation = d.generation;
    status.files = manifest.map(m -> new ArrayList<>(m.files())).orElseGet(ArrayList::new);
    status.truncated = manifest.map(DeliverablesManifest::truncated).orElse(true) ? true : null;
    return status;
  }

  /** status.run for a run of this kind, with what its Job and pods say so far. */
  static RunStatus run(RunKind kind, String jobName, RunId id, RunOutcome outcome) {
    RunStatus run = new RunStatus();
    run.type = kind.statusType();
    run.jobName = jobName;
    run.generation = id.generation();
    run.number = id.number();
    run.log = id.logPath();
    if (outcome != null) {
      run.startTime = outcome.startTime();
      run.completionTime = outcome.running() ? null : outcome.completionTime();
      run.exitCode = outcome.exitCode();
      run.failedAttempts = outcome.failedAttempts() == 0 ? null : outcome.failedAttempts();
    }
    return run;
  }
}
