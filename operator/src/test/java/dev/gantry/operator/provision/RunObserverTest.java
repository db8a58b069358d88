package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunObserverTest {
  static final String TOOL = "apply-x";
  static final String MANIFEST = "gantry-deliverables/v1 0\n";

  static Job job(String... conditionTypes) {
    var builder =
        new JobBuilder()
            .withNewMetadata()
            .withName("apply-x")
            .withUid("job-uid")
            .addToAnnotations(ProvisionNames.GENERATION_ANNOTATION, "4")
            .endMetadata()
            .withNewStatus()
            .withStartTime("2026-01-01T00:00:00Z")
            .endStatus();
    for (String type : conditionTypes) {
      builder
          .editStatus()
          .addNewCondition()
          .withType(type)
          .withStatus("True")
          .withReason("BackoffLimitExceeded")
          .withMessage("Job has reached the specified backoff limit")
          .endCondition()
          .endStatus();
    }
    return builder.build();
  }

  static Pod pod(
      String name, String ownerUid, Integer exitCode, String message, String finishedAt) {
    var status = new ContainerStatusBuilder().withName(TOOL);
    if (exitCode == null) {
      status.withNewState().withNewRunning().endRunning().endState();
    } else {
      status
          .withNewState()
          .withNewTerminated()
          .withExitCode(exitCode)
          .withMessage(message)
          .withFinishedAt(finishedAt)
          .withReason(exitCode == 0 ? "Completed" : "Error")
          .endTerminated()
          .endState();
    }
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .addNewOwnerReference()
        .withUid(ownerUid)
        .endOwnerReference()
        .endMetadata()
        .withNewStatus()
        .withContainerStatuses(status.build())
        .endStatus()
        .build();
  }

  @Test
  void runningWhileTheToolRuns() {
    RunOutcome outcome =
        RunObserver.observe(job(), List.of(pod("p1", "job-uid", null, null, null)), TOOL, 0);
    assertThat(outcome.running()).isTrue();
    assertThat(outcome.generation()).isEqualTo(4);
    assertThat(outcome.startTime()).isEqualTo("2026-01-01T00:00:00Z");
  }

  @Test
  void succeededAsSoonAsTheToolExitsZeroEvenWhileTheSidecarHolds() {
    RunOutcome outcome =
        RunObserver.observe(
            job(), List.of(pod("p1", "job-uid", 0, MANIFEST, "2026-01-01T00:05:00Z")), TOOL, 0);
    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.jobFinished()).isFalse();
    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.completionTime()).isEqualTo("2026-01-01T00:05:00Z");
    assertThat(outcome.manifest()).isPresent();
  }

  @Test
  void aFailedRunSaysTheToolsOwnErrorsWhereItWroteThem() {
    var pods = List.of(pod("p1", "job-uid", 1, ToolErrorsTest.PLAIN, "2026-01-01T00:01:00Z"));
    RunOutcome failed = RunObserver.observe(job(), pods, TOOL, 0);
    assertThat(failed.message())
        .startsWith(
            "exit code 1; the tool said:\nError: Failed running cluster: ssh: handshake failed")
        .doesNotContain("Releasing state lock")
        .doesNotContain("last output");
  }

  @Test
  void failedWhenFailuresExceedTheBackoffLimit() {
    var pods = List.of(pod("p1", "job-uid", 2, "boom\n", "2026-01-01T00:01:00Z"));
    assertThat(RunObserver.observe(job(), pods, TOOL, 1).running()).isTrue();
    RunOutcome failed = RunObserver.observe(job(), pods, TOOL, 0);
    assertThat(failed.failed()).isTrue();
    assertThat(failed.exitCode()).isEqualTo(2);
    assertThat(failed.message()).contains("exit code 2").contains("boom");
  }

  @Test
  void retryingRunSaysAPreviousAttemptFailed() {
    var pods =
        List.of(
            pod("p1", "job-uid", 2, "boom\n", "2026-01-01T00:01:00Z"),
            pod("p2", "job-uid", null, null, null));
    RunOutcome outcome = RunObserver.observe(job(), pods, TOOL, 3);
    assertThat(outcome.running()).isTrue();
    assertThat(outcome.failedAttempts()).isEqualTo(1);
    assertThat(outcome.message()).contains("retrying");
  }

  @Test
  void jobFailureWithoutATerminatedContainerExplainsTheJobCondition() {
    RunOutcome outcome = RunObserver.observe(job("Failed"), List.of(), TOOL, 0);
    assertThat(outcome.failed()).isTrue();
    assertThat(outcome.exitCode()).isNull();
    assertThat(outcome.message()).contains("BackoffLimitExceeded");
  }

  @Test
  void podsOfAnotherJobWithTheSameNameAreIgnored() {
    var stale = pod("old", "other-uid", 0, MANIFEST, "2025-01-01T00:00:00Z");
    assertThat(RunObserver.observe(job(), List.of(stale), TOOL, 0).running()).isTrue();
  }

  @Test
  void completeJobWhosePodIsGoneCountsAsSucceeded() {
    RunOutcome outcome = RunObserver.observe(job("Complete"), List.of(), TOOL, 0);
    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.manifest()).isEmpty();
  }
}
