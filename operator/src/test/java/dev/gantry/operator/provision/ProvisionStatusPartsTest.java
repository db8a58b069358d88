package dev.gantry.operator.provision;

import static dev.gantry.operator.provision.ProvisionStatusFactoryTest.OK;
import static dev.gantry.operator.provision.ProvisionStatusFactoryTest.T0;
import static dev.gantry.operator.provision.ProvisionStatusFactoryTest.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.provision.DriftDetectionSpec;
import dev.gantry.api.provision.DriftStatus;
import dev.gantry.api.provision.OutputsStatus;
import dev.gantry.api.provision.PlanStatus;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionSpec;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.operator.kube.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each part of the status, branch by branch. */
class ProvisionStatusPartsTest {
  static Condition condition(ProvisionStatus status, String type) {
    return Conditions.find(status.conditions, type).orElseThrow();
  }

  static Provision provision() {
    return ProvisionStatusFactoryTest.provision();
  }

  static ApplyState.Run succeeded() {
    return new ApplyState.Run("apply-rancher", outcome(RunOutcome.State.SUCCEEDED, 0, ""));
  }

  static PlanStatus plan(String id) {
    PlanStatus plan = new PlanStatus();
    plan.id = id;
    plan.generation = 3L;
    plan.summary = "+1 ~0 -0";
    plan.sha256 = "e".repeat(64);
    return plan;
  }

  @Nested
  class Apply {
    @Test
    void waitingForTheRunSlotIsPendingAndNamesWhat() {
      var status =
          ProvisionStatusFactory.forApply(
              provision(),
              OK,
              new ApplyState.WaitingForRun(
                  RunKind.APPLY, "Job drift-rancher (drift check) is going"),
              T0);
      assertThat(status.phase).isEqualTo(Phase.Pending);
      assertThat(condition(status, "Applied").getMessage())
          .isEqualTo("the apply of generation 3 waits: Job drift-rancher (drift check) is going");
      assertThat(condition(status, "Ready").getReason()).isEqualTo("WaitingForRun");
    }

    @Test
    void anOldRunThatEndedIsBeingRemoved() {
      var status =
          ProvisionStatusFactory.forApply(
              provision(),
              OK,
              new ApplyState.ReplacingRun(
                  "apply-rancher", outcome(RunOutcome.State.SUCCEEDED, 0, "")),
              T0);
      assertThat(condition(status, "Applied").getMessage())
          .startsWith("removing Job apply-rancher");
    }

    @Test
    void aStartedApplyOfAnApprovedPlanSaysWhichPlan() {
      Provision p = provision();
      p.getSpec().approval = ProvisionSpec.Approval.manual;
      var status =
          ProvisionStatusFactory.forApply(
              p, OK, new ApplyState.Started("apply-rancher", new RunId(3, 2), plan("3-1")), T0);
      assertThat(status.phase).isEqualTo(Phase.Applying);
      assertThat(status.run.number).isEqualTo(2);
      assertThat(condition(status, "Applied").getMessage()).contains("approved plan 3-1");
      assertThat(condition(status, "Approved").getStatus()).isEqualTo("True");
      assertThat(status.plan.approved).isTrue();
    }
  }

  @Nested
  class Approval {
    @Test
    void withoutManualApprovalThereIsNoPlanAndNoApprovedCondition() {
      Provision p = provision();
      p.setStatus(new ProvisionStatus());
      p.getStatus().plan = plan("3-1");
      var status = ProvisionStatusFactory.forApply(p, OK, succeeded(), T0);
      assertThat(status.plan).isNull();
      assertThat(Conditions.find(status.conditions, "Approved")).isEmpty();
    }

    @Test
    void beforeAnyPlanItSaysNotPlanned() {
      Provision p = provision();
      p.getSpec().approval = ProvisionSpec.Approval.manual;
      var status = ProvisionStatusFactory.forApply(p, OK, new ApplyState.VariablesMissing(), T0);
      assertThat(condition(status, "Approved").getReason()).isEqualTo("NotPlanned");
    }

    @Test
    void anApprovalOfAnotherPlanIsRefusedNamingBoth() {
      Provision p = provision();
      p.getSpec().approval = ProvisionSpec.Approval.manual;
      var status =
          ProvisionStatusFactory.forApply(
              p, OK, new ApplyState.AwaitingApproval("plan-rancher", null, plan("3-1"), "2-1"), T0);
      assertThat(status.phase).isEqualTo(Phase.AwaitingApproval);
      var approved = condition(status, "Approved");
      assertThat(approved.getReason()).isEqualTo("ApprovalNotForThisPlan");
      assertThat(approved.getMessage()).contains("=2-1", "(3-1, generation 3)");
    }
  }

  @Nested
  class Outputs {
    @Test
    void refusedOutputsFailTheProvisionThoughItApplied() {
      var status =
          ProvisionStatusFactory.forApply(
              provision(),
              OK,
              succeeded(),
              new OutputsState.Refused(new OutputsStatus(), "OutputTooLarge", "too large"),
              null,
              null,
              T0);
      assertThat(status.phase).isEqualTo(Phase.Failed);
      assertThat(condition(status, "Applied").getStatus()).isEqualTo("True");
      assertThat(condition(status, "Ready").getReason()).isEqualTo("OutputTooLarge");
    }

    @Test
    void outputsBeingReadKeepItApplying() {
      var status =
          ProvisionStatusFactory.forApply(
              provision(),
              OK,
              succeeded(),
              new OutputsState.Waiting("reading the outputs through pod x"),
              null,
              null,
              T0);
      assertThat(status.phase).isEqualTo(Phase.Applying);
      assertThat(condition(status, "Ready").getReason()).isEqualTo("PublishingOutputs");
    }

    @Test
    void nothingToPublishIsReadyAndSaysSo() {
      OutputsStatus none = new OutputsStatus();
      none.run = "3-1";
      var status =
          ProvisionStatusFactory.forApply(
              provision(), OK, succeeded(), new OutputsState.Nothing(none), null, null, T0);
      assertThat(status.phase).isEqualTo(Phase.Ready);
      assertThat(condition(status, "OutputsPublished").getReason()).isEqualTo("NothingToPublish");
    }
  }

  @Nested
  class Drift {
    Provision detecting() {
      Provision p = provision();
      p.getSpec().driftDetection = new DriftDetectionSpec();
      p.getSpec().driftDetection.interval = "1h";
      return p;
    }

    ProvisionStatus with(DriftState drift) {
      OutputsStatus none = new OutputsStatus();
      none.run = "3-1";
      return ProvisionStatusFactory.forApply(
          detecting(), OK, succeeded(), new OutputsState.Nothing(none), drift, null, T0);
    }

    DriftStatus last(Boolean drifted) {
      DriftStatus d = new DriftStatus();
      d.run = "3-2";
      d.lastCheckTime = T0.toString();
      d.nextCheckTime = T0.plusSeconds(3600).toString();
      d.drifted = drifted;
      d.summary = "+0 ~1 -0";
      return d;
    }

    @Test
    void offClearsDrift() {
      assertThat(with(new DriftState.Off()).drift).isNull();
    }

    @Test
    void aQueuedCheckKeepsTheLastVerdictAndSaysWhatItWaitsFor() {
      var status = with(new DriftState.Queued(last(true), true, "Job preview-rancher is going"));
      var drifted = condition(status, "Drifted");
      assertThat(drifted.getStatus()).isEqualTo("True");
      assertThat(drifted.getReason()).isEqualTo("CheckQueued");
      assertThat(drifted.getMessage()).contains("preview-rancher");
    }

    @Test
    void aRunningCheckIsTheRunInStatus() {
      var status =
          with(new DriftState.Checking("drift-rancher", new RunId(3, 3), null, last(false)));
      assertThat(status.run.type).isEqualTo("drift");
      assertThat(condition(status, "Drifted").getStatus()).isEqualTo("False");
      assertThat(condition(status, "Drifted").getReason()).isEqualTo("Checking");
    }

    @Test
    void aFailedCheckIsUnknownWithTheNextTime() {
      var status =
          with(
              new DriftState.CheckFailed(
                  "drift-rancher",
                  outcome(RunOutcome.State.FAILED, 1, "no credentials"),
                  last(null)));
      var drifted = condition(status, "Drifted");
      assertThat(drifted.getStatus()).isEqualTo("Unknown");
      assertThat(drifted.getMessage()).contains("no credentials", "next check");
    }

    @Test
    void idleStatesSayWhatTheLastCheckFound() {
      assertThat(condition(with(new DriftState.Idle(last(true), true)), "Drifted").getReason())
          .isEqualTo("Drifted");
      assertThat(condition(with(new DriftState.Idle(last(false), true)), "Drifted").getReason())
          .isEqualTo("NoDrift");
      assertThat(condition(with(new DriftState.Idle(last(null), false)), "Drifted").getReason())
          .isEqualTo("NotCheckedYet");
    }
  }

  @Nested
  class Destroy {
    ProvisionStatus with(DestroyState state) {
      return ProvisionStatusFactory.forDestroy(provision(), OK, state, T0);
    }

    @Test
    void anotherRunThatEndedIsBeingRemovedFirst() {
      var status =
          with(
              new DestroyState.WaitingForApply(
                  "drift-rancher", outcome(RunOutcome.State.SUCCEEDED, 0, "")));
      assertThat(condition(status, "Destroyed").getMessage())
          .isEqualTo("removing Job drift-rancher before the destroy starts");
      assertThat(status.phase).isEqualTo(Phase.Destroying);
    }

    @Test
    void aBlockedDestroySaysHowToLetGo() {
      var status = with(new DestroyState.Blocked("namespace infra is being deleted"));
      assertThat(condition(status, "Ready").getReason()).isEqualTo("DestroyBlocked");
      assertThat(condition(status, "Destroyed").getMessage())
          .contains("gantry.dev/skip-destroy=true", "claim rancher-deliverables");
    }

    @Test
    void aSkippedDestroySaysWhy() {
      Provision off = provision();
      off.getSpec().destroyOnDelete = false;
      var status = ProvisionStatusFactory.forDestroy(off, OK, new DestroyState.Skipped(), T0);
      assertThat(condition(status, "Destroyed").getStatus()).isEqualTo("True");
      assertThat(condition(status, "Destroyed").getMessage()).contains("spec.destroyOnDelete");
      Provision annotated = provision();
      annotated.getMetadata().setAnnotations(Map.of(Provision.SKIP_DESTROY_ANNOTATION, "true"));
      assertThat(
              condition(
                      ProvisionStatusFactory.forDestroy(
                          annotated, OK, new DestroyState.Skipped(), T0),
                      "Destroyed")
                  .getMessage())
          .contains("gantry.dev/skip-destroy=true");
    }

    @Test
    void aStartedDestroyCountsItsAttempt() {
      var status = with(new DestroyState.Started("destroy-rancher", new RunId(3, 4), 2));
      assertThat(status.destroyAttempts).isEqualTo(2);
      assertThat(status.run.type).isEqualTo("destroy");
      assertThat(condition(status, "Destroyed").getReason()).isEqualTo("Started");
    }

    @Test
    void aRunWhoseToolNeverEndedRecordsWhenItWasSeenToEnd() {
      RunOutcome failed =
          new RunOutcome(
              RunOutcome.State.FAILED,
              3,
              4,
              1,
              null,
              null,
              null,
              0,
              "Job failed: DeadlineExceeded",
              java.util.Optional.empty(),
              null,
              true);
      Instant ended = T0.minusSeconds(5);
      var status =
          with(new DestroyState.Run("destroy-rancher", failed, ended, ended.plusSeconds(10)));
      assertThat(status.run.completionTime).isEqualTo(ended.toString());
      assertThat(condition(status, "Destroyed").getReason()).isEqualTo("Failed");
    }

    @Test
    void missingVariablesHoldTheDestroy() {
      var status =
          ProvisionStatusFactory.forDestroy(
              provision(),
              VariablesCheck.missing("SecretNotFound", "Secret infra/x does not exist"),
              new DestroyState.VariablesMissing(),
              T0);
      assertThat(condition(status, "Destroyed").getReason()).isEqualTo("WaitingForVariables");
    }
  }
}
