package dev.gantry.operator.provision;

import dev.gantry.api.provision.Provision;

/** The destroy's part of the status while the Provision is deleted: Destroyed and its attempts. */
final class DestroyStatusPart {
  private DestroyStatusPart() {}

  static void write(StatusDraft d, VariablesCheck variables, DestroyState state) {
    d.status.destroyAttempts = d.previous.destroyAttempts;
    String reason;
    String message;
    boolean destroyed = false;
    if (state instanceof DestroyState.WaitingForApply w) {
      reason = "WaitingForApply";
      message =
          w.apply().running()
              ? "the destroy starts when Job " + w.jobName() + " ends"
              : "removing Job " + w.jobName() + " before the destroy starts";
    } else if (state instanceof DestroyState.VariablesMissing) {
      reason = "WaitingForVariables";
      message = "the destroy needs the variables the apply used: " + variables.message();
    } else if (state instanceof DestroyState.Blocked b) {
      reason = ProvisionStatusFactory.DESTROY_BLOCKED;
      message =
          b.why()
              + ". The infrastructure still exists and its state stays on claim "
              + ProvisionNames.deliverablesClaim(d.name())
              + ". To let the Provision go without destroying, annotate it "
              + Provision.SKIP_DESTROY_ANNOTATION
              + "=true and destroy the infrastructure by hand; delete Provisions before their"
              + " namespace (gantry delete provision/NAME --wait) so the destroy can run";
    } else if (state instanceof DestroyState.Skipped) {
      reason = "Skipped";
      message =
          "deleted without running a destroy ("
              + (d.provision.getSpec().destroysOnDelete()
                  ? Provision.SKIP_DESTROY_ANNOTATION + "=true"
                  : "spec.destroyOnDelete is false")
              + ")";
      destroyed = true;
    } else if (state instanceof DestroyState.Started s) {
      d.status.destroyAttempts = s.attempt();
      d.status.run = ApplyStatus.run(RunKind.DESTROY, s.jobName(), s.run(), null);
      reason = "Started";
      message = "Job " + s.jobName() + " created (attempt " + s.attempt() + ")";
    } else {
      DestroyState.Run r = (DestroyState.Run) state;
      RunOutcome outcome = r.outcome();
      d.status.destroyAttempts =
          Math.max(
              d.status.destroyAttempts == null ? 0 : d.status.destroyAttempts, outcome.attempt());
      d.status.run = ApplyStatus.run(RunKind.DESTROY, r.jobName(), outcome.id(), outcome);
      if (!outcome.running() && d.status.run.completionTime == null) {
        // The tool never ended (the deadline passed, the pod went): the retry counts from now.
        d.status.run.completionTime = r.endedAt() == null ? null : r.endedAt().toString();
      }
      switch (outcome.state()) {
        case RUNNING -> {
          reason = "Running";
          message =
              "Job "
                  + r.jobName()
                  + " is destroying (attempt "
                  + outcome.attempt()
                  + ")"
                  + (outcome.message().isEmpty() ? "" : ": " + outcome.message());
        }
        case SUCCEEDED -> {
          reason = "Succeeded";
          message = "Job " + r.jobName() + " destroyed what the apply made";
          destroyed = true;
        }
        default -> {
          reason = "Failed";
          message =
              "Job "
                  + r.jobName()
                  + " failed (attempt "
                  + outcome.attempt()
                  + "), retrying at "
                  + r.retryAt()
                  + ": "
                  + outcome.message()
                  + "\nTo delete without destroying, annotate the Provision "
                  + Provision.SKIP_DESTROY_ANNOTATION
                  + "=true";
        }
      }
    }
    d.conditions.set(ProvisionStatusFactory.DESTROYED, destroyed, reason, message);
    d.conditions.set(
        ProvisionStatusFactory.READY,
        false,
        state instanceof DestroyState.Blocked ? ProvisionStatusFactory.DESTROY_BLOCKED : "Deleting",
        "the Provision is being deleted: " + message);
  }
}
