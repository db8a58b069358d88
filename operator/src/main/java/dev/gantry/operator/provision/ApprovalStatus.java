package dev.gantry.operator.provision;

import dev.gantry.api.provision.PlanStatus;
import dev.gantry.api.provision.Provision;
import dev.gantry.operator.kube.Conditions;

/** Manual approval's part of the status: the plan awaiting approval and the Approved condition. */
final class ApprovalStatus {
  private ApprovalStatus() {}

  /** How a user reviews and approves the plan of Provision {@code name}. */
  static String how(String name) {
    return "review it with gantry plan provision/"
        + name
        + " and approve it with gantry approve provision/"
        + name;
  }

  /** "plan 3-1 (+1 ~0 -0) awaits approval: review it with ..." */
  static String awaiting(PlanStatus plan, String name) {
    return "plan " + plan.id + " (" + plan.summary + ") awaits approval: " + how(name);
  }

  static void write(StatusDraft d, ApplyState state) {
    if (!d.provision.getSpec().manualApproval()) {
      d.status.plan = null;
      return;
    }
    d.status.plan = d.previous.plan;
    if (Conditions.find(d.previous.conditions, ProvisionStatusFactory.APPROVED).isPresent()) {
      d.keep(ProvisionStatusFactory.APPROVED);
    } else {
      approved(d, false, "NotPlanned", "no plan has been made yet");
    }
    long generation = d.generation;
    if (state instanceof ApplyState.Started s && s.plan() != null) {
      d.status.plan = approvedCopy(s.plan());
      approved(
          d, true, "Approved", "plan " + s.plan().id + " (" + s.plan().summary + ") was approved");
    } else if (state instanceof ApplyState.Planning) {
      d.status.plan = null;
      approved(d, false, "Planning", "generation " + generation + " is being planned");
    } else if (state instanceof ApplyState.PlanFailed) {
      d.status.plan = null;
      approved(d, false, "PlanFailed", "there is no plan to approve");
    } else if (state instanceof ApplyState.AwaitingApproval a) {
      d.status.plan = a.plan();
      if (a.approval() == null) {
        approved(d, false, ProvisionStatusFactory.AWAITING_APPROVAL, awaiting(a.plan(), d.name()));
      } else {
        approved(
            d,
            false,
            ProvisionStatusFactory.APPROVAL_NOT_FOR_THIS_PLAN,
            "the annotation "
                + Provision.APPROVED_PLAN_ANNOTATION
                + "="
                + a.approval()
                + " approves a plan that is not the one awaiting approval ("
                + a.plan().id
                + ", generation "
                + generation
                + "), so nothing is applied: "
                + how(d.name()));
      }
    } else if (state instanceof ApplyState.Run r
        && r.planId() != null
        && d.status.plan != null
        && r.planId().equals(d.status.plan.id)) {
      // The Job says which plan it applies: a status from before the approval cannot undo that.
      d.status.plan = approvedCopy(d.status.plan);
      approved(
          d,
          true,
          "Approved",
          "plan " + d.status.plan.id + " (" + d.status.plan.summary + ") was approved");
    }
  }

  private static void approved(StatusDraft d, boolean value, String reason, String message) {
    d.conditions.set(ProvisionStatusFactory.APPROVED, value, reason, message);
  }

  /** A copy marked approved: the plan may be the previous status's own object. */
  private static PlanStatus approvedCopy(PlanStatus plan) {
    PlanStatus copy = new PlanStatus();
    copy.id = plan.id;
    copy.generation = plan.generation;
    copy.jobName = plan.jobName;
    copy.summary = plan.summary;
    copy.add = plan.add;
    copy.change = plan.change;
    copy.destroy = plan.destroy;
    copy.hasChanges = plan.hasChanges;
    copy.file = plan.file;
    copy.sha256 = plan.sha256;
    copy.text = plan.text;
    copy.completionTime = plan.completionTime;
    copy.approved = true;
    return copy;
  }
}
