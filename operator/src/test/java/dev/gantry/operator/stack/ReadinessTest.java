package dev.gantry.operator.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  static JsonNode json(String yaml) {
    return Serialization.unmarshal(yaml, JsonNode.class);
  }

  @Test
  void aDeploymentIsReadyWhenEveryReplicaIsUpdatedAndAvailable() {
    String base =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {generation: 2}\nspec: {replicas: 2}\n";
    assertThat(
            Readiness.of(
                    json(
                        base
                            + "status: {observedGeneration: 1, availableReplicas: 2, updatedReplicas: 2, replicas: 2}"),
                    null)
                .state())
        .isEqualTo(Readiness.State.WAITING);
    assertThat(
            Readiness.of(
                    json(
                        base
                            + "status: {observedGeneration: 2, availableReplicas: 1, updatedReplicas: 2, replicas: 2}"),
                    null)
                .message())
        .isEqualTo("1/2 replicas available");
    assertThat(
            Readiness.of(
                    json(
                        base
                            + "status: {observedGeneration: 2, availableReplicas: 2, updatedReplicas: 2, replicas: 2}"),
                    null)
                .state())
        .isEqualTo(Readiness.State.READY);
  }

  @Test
  void aStuckRolloutFails() {
    JsonNode d =
        json(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {generation: 1}
            status:
              observedGeneration: 1
              conditions: [{type: Progressing, status: "False", reason: ProgressDeadlineExceeded, message: timed out}]
            """);
    assertThat(Readiness.of(d, null).state()).isEqualTo(Readiness.State.FAILED);
  }

  @Test
  void aServiceWithASelectorWaitsForAReadyEndpointAndOneWithoutIsReadyAtOnce() {
    JsonNode selecting = json("apiVersion: v1\nkind: Service\nspec: {selector: {app: a}}\n");
    assertThat(Readiness.of(selecting, 0).message()).isEqualTo("no ready endpoints");
    assertThat(Readiness.of(selecting, 1).state()).isEqualTo(Readiness.State.READY);
    JsonNode external =
        json("apiVersion: v1\nkind: Service\nspec: {type: ExternalName, externalName: x}\n");
    assertThat(Readiness.of(external, null).state()).isEqualTo(Readiness.State.READY);
  }

  @Test
  void aClaimIsReadyWhenBound() {
    assertThat(
            Readiness.of(
                    json("apiVersion: v1\nkind: PersistentVolumeClaim\nstatus: {phase: Pending}\n"),
                    null)
                .state())
        .isEqualTo(Readiness.State.WAITING);
    assertThat(
            Readiness.of(
                    json("apiVersion: v1\nkind: PersistentVolumeClaim\nstatus: {phase: Bound}\n"),
                    null)
                .state())
        .isEqualTo(Readiness.State.READY);
  }

  @Test
  void aJobThatFailedFails() {
    JsonNode job =
        json(
            """
            apiVersion: batch/v1
            kind: Job
            status: {conditions: [{type: Failed, status: "True", reason: BackoffLimitExceeded, message: too many}]}
            """);
    assertThat(Readiness.of(job, null).state()).isEqualTo(Readiness.State.FAILED);
  }

  @Test
  void aKindWithNoStatusIsReadyOnceCreated() {
    assertThat(Readiness.of(json("apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n"), null).state())
        .isEqualTo(Readiness.State.READY);
  }

  @Test
  void aPodWithoutAReadyConditionIsNotReadyYet() {
    JsonNode scheduled =
        json(
            "apiVersion: v1\nkind: Pod\nstatus: {phase: Pending, conditions: [{type: PodScheduled, status: \"False\"}]}\n");
    assertThat(Readiness.of(scheduled, null).state()).isEqualTo(Readiness.State.WAITING);
  }
}
