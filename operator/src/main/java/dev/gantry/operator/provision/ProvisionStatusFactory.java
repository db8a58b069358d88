package dev.gantry.operator.provision;

import dev.gantry.api.provision.DeliverablesStatus;
import dev.gantry.api.provision.DriftStatus;
import dev.gantry.api.provision.PlanStatus;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.api.provision.RunStatus;
import dev.gantry.operator.kube.Conditions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;

/**
 * Computes a Provision's status from what the reconciler observed. Pure: the same inputs give the
 * same status, and conditions keep their transition time unless their value changes.
 */
public final class ProvisionStatusFactory {
  public static final String READY = "Ready";
  public static final String APPLIED = "Applied";
  public static final String VARIABLES_RESOLVED = "VariablesResolved";
  public static final String DELIVERABLES_AVAILABLE = "DeliverablesAvailable";
  public static final String DESTROYED = "Destroyed";
  public static final String DESTROY_BLOCKED = "DestroyBlocked";
  public static final String OUTPUTS_PUBLISHED = "OutputsPublished";
  public static final String APPROVED = "Approved";
  public static final String DRIFTED = "Drifted";
  public static final String AWAITING_APPROVAL = "AwaitingApproval";
  public static final String APPROVAL_NOT_FOR_THIS_PLAN = "ApprovalNotForThisPlan";
  public static final String OUTPUTS_PUBLISHED_REASON = "Published";
  public static final String NOTHING_TO_PUBLISH = "NothingToPublish";

  private ProvisionStatusFactory() {}

  /** Where the apply stands, as the reconciler found it. */
  public sealed interface ApplyState {
    /** The variables cannot be mounted yet; no Job is started. */
    record VariablesMissing() implements ApplyState {}

    /**
     * The Job for the current generation was just created.
     *
     * @param plan the approved plan it applies, under manual approval; else null
     */
    record Started(String jobName, RunId run, PlanStatus plan) implements ApplyState {}

    /** Manual approval: this generation's plan run, just created (outcome null) or running. */
    record Planning(String jobName, RunId run, RunOutcome outcome) implements ApplyState {}

    /** Manual approval: the plan run failed, or made no plan file; nothing is applied. */
    record PlanFailed(String jobName, RunOutcome outcome, String why) implements ApplyState {}

    /**
     * Manual approval: the plan is made and waits for gantry approve.
     *
     * @param approval the approved-plan annotation, when it names another plan; else null
     */
    record AwaitingApproval(String jobName, RunOutcome outcome, PlanStatus plan, String approval)
        implements ApplyState {}

    /** A run of an older generation has to end (and its Job go) before the new one starts. */
    record ReplacingRun(String jobName, RunOutcome previous) implements ApplyState {}

    /** The run of the current generation. */
    /**
     * @param planId the approved plan the Job applies (its gantry.dev/plan annotation), or null
     */
    record Run(String jobName, RunOutcome outcome, String planId) implements ApplyState {
      public Run(String jobName, RunOutcome outcome) {
        this(jobName, outcome, null);
      }
    }
  }

  /** Where the destroy stands during deletion. */
  public sealed interface DestroyState {
    record WaitingForApply(String jobName, RunOutcome apply) implements DestroyState {}

    record VariablesMissing() implements DestroyState {}

    record Started(String jobName, RunId run, int attempt) implements DestroyState {}

    record Run(String jobName, RunOutcome outcome, Instant retryAt) implements DestroyState {}

    /** The destroy Job cannot be created: the namespace is terminating, or the server refuses. */
    record Blocked(String why) implements DestroyState {}
  }

  public static ProvisionStatus forApply(
      Provision provision, VariablesCheck variables, ApplyState state, Instant now) {
    return forApply(provision, variables, state, null, null, now);
  }

  /**
   * @param outputs where publishing the outputs stands, for a successful run of this generation;
   *     null otherwise
   */
  public static ProvisionStatus forApply(
      Provision provision,
      VariablesCheck variables,
      ApplyState state,
      OutputsState outputs,
      DriftCheck.DriftState drift,
      Instant now) {
    ProvisionStatus previous =
        provision.getStatus() == null ? new ProvisionStatus() : provision.getStatus();
    long generation = generation(provision);
    ProvisionStatus status = new ProvisionStatus();
    status.observedGeneration = generation;
    status.run = previous.run;
    status.deliverables = previous.deliverables;
    status.outputs = previous.outputs;
    status.destroyPreview = previous.destroyPreview;
    boolean manual = provision.getSpec().manualApproval();
    status.plan = manual ? previous.plan : null;
    Conditions conditions = Conditions.after(previous.conditions, now, generation);
    conditions.set(
        VARIABLES_RESOLVED, variables.resolved(), variables.reason(), variables.message());
    keepOutputsCondition(conditions, previous);
    status.drift = provision.getSpec().driftDetection == null ? null : previous.drift;
    if (provision.getSpec().driftDetection != null) {
      Conditions.find(previous.conditions, DRIFTED)
          .ifPresent(c -> conditions.set(DRIFTED, c.getStatus(), c.getReason(), c.getMessage()));
    }
    if (manual) {
      Conditions.find(previous.conditions, APPROVED)
          .ifPresentOrElse(
              c -> conditions.set(APPROVED, c.getStatus(), c.getReason(), c.getMessage()),
              () -> conditions.set(APPROVED, false, "NotPlanned", "no plan has been made yet"));
    }
    String name = provision.getMetadata().getName();

    String readyReason = null;
    String readyMessage = null;
    String appliedReason;
    String appliedMessage;
    boolean applied = false;
    if (state instanceof ApplyState.VariablesMissing) {
      status.phase = Phase.Pending;
      appliedReason = "WaitingForVariables";
      appliedMessage = "no run is started until the variables exist: " + variables.message();
    } else if (state instanceof ApplyState.Started s) {
      status.phase = Phase.Applying;
      status.run = run("apply", s.jobName(), s.run(), null);
      appliedReason = "Started";
      appliedMessage = "Job " + s.jobName() + " created for generation " + generation;
      if (s.plan() != null) {
        status.plan = approved(s.plan());
        appliedMessage += " to apply the approved plan " + s.plan().id;
        conditions.set(
            APPROVED,
            true,
            "Approved",
            "plan " + s.plan().id + " (" + s.plan().summary + ") was approved");
      }
    } else if (state instanceof ApplyState.Planning p) {
      status.phase = Phase.Planning;
      status.plan = null;
      status.run = run("plan", p.jobName(), p.run(), p.outcome());
      appliedReason = "Planning";
      appliedMessage =
          "Job "
              + p.jobName()
              + " is planning generation "
              + generation
              + "; it is applied once its plan is approved"
              + (p.outcome() == null || p.outcome().message().isEmpty()
                  ? ""
                  : ": " + p.outcome().message());
      conditions.set(APPROVED, false, "Planning", "generation " + generation + " is being planned");
    } else if (state instanceof ApplyState.PlanFailed f) {
      status.phase = Phase.Failed;
      status.plan = null;
      status.run = run("plan", f.jobName(), f.outcome().id(), f.outcome());
      appliedReason = "PlanFailed";
      appliedMessage =
          "Job "
              + f.jobName()
              + " could not plan generation "
              + generation
              + ": "
              + f.why()
              + "\nChange the spec to plan again, or delete Job "
              + f.jobName()
              + " to retry";
      conditions.set(APPROVED, false, "PlanFailed", "there is no plan to approve");
    } else if (state instanceof ApplyState.AwaitingApproval a) {
      status.phase = Phase.AwaitingApproval;
      status.plan = a.plan();
      if (a.outcome() != null) {
        status.run = run("plan", a.jobName(), a.outcome().id(), a.outcome());
      }
      appliedReason = AWAITING_APPROVAL;
      String how =
          "review it with gantry plan provision/"
              + name
              + " and approve it with gantry approve provision/"
              + name;
      appliedMessage =
          "plan " + a.plan().id + " (" + a.plan().summary + ") awaits approval: " + how;
      if (a.approval() == null) {
        conditions.set(APPROVED, false, AWAITING_APPROVAL, appliedMessage);
      } else {
        conditions.set(
            APPROVED,
            false,
            APPROVAL_NOT_FOR_THIS_PLAN,
            "the annotation "
                + Provision.APPROVED_PLAN_ANNOTATION
                + "="
                + a.approval()
                + " approves a plan that is not the one awaiting approval ("
                + a.plan().id
                + ", generation "
                + generation
                + "), so nothing is applied: "
                + how);
      }
    } else if (state instanceof ApplyState.ReplacingRun r) {
      status.phase = Phase.Applying;
      appliedReason = "ReplacingRun";
      appliedMessage =
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
                  + generation;
    } else {
      ApplyState.Run r = (ApplyState.Run) state;
      RunOutcome outcome = r.outcome();
      // The Job says which plan it applies: a status read from a lagging cache cannot undo that.
      if (manual
          && r.planId() != null
          && status.plan != null
          && r.planId().equals(status.plan.id)) {
        status.plan = approved(status.plan);
        conditions.set(
            APPROVED,
            true,
            "Approved",
            "plan " + status.plan.id + " (" + status.plan.summary + ") was approved");
      }
      status.run = run("apply", r.jobName(), outcome.id(), outcome);
      switch (outcome.state()) {
        case RUNNING -> {
          status.phase = Phase.Applying;
          appliedReason = "Running";
          appliedMessage =
              "Job "
                  + r.jobName()
                  + " is applying generation "
                  + generation
                  + (outcome.message().isEmpty() ? "" : ": " + outcome.message());
        }
        case SUCCEEDED -> {
          status.phase = Phase.Ready;
          applied = true;
          appliedReason = "Succeeded";
          appliedMessage = "Job " + r.jobName() + " applied generation " + generation;
          status.deliverables = deliverables(provision, outcome, previous.deliverables);
          String secret = ProvisionNames.outputsSecret(provision.getMetadata().getName());
          if (outputs instanceof OutputsState.Published published) {
            status.outputs = published.outputs();
            conditions.set(
                OUTPUTS_PUBLISHED,
                true,
                OUTPUTS_PUBLISHED_REASON,
                published.outputs().items.size()
                    + " key(s) in Secret "
                    + secret
                    + " from run "
                    + published.outputs().run);
          } else if (outputs instanceof OutputsState.Nothing nothing) {
            status.outputs = nothing.outputs();
            conditions.set(
                OUTPUTS_PUBLISHED,
                true,
                NOTHING_TO_PUBLISH,
                "run "
                    + nothing.outputs().run
                    + " left none of the outputs spec.outputs asks for (by default outputs.json),"
                    + " so there is no Secret "
                    + secret);
          } else if (outputs instanceof OutputsState.Refused refused) {
            status.phase = Phase.Failed;
            status.outputs = refused.outputs();
            conditions.set(OUTPUTS_PUBLISHED, false, refused.reason(), refused.message());
            readyReason = refused.reason();
            readyMessage =
                "generation "
                    + generation
                    + " was applied, but its outputs are not published: "
                    + refused.message();
          } else if (outputs instanceof OutputsState.Waiting waiting) {
            status.phase = Phase.Applying;
            conditions.set(OUTPUTS_PUBLISHED, false, "Publishing", waiting.message());
            readyReason = "PublishingOutputs";
            readyMessage =
                "generation "
                    + generation
                    + " was applied; publishing its outputs: "
                    + waiting.message();
          }
        }
        default -> {
          status.phase = Phase.Failed;
          appliedReason = "Failed";
          appliedMessage = "Job " + r.jobName() + " failed: " + outcome.message();
        }
      }
    }
    if (status.phase == Phase.Ready && drift != null) {
      drift(conditions, status, drift, generation);
    }
    conditions.set(APPLIED, applied, appliedReason, appliedMessage);
    deliverablesCondition(conditions, status.deliverables);
    conditions.set(
        READY,
        status.phase == Phase.Ready,
        readyReason == null ? appliedReason : readyReason,
        readyMessage == null ? appliedMessage : readyMessage);
    status.conditions = conditions.build();
    status.destroyAttempts = null;
    return status;
  }

  public static ProvisionStatus forDestroy(
      Provision provision, VariablesCheck variables, DestroyState state, Instant now) {
    ProvisionStatus previous =
        provision.getStatus() == null ? new ProvisionStatus() : provision.getStatus();
    long generation = generation(provision);
    ProvisionStatus status = new ProvisionStatus();
    status.phase = Phase.Destroying;
    status.observedGeneration = generation;
    status.run = previous.run;
    status.deliverables = previous.deliverables;
    status.outputs = previous.outputs;
    status.destroyPreview = previous.destroyPreview;
    status.destroyAttempts = previous.destroyAttempts;
    Conditions conditions = Conditions.after(previous.conditions, now, generation);
    conditions.set(
        VARIABLES_RESOLVED, variables.resolved(), variables.reason(), variables.message());
    Conditions.find(previous.conditions, APPLIED)
        .ifPresent(c -> conditions.set(APPLIED, c.getStatus(), c.getReason(), c.getMessage()));
    keepOutputsCondition(conditions, previous);
    deliverablesCondition(conditions, status.deliverables);

    String reason;
    String message;
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
      reason = DESTROY_BLOCKED;
      message =
          b.why()
              + ". The infrastructure still exists and its state stays on claim "
              + ProvisionNames.deliverablesClaim(provision.getMetadata().getName())
              + ". To let the Provision go without destroying, annotate it "
              + Provision.SKIP_DESTROY_ANNOTATION
              + "=true and destroy the infrastructure by hand; delete Provisions before their"
              + " namespace (gantry delete provision/NAME --wait) so the destroy can run";
    } else if (state instanceof DestroyState.Started s) {
      status.destroyAttempts = s.attempt();
      status.run = run("destroy", s.jobName(), s.run(), null);
      reason = "Started";
      message = "Job " + s.jobName() + " created (attempt " + s.attempt() + ")";
    } else {
      DestroyState.Run r = (DestroyState.Run) state;
      RunOutcome outcome = r.outcome();
      status.destroyAttempts = Math.max(orZero(status.destroyAttempts), outcome.attempt());
      status.run = run("destroy", r.jobName(), outcome.id(), outcome);
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
    boolean destroyed = state instanceof DestroyState.Run r && r.outcome().succeeded();
    conditions.set(DESTROYED, destroyed, reason, message);
    conditions.set(
        READY,
        false,
        state instanceof DestroyState.Blocked ? DESTROY_BLOCKED : "Deleting",
        "the Provision is being deleted: " + message);
    status.conditions = conditions.build();
    return status;
  }

  /** A copy marked approved: the plan may be the cached status's own object. */
  private static PlanStatus approved(PlanStatus plan) {
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

  /** The Drifted condition and status.drift, while the generation stands applied. */
  private static void drift(
      Conditions conditions, ProvisionStatus status, DriftCheck.DriftState drift, long generation) {
    if (drift instanceof DriftCheck.DriftState.Off) {
      status.drift = null;
    } else if (drift instanceof DriftCheck.DriftState.Invalid invalid) {
      status.drift = null;
      conditions.set(DRIFTED, Conditions.UNKNOWN, "InvalidInterval", invalid.message());
    } else if (drift instanceof DriftCheck.DriftState.Checking c) {
      status.drift = c.previous();
      status.run = run("drift", c.jobName(), c.run(), c.outcome());
      String message =
          "Job "
              + c.jobName()
              + " is checking generation "
              + generation
              + " for drift (run "
              + c.run()
              + ")"
              + (c.outcome() == null || c.outcome().message().isEmpty()
                  ? ""
                  : ": " + c.outcome().message());
      conditions.set(
          DRIFTED,
          c.previous() == null || c.previous().drifted == null
              ? Conditions.UNKNOWN
              : c.previous().drifted ? Conditions.TRUE : Conditions.FALSE,
          "Checking",
          message);
    } else if (drift instanceof DriftCheck.DriftState.CheckFailed f) {
      status.drift = f.drift();
      status.run = run("drift", f.jobName(), f.outcome().id(), f.outcome());
      conditions.set(
          DRIFTED,
          Conditions.UNKNOWN,
          "CheckFailed",
          "Job "
              + f.jobName()
              + " could not check for drift: "
              + f.outcome().message()
              + "\nThe next check is at "
              + f.drift().nextCheckTime);
    } else if (drift instanceof DriftCheck.DriftState.Idle idle) {
      status.drift = idle.drift();
      DriftStatus d = idle.drift();
      if (!idle.checkedSinceApply() || d.run == null) {
        conditions.set(
            DRIFTED,
            false,
            "NotCheckedYet",
            "no drift check has run since generation "
                + generation
                + " was applied; the first is at "
                + d.nextCheckTime);
      } else if (Boolean.TRUE.equals(d.drifted)) {
        conditions.set(
            DRIFTED,
            true,
            "Drifted",
            "the drift check of "
                + d.lastCheckTime
                + " (run "
                + d.run
                + ") plans "
                + d.summary
                + ": the infrastructure no longer matches generation "
                + generation
                + "; the next check is at "
                + d.nextCheckTime);
      } else {
        conditions.set(
            DRIFTED,
            false,
            "NoDrift",
            "the drift check of "
                + d.lastCheckTime
                + " (run "
                + d.run
                + ") found no changes; the next check is at "
                + d.nextCheckTime);
      }
    }
  }

  /** Until a run publishes anew, the condition describes the Secret as the last one left it. */
  private static void keepOutputsCondition(Conditions conditions, ProvisionStatus previous) {
    Optional<io.fabric8.kubernetes.api.model.Condition> kept =
        Conditions.find(previous.conditions, OUTPUTS_PUBLISHED);
    if (kept.isPresent()) {
      conditions.set(
          OUTPUTS_PUBLISHED,
          kept.get().getStatus(),
          kept.get().getReason(),
          kept.get().getMessage());
    } else {
      conditions.set(OUTPUTS_PUBLISHED, false, "NoSuccessfulApply", "no apply has succeeded yet");
    }
  }

  private static void deliverablesCondition(
      Conditions conditions, DeliverablesStatus deliverables) {
    if (deliverables != null && deliverables.generation != null) {
      int count = deliverables.files == null ? 0 : deliverables.files.size();
      conditions.set(
          DELIVERABLES_AVAILABLE,
          true,
          "Listed",
          count
              + " file(s) from the apply of generation "
              + deliverables.generation
              + " on claim "
              + deliverables.claimName
              + (Boolean.TRUE.equals(deliverables.truncated) ? " (list truncated)" : ""));
    } else {
      conditions.set(
          DELIVERABLES_AVAILABLE, false, "NoSuccessfulApply", "no apply has succeeded yet");
    }
  }

  private static DeliverablesStatus deliverables(
      Provision provision, RunOutcome outcome, DeliverablesStatus previous) {
    Optional<DeliverablesManifest> manifest = outcome.manifest();
    long generation = generation(provision);
    if (manifest.isEmpty()
        && previous != null
        && previous.generation != null
        && previous.generation == generation) {
      return previous;
    }
    DeliverablesStatus status = new DeliverablesStatus();
    status.claimName = ProvisionNames.deliverablesClaim(provision.getMetadata().getName());
    status.mountPath = provision.getSpec().deliverablesOrDefault().mountPathOrDefault();
    status.generation = generation;
    status.files = manifest.map(m -> new ArrayList<>(m.files())).orElseGet(ArrayList::new);
    status.truncated = manifest.map(DeliverablesManifest::truncated).orElse(true) ? true : null;
    return status;
  }

  private static RunStatus run(String type, String jobName, RunId id, RunOutcome outcome) {
    RunStatus run = new RunStatus();
    run.type = type;
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

  private static long generation(Provision provision) {
    Long generation = provision.getMetadata().getGeneration();
    return generation == null ? 1L : generation;
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
