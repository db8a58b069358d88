package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.operator.kube.Conditions;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProvisionStatusFactoryTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant T1 = Instant.parse("2026-01-01T01:00:00Z");
  static final VariablesCheck OK = VariablesCheck.ok("Inline", "stored");

  static RunOutcome outcome(RunOutcome.State state, Integer exitCode, String message) {
    return new RunOutcome(
        state,
        3,
        1,
        1,
        "2026-01-01T00:00:00Z",
        state == RunOutcome.State.RUNNING ? null : "2026-01-01T00:10:00Z",
        exitCode,
        exitCode != null && exitCode != 0 ? 1 : 0,
        message,
        state == RunOutcome.State.SUCCEEDED
            ? DeliverablesManifest.parse(
                "gantry-deliverables/v1 1\n4 " + "a".repeat(64) + " kubeconfig\n")
            : Optional.empty(),
        null,
        false);
  }

  static Provision provision() {
    return RunJobTest.provision(null);
  }

  @Test
  void missingVariablesArePendingAndSayWhat() {
    var status =
        ProvisionStatusFactory.forApply(
            provision(),
            VariablesCheck.missing("SecretNotFound", "Secret infra/x does not exist"),
            new ApplyState.VariablesMissing(),
            T0);
    assertThat(status.phase).isEqualTo(Phase.Pending);
    assertThat(status.observedGeneration).isEqualTo(3);
    var ready = Conditions.find(status.conditions, "Ready").orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage()).contains("Secret infra/x does not exist");
    assertThat(Conditions.find(status.conditions, "VariablesResolved").orElseThrow().getReason())
        .isEqualTo("SecretNotFound");
  }

  @Test
  void successIsReadyWithDeliverablesListed() {
    var status =
        ProvisionStatusFactory.forApply(
            provision(),
            OK,
            new ApplyState.Run("apply-rancher", outcome(RunOutcome.State.SUCCEEDED, 0, "")),
            T0);
    assertThat(status.phase).isEqualTo(Phase.Ready);
    assertThat(status.deliverables.claimName).isEqualTo("rancher-deliverables");
    assertThat(status.deliverables.files).extracting(f -> f.name).containsExactly("kubeconfig");
    assertThat(status.deliverables.generation).isEqualTo(3);
    assertThat(status.deliverables.truncated).isNull();
    assertThat(status.run.exitCode).isZero();
    assertThat(Conditions.isTrue(status.conditions, "Ready")).isTrue();
    assertThat(Conditions.isTrue(status.conditions, "Applied")).isTrue();
    assertThat(Conditions.isTrue(status.conditions, "DeliverablesAvailable")).isTrue();
  }

  @Test
  void failureCarriesTheMessageAndKeepsEarlierDeliverables() {
    Provision p = provision();
    p.setStatus(
        ProvisionStatusFactory.forApply(
            p,
            OK,
            new ApplyState.Run("apply-rancher", outcome(RunOutcome.State.SUCCEEDED, 0, "")),
            T0));
    var status =
        ProvisionStatusFactory.forApply(
            p,
            OK,
            new ApplyState.Run(
                "apply-rancher",
                outcome(RunOutcome.State.FAILED, 1, "exit code 1; last output: x")),
            T1);
    assertThat(status.phase).isEqualTo(Phase.Failed);
    assertThat(Conditions.find(status.conditions, "Applied").orElseThrow().getMessage())
        .contains("exit code 1");
    assertThat(status.deliverables.files).hasSize(1);
    assertThat(Conditions.isTrue(status.conditions, "DeliverablesAvailable")).isTrue();
  }

  @Test
  void recomputingTheSameStateKeepsTransitionTimes() {
    Provision p = provision();
    var first =
        ProvisionStatusFactory.forApply(
            p,
            OK,
            new ApplyState.Run("apply-rancher", outcome(RunOutcome.State.RUNNING, null, "")),
            T0);
    p.setStatus(first);
    var second =
        ProvisionStatusFactory.forApply(
            p,
            OK,
            new ApplyState.Run("apply-rancher", outcome(RunOutcome.State.RUNNING, null, "")),
            T1);
    assertThat(dev.gantry.operator.kube.StatusComparison.same(first, second)).isTrue();
  }

  @Test
  void aRealChangeMovesTheTransitionTime() {
    Provision p = provision();
    p.setStatus(
        ProvisionStatusFactory.forApply(
            p,
            OK,
            new ApplyState.Run("apply-rancher", outcome(RunOutcome.State.RUNNING, null, "")),
            T0));
    var done =
        ProvisionStatusFactory.forApply(
            p,
            OK,
            new ApplyState.Run("apply-rancher", outcome(RunOutcome.State.SUCCEEDED, 0, "")),
            T1);
    assertThat(Conditions.find(done.conditions, "Ready").orElseThrow().getLastTransitionTime())
        .isEqualTo(T1.toString());
    assertThat(
            Conditions.find(done.conditions, "VariablesResolved")
                .orElseThrow()
                .getLastTransitionTime())
        .isEqualTo(T0.toString());
  }

  @Test
  void replacingAnOldRunIsApplyingAndNamesBothGenerations() {
    var old =
        new RunOutcome(
            RunOutcome.State.RUNNING,
            2,
            1,
            1,
            null,
            null,
            null,
            0,
            "",
            Optional.empty(),
            null,
            false);
    var status =
        ProvisionStatusFactory.forApply(
            provision(), OK, new ApplyState.ReplacingRun("apply-rancher", old), T0);
    assertThat(status.phase).isEqualTo(Phase.Applying);
    assertThat(Conditions.find(status.conditions, "Applied").orElseThrow().getMessage())
        .contains("generation 2")
        .contains("generation 3");
  }

  @Test
  void failedDestroyExplainsRetryAndTheSkipAnnotation() {
    var failed =
        new RunOutcome(
            RunOutcome.State.FAILED,
            3,
            1,
            2,
            null,
            "2026-01-01T00:10:00Z",
            1,
            1,
            "exit code 1; last output: vCenter unreachable",
            Optional.empty(),
            null,
            true);
    var status =
        ProvisionStatusFactory.forDestroy(
            provision(), OK, new DestroyState.Run("destroy-rancher", failed, T0, T1), T0);
    assertThat(status.phase).isEqualTo(Phase.Destroying);
    assertThat(status.destroyAttempts).isEqualTo(2);
    var destroyed = Conditions.find(status.conditions, "Destroyed").orElseThrow();
    assertThat(destroyed.getStatus()).isEqualTo("False");
    assertThat(destroyed.getReason()).isEqualTo("Failed");
    assertThat(destroyed.getMessage())
        .contains("vCenter unreachable")
        .contains(T1.toString())
        .contains("gantry.dev/skip-destroy=true");
    assertThat(Conditions.find(status.conditions, "Ready").orElseThrow().getReason())
        .isEqualTo("Deleting");
  }

  @Test
  void destroyBackoffDoublesAndIsCapped() {
    var settings = ProvisionSettings.defaults();
    assertThat(settings.destroyBackoff(1).toSeconds()).isEqualTo(10);
    assertThat(settings.destroyBackoff(2).toSeconds()).isEqualTo(20);
    assertThat(settings.destroyBackoff(3).toSeconds()).isEqualTo(40);
    assertThat(settings.destroyBackoff(50).toSeconds()).isEqualTo(640);
  }
}
