package dev.gantry.operator.provision;

import static dev.gantry.operator.provision.PlannerFixture.NOW;
import static dev.gantry.operator.provision.PlannerFixture.actions;
import static dev.gantry.operator.provision.PlannerFixture.createdJobs;
import static dev.gantry.operator.provision.PlannerFixture.manifest;
import static dev.gantry.operator.provision.PlannerFixture.plan;
import static dev.gantry.operator.provision.PlannerFixture.retiredJobs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.provision.DriftDetectionSpec;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionSpec;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.operator.kube.Conditions;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The Provision planner, pass by pass, without a client: what it changes and what it reports. */
class ProvisionPlannerTest {
  static String reason(ProvisionPlan plan, String condition) {
    return Conditions.find(plan.status().conditions, condition).orElseThrow().getReason();
  }

  static String message(ProvisionPlan plan, String condition) {
    return Conditions.find(plan.status().conditions, condition).orElseThrow().getMessage();
  }

  @Nested
  class Apply {
    @Test
    void aNewProvisionGetsItsVariablesItsClaimAndItsApplyJob() {
      PlannerFixture world = new PlannerFixture(1);
      ProvisionPlan plan = world.reconcile();
      assertThat(actions(plan, ProvisionAction.Create.class))
          .extracting(c -> c.child().getKind() + "/" + c.child().getMetadata().getName())
          .containsExactly(
              "Secret/rancher-variables",
              "PersistentVolumeClaim/rancher-deliverables",
              "Job/apply-rancher");
      assertThat(plan.status().phase).isEqualTo(Phase.Applying);
      assertThat(plan.status().run.number).isEqualTo(1);
    }

    @Test
    void theApplyJobSeenAfterItWasCreatedChangesNoStatus() {
      PlannerFixture world = new PlannerFixture(1).withChildren();
      ProvisionPlan created = world.reconcile();
      Job job = (Job) actions(created, ProvisionAction.Create.class).get(0).child();
      job.getMetadata().setUid("job-uid");
      world.jobs.add(job); // seen in the cache, no pod yet
      ProvisionPlan seen = world.after(created).reconcile();
      assertThat(seen.actions()).isEmpty();
      assertThat(seen.status())
          .as("one status write for the start, not a second when its Job shows up")
          .usingRecursiveComparison()
          .isEqualTo(created.status());
    }

    @Test
    void aRunningApplyIsReportedAndNothingIsMade() {
      PlannerFixture world = new PlannerFixture(1).withChildren();
      world.running(RunKind.APPLY, new RunId(1, 1));
      ProvisionPlan plan = world.reconcile();
      assertThat(plan.actions()).isEmpty();
      assertThat(reason(plan, "Applied")).isEqualTo("Running");
    }

    @Test
    void aSucceededApplyWithoutOutputsIsReadyAndQuiet() {
      PlannerFixture world = new PlannerFixture(1).withChildren();
      world.ended(RunKind.APPLY, new RunId(1, 1), 0, manifest("kubeconfig"), NOW);
      ProvisionPlan plan = world.reconcile();
      assertThat(plan.actions()).isEmpty();
      assertThat(plan.status().phase).isEqualTo(Phase.Ready);
      assertThat(reason(plan, "OutputsPublished")).isEqualTo("NothingToPublish");
      ProvisionPlan again = world.after(plan).reconcile();
      assertThat(again.actions()).isEmpty();
      assertThat(again.status()).usingRecursiveComparison().isEqualTo(plan.status());
    }

    @Test
    void aFailedApplyIsFailedWithTheToolsWords() {
      PlannerFixture world = new PlannerFixture(1).withChildren();
      world.ended(RunKind.APPLY, new RunId(1, 1), 1, "Error: no credentials\n", NOW);
      ProvisionPlan plan = world.reconcile();
      assertThat(plan.status().phase).isEqualTo(Phase.Failed);
      assertThat(message(plan, "Applied")).contains("no credentials");
    }

    @Test
    void aNewGenerationWaitsForTheOldApplyToEndWithoutRemovingIt() {
      PlannerFixture world = new PlannerFixture(2).withChildren();
      world.running(RunKind.APPLY, new RunId(1, 1));
      ProvisionPlan plan = world.reconcile();
      assertThat(retiredJobs(plan)).isEmpty();
      assertThat(createdJobs(plan)).isEmpty();
      assertThat(reason(plan, "Applied")).isEqualTo("ReplacingRun");
      assertThat(plan.requeue()).isPresent();
    }

    @Test
    void aNewGenerationRetiresTheFinishedApply() {
      PlannerFixture world = new PlannerFixture(2).withChildren();
      world.ended(RunKind.APPLY, new RunId(1, 1), 0, manifest(), NOW);
      ProvisionPlan plan = world.reconcile();
      assertThat(retiredJobs(plan)).containsExactly("apply-rancher");
      assertThat(createdJobs(plan)).as("its Job name is still taken").isEmpty();
    }

    @Test
    void missingVariablesStartNothingAndAreCheckedAgain() {
      PlannerFixture world = new PlannerFixture(1).withChildren();
      world.provision.getSpec().variables.inline = null;
      world.provision.getSpec().variables.secretRef =
          new dev.gantry.api.provision.KeyReference("vars", null);
      world.secrets.clear();
      world.variables = VariablesCheck.missing("SecretNotFound", "Secret infra/vars is missing");
      ProvisionPlan plan = world.reconcile();
      assertThat(createdJobs(plan)).isEmpty();
      assertThat(plan.status().phase).isEqualTo(Phase.Pending);
      assertThat(plan.requeue()).contains(ProvisionPlanner.VARIABLES_RECHECK);
    }

    @Test
    void aVariablesSecretThatLostItsLabelsOrOwnerIsReplacedWhole() {
      PlannerFixture world = new PlannerFixture(1).withChildren();
      Secret live = world.secrets.get(0);
      live.getMetadata().setLabels(Map.of());
      live.getMetadata().setOwnerReferences(null);
      ProvisionPlan plan = world.reconcile();
      assertThat(actions(plan, ProvisionAction.ReplaceSecret.class))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.desired().getMetadata().getLabels())
                    .containsEntry(ProvisionNames.OWNER_LABEL, "rancher");
                assertThat(r.desired().getMetadata().getOwnerReferences()).hasSize(1);
              });
    }

    @Test
    void aClaimWithoutTheStateFinalizerGetsIt() {
      PlannerFixture world = new PlannerFixture(1).withChildren();
      world.claims.get(0).getMetadata().setFinalizers(null);
      assertThat(actions(world.reconcile(), ProvisionAction.ProtectClaim.class)).hasSize(1);
    }
  }

  @Nested
  class OneRunAtATime {
    @Test
    void aNewGenerationWaitsForARunningDriftCheckAndNamesIt() {
      PlannerFixture world = driftWorld(2);
      world.running(RunKind.DRIFT, new RunId(1, 2));
      ProvisionPlan plan = world.reconcile();
      assertThat(createdJobs(plan)).isEmpty();
      assertThat(reason(plan, "Applied")).isEqualTo("WaitingForRun");
      assertThat(message(plan, "Applied")).contains("Job drift-rancher (drift check, run 1-2)");
      assertThat(plan.status().phase).isEqualTo(Phase.Pending);
    }

    @Test
    void anApprovalPlanWaitsForARunningPreview() {
      PlannerFixture world = new PlannerFixture(2).withChildren();
      world.provision.getSpec().approval = ProvisionSpec.Approval.manual;
      world.running(RunKind.PREVIEW, new RunId(1, 2));
      world
          .provision
          .getMetadata()
          .setAnnotations(Map.of(Provision.DESTROY_PREVIEW_ANNOTATION, "t1"));
      ProvisionPlan plan = world.reconcile();
      assertThat(createdJobs(plan)).isEmpty();
      assertThat(message(plan, "Applied"))
          .contains("plan of generation 2 waits", "preview-rancher");
    }

    @Test
    void aDueDriftCheckWaitsForARunningPreview() {
      PlannerFixture world = driftWorld(1);
      world.ended(RunKind.APPLY, new RunId(1, 1), 0, manifest(), NOW.minus(Duration.ofHours(2)));
      world.running(RunKind.PREVIEW, new RunId(1, 2));
      world
          .provision
          .getMetadata()
          .setAnnotations(Map.of(Provision.DESTROY_PREVIEW_ANNOTATION, "t1"));
      ProvisionPlan plan = world.reconcile();
      assertThat(createdJobs(plan)).isEmpty();
      assertThat(reason(plan, "Drifted")).isEqualTo("CheckQueued");
      assertThat(message(plan, "Drifted")).contains("preview-rancher");
    }

    @Test
    void aPreviewRequestedDuringAnApplyWaits() {
      PlannerFixture world = new PlannerFixture(1).withChildren();
      world.running(RunKind.APPLY, new RunId(1, 1));
      world
          .provision
          .getMetadata()
          .setAnnotations(Map.of(Provision.DESTROY_PREVIEW_ANNOTATION, "t1"));
      ProvisionPlan plan = world.reconcile();
      assertThat(createdJobs(plan)).isEmpty();
      assertThat(plan.status().destroyPreview.phase).isEqualTo("Waiting");
      assertThat(plan.status().destroyPreview.message).contains("apply-rancher");
    }

    @Test
    void aDriftCheckStartedInAPassKeepsAPreviewOfTheSamePassWaiting() {
      PlannerFixture world = driftWorld(1);
      world.ended(RunKind.APPLY, new RunId(1, 1), 0, manifest(), NOW.minus(Duration.ofHours(2)));
      world
          .provision
          .getMetadata()
          .setAnnotations(Map.of(Provision.DESTROY_PREVIEW_ANNOTATION, "t1"));
      ProvisionPlan plan = world.reconcile();
      assertThat(createdJobs(plan)).containsExactly("drift-rancher");
      assertThat(plan.status().destroyPreview.phase).isEqualTo("Waiting");
    }

    @Test
    void aFinishedApplyLeftAsTheGenerationsRecordBlocksNothing() {
      PlannerFixture world = new PlannerFixture(1).withChildren();
      world.ended(RunKind.APPLY, new RunId(1, 1), 0, manifest(), NOW);
      world
          .provision
          .getMetadata()
          .setAnnotations(Map.of(Provision.DESTROY_PREVIEW_ANNOTATION, "t1"));
      assertThat(createdJobs(world.reconcile())).containsExactly("preview-rancher");
    }
  }

  @Nested
  class Approval {
    PlannerFixture manual() {
      PlannerFixture world = new PlannerFixture(1).withChildren();
      world.provision.getSpec().approval = ProvisionSpec.Approval.manual;
      return world;
    }

    @Test
    void aGenerationIsPlannedFirst() {
      ProvisionPlan plan = manual().reconcile();
      assertThat(createdJobs(plan)).containsExactly("plan-rancher");
      assertThat(plan.status().phase).isEqualTo(Phase.Planning);
    }

    @Test
    void aPlanAwaitsAnApprovalOfExactlyIt() {
      PlannerFixture world = manual();
      world.ended(
          RunKind.PLAN,
          new RunId(1, 1),
          0,
          plan("Plan: 1 to add, 0 to change, 0 to destroy."),
          NOW);
      ProvisionPlan plan = world.reconcile();
      assertThat(plan.status().phase).isEqualTo(Phase.AwaitingApproval);
      assertThat(createdJobs(plan)).isEmpty();
      world
          .provision
          .getMetadata()
          .setAnnotations(Map.of(Provision.APPROVED_PLAN_ANNOTATION, "1-9"));
      ProvisionPlan refused = world.after(plan).reconcile();
      assertThat(reason(refused, "Approved")).isEqualTo("ApprovalNotForThisPlan");
      assertThat(createdJobs(refused)).isEmpty();
    }

    @Test
    void theApprovedPlanIsAppliedItsJobRetiredAndTheApprovalUsedOnce() {
      PlannerFixture world = manual();
      world.ended(
          RunKind.PLAN,
          new RunId(1, 1),
          0,
          plan("Plan: 1 to add, 0 to change, 0 to destroy."),
          NOW);
      ProvisionPlan awaiting = world.reconcile();
      world.after(awaiting);
      world
          .provision
          .getMetadata()
          .setAnnotations(Map.of(Provision.APPROVED_PLAN_ANNOTATION, awaiting.status().plan.id));
      ProvisionPlan plan = world.reconcile();
      assertThat(retiredJobs(plan)).containsExactly("plan-rancher");
      assertThat(createdJobs(plan)).containsExactly("apply-rancher");
      assertThat(actions(plan, ProvisionAction.ConsumeApproval.class)).hasSize(1);
      assertThat(plan.status().plan.approved).isTrue();
      assertThat(plan.status().run.number).isEqualTo(2);
    }

    @Test
    void aPlanRunWithoutAPlanFileFails() {
      PlannerFixture world = manual();
      world.ended(RunKind.PLAN, new RunId(1, 1), 0, "gantry-plan/v1 0 -\nNo changes.\n", NOW);
      ProvisionPlan plan = world.reconcile();
      assertThat(plan.status().phase).isEqualTo(Phase.Failed);
      assertThat(reason(plan, "Applied")).isEqualTo("PlanFailed");
    }
  }

  @Nested
  class Outputs {
    PlannerFixture applied() {
      PlannerFixture world = new PlannerFixture(1).withChildren();
      world.ended(RunKind.APPLY, new RunId(1, 1), 0, manifest("outputs.json"), NOW);
      return world;
    }

    /** The read of outputs.json (one string output, url) came back. */
    void readOutputsJson(PlannerFixture world) {
      byte[] json = "{\"url\": {\"value\": \"https://x\", \"type\": \"string\"}}".getBytes();
      world.outputsRead =
          java.util.Optional.of(
              new OutputsRead.Read(
                  request(world),
                  Map.of(
                      "outputs.json",
                      new OutputsSecret.ReadFile("outputs.json", true, json.length, json))));
    }

    OutputsRead.Request request(PlannerFixture world) {
      return actions(world.reconcile(), ProvisionAction.ReadOutputs.class).get(0).request();
    }

    @Test
    void aSucceededApplyAsksForItsOutputsThroughTheSidecarAndWaits() {
      PlannerFixture world = applied();
      ProvisionPlan plan = world.reconcile();
      assertThat(actions(plan, ProvisionAction.ReadOutputs.class))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.request().container()).isEqualTo("deliverables");
                assertThat(r.request().paths()).containsExactly("outputs.json");
                assertThat(r.request().run()).isEqualTo("1-1");
              });
      assertThat(plan.status().phase).isEqualTo(Phase.Applying);
      assertThat(reason(plan, "OutputsPublished")).isEqualTo("Publishing");
      assertThat(plan.requeue()).contains(ProvisionPlanner.OUTPUTS_RECHECK);
    }

    @Test
    void whatWasReadIsPublishedInTheSecret() {
      PlannerFixture world = applied();
      readOutputsJson(world);
      ProvisionPlan plan = world.reconcile();
      assertThat(actions(plan, ProvisionAction.Create.class))
          .singleElement()
          .satisfies(
              c -> assertThat(c.child().getMetadata().getName()).isEqualTo("rancher-outputs"));
      assertThat(plan.status().phase).isEqualTo(Phase.Ready);
      assertThat(plan.status().outputs.items).extracting(i -> i.name).containsExactly("url");
    }

    @Test
    void aPublishedSecretThatLostItsLabelsAndOwnerGetsThemBackWithoutARead() {
      PlannerFixture world = applied();
      readOutputsJson(world);
      ProvisionPlan published = world.reconcile();
      Secret secret = (Secret) actions(published, ProvisionAction.Create.class).get(0).child();
      secret.getMetadata().setLabels(Map.of());
      secret.getMetadata().setOwnerReferences(null);
      world.secrets.add(secret);
      world.outputsRead = java.util.Optional.empty();

      ProvisionPlan next = world.after(published).reconcile();
      assertThat(actions(next, ProvisionAction.ReadOutputs.class)).isEmpty();
      assertThat(actions(next, ProvisionAction.ReplaceSecret.class))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.desired().getMetadata().getLabels())
                    .containsEntry(ProvisionNames.OWNER_LABEL, "rancher");
                assertThat(r.desired().getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(ref -> assertThat(ref.getUid()).isEqualTo("uid-1"));
                assertThat(r.desired().getData()).isEqualTo(secret.getData());
              });
    }

    @Test
    void aFailedReadIsAskedForAgainAndSaysWhy() {
      PlannerFixture world = applied();
      world.outputsRead =
          java.util.Optional.of(
              new OutputsRead.Failed(request(world), "no answer within 60 s", NOW));
      ProvisionPlan plan = world.reconcile();
      assertThat(actions(plan, ProvisionAction.ReadOutputs.class)).hasSize(1);
      assertThat(message(plan, "OutputsPublished")).contains("failed, retrying", "no answer");
    }

    @Test
    void aReadOfAnEarlierRunIsNotThisOnes() {
      PlannerFixture world = applied();
      OutputsRead.Request earlier = request(world);
      world.outputsRead =
          java.util.Optional.of(
              new OutputsRead.Read(
                  new OutputsRead.Request(
                      earlier.namespace(),
                      earlier.provision(),
                      earlier.uid(),
                      "0-9",
                      earlier.pod(),
                      earlier.container(),
                      earlier.mountPath(),
                      earlier.paths(),
                      earlier.limit()),
                  Map.of()));
      assertThat(world.reconcile().status().phase).isEqualTo(Phase.Applying);
    }
  }

  @Nested
  class Drift {
    @Test
    void aDueCheckStartsAPlanRunNeverAnApply() {
      PlannerFixture world = driftWorld(1);
      world.ended(RunKind.APPLY, new RunId(1, 1), 0, manifest(), NOW.minus(Duration.ofHours(2)));
      ProvisionPlan plan = world.reconcile();
      assertThat(createdJobs(plan)).containsExactly("drift-rancher");
      assertThat(reason(plan, "Drifted")).isEqualTo("Checking");
    }

    @Test
    void driftFoundWithRemediateRetiresTheApplySoItRunsAgain() {
      PlannerFixture world = driftWorld(1);
      world.provision.getSpec().driftDetection.remediate = true;
      world.ended(RunKind.APPLY, new RunId(1, 1), 0, manifest(), NOW.minus(Duration.ofHours(2)));
      world.ended(
          RunKind.DRIFT,
          new RunId(1, 2),
          0,
          plan("Plan: 0 to add, 1 to change, 0 to destroy."),
          NOW.minus(Duration.ofMinutes(1)));
      ProvisionPlan plan = world.reconcile();
      assertThat(retiredJobs(plan)).containsExactly("apply-rancher");
      assertThat(reason(plan, "Drifted")).isEqualTo("Drifted");
    }

    @Test
    void anIntervalUnderAMinuteIsReportedAndNoCheckRuns() {
      PlannerFixture world = driftWorld(1);
      world.provision.getSpec().driftDetection.interval = "30s";
      world.ended(RunKind.APPLY, new RunId(1, 1), 0, manifest(), NOW.minus(Duration.ofHours(2)));
      ProvisionPlan plan = world.reconcile();
      assertThat(createdJobs(plan)).isEmpty();
      assertThat(reason(plan, "Drifted")).isEqualTo("InvalidInterval");
    }
  }

  @Nested
  class Destroy {
    PlannerFixture deleting() {
      PlannerFixture world = new PlannerFixture(1).withChildren();
      world.provision.getMetadata().setDeletionTimestamp(NOW.toString());
      return world;
    }

    @Test
    void everyOtherRunEndsAndGoesBeforeTheDestroy() {
      PlannerFixture world = deleting();
      world.running(RunKind.DRIFT, new RunId(1, 2));
      world.ended(RunKind.APPLY, new RunId(1, 1), 0, manifest(), NOW);
      ProvisionPlan plan = world.cleanup();
      assertThat(createdJobs(plan)).isEmpty();
      assertThat(retiredJobs(plan)).containsExactly("apply-rancher");
      assertThat(reason(plan, "Destroyed")).isEqualTo("WaitingForApply");
      assertThat(plan.release()).isFalse();
    }

    @Test
    void theDestroyStartsOnceTheVolumeIsFree() {
      ProvisionPlan plan = deleting().cleanup();
      assertThat(createdJobs(plan)).containsExactly("destroy-rancher");
      assertThat(plan.status().destroyAttempts).isEqualTo(1);
    }

    @Test
    void aSucceededDestroyReleasesTheChildrenAndLetsTheProvisionGo() {
      PlannerFixture world = deleting();
      world.ended(RunKind.DESTROY, new RunId(1, 2), 0, "", NOW);
      ProvisionPlan plan = world.cleanup();
      assertThat(plan.release()).isTrue();
      assertThat(actions(plan, ProvisionAction.ReleaseClaim.class)).hasSize(1);
      assertThat(actions(plan, ProvisionAction.Delete.class))
          .extracting(d -> d.child().getMetadata().getName())
          .containsExactly("rancher-variables");
    }

    @Test
    void aDestroyThatFailedWithoutItsToolEndingIsRetriedAtAFixedTime() {
      PlannerFixture world = deleting();
      world.failedWithoutPod(RunKind.DESTROY, new RunId(1, 2), NOW.minusSeconds(3));
      ProvisionPlan first = world.cleanup();
      assertThat(first.status().run.completionTime)
          .as("the Job's failure is when it ended")
          .isEqualTo(NOW.minusSeconds(3).toString());
      assertThat(first.requeue()).contains(Duration.ofSeconds(7).plusMillis(1));
      assertThat(retiredJobs(first)).isEmpty();

      world.after(first).now = NOW.plusSeconds(8);
      ProvisionPlan due = world.cleanup();
      assertThat(retiredJobs(due)).containsExactly("destroy-rancher");
      assertThat(due.status())
          .as("stable: nothing new to write")
          .usingRecursiveComparison()
          .ignoringFields("conditions")
          .isEqualTo(first.status());
    }

    @Test
    void aSkippedDestroyReleasesAtOnce() {
      PlannerFixture world = deleting();
      world
          .provision
          .getMetadata()
          .setAnnotations(Map.of(Provision.SKIP_DESTROY_ANNOTATION, "true"));
      ProvisionPlan plan = world.cleanup();
      assertThat(plan.release()).isTrue();
      assertThat(createdJobs(plan)).isEmpty();
      assertThat(reason(plan, "Destroyed")).isEqualTo("Skipped");
    }

    @Test
    void aTerminatingNamespaceBlocksTheDestroyAndSaysHowToLetGo() {
      PlannerFixture world = deleting();
      world.namespaceTerminating = java.util.Optional.of("namespace infra is being deleted");
      ProvisionPlan plan = world.cleanup();
      assertThat(createdJobs(plan)).isEmpty();
      assertThat(reason(plan, "Destroyed")).isEqualTo("DestroyBlocked");
      assertThat(message(plan, "Destroyed")).contains(Provision.SKIP_DESTROY_ANNOTATION);
    }
  }

  static PlannerFixture driftWorld(long generation) {
    PlannerFixture world = new PlannerFixture(generation).withChildren();
    world.provision.getSpec().driftDetection = new DriftDetectionSpec();
    world.provision.getSpec().driftDetection.interval = "1h";
    return world;
  }
}
