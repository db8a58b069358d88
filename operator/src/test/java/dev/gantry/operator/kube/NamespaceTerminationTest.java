package dev.gantry.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

class NamespaceTerminationTest {
  /** The Status a 1.28 API server returned for a Job created in a namespace being deleted. */
  static Status terminating() {
    return new StatusBuilder()
        .withCode(403)
        .withReason("Forbidden")
        .withMessage(
            "jobs.batch \"apply-p-10\" is forbidden: unable to create new content in namespace"
                + " bench because it is being terminated")
        .withNewDetails()
        .withName("apply-p-10")
        .withGroup("batch")
        .withKind("jobs")
        .addNewCause()
        .withField("metadata.namespace")
        .withReason("NamespaceTerminating")
        .withMessage("namespace bench is being terminated")
        .endCause()
        .endDetails()
        .build();
  }

  @Test
  void aCreateRefusedInATerminatingNamespaceIsRecognised() {
    assertThat(NamespaceTermination.refused(new KubernetesClientException(terminating()))).isTrue();
  }

  @Test
  void theMessageAloneIsEnoughWithoutTheStructuredCause() {
    Status status = terminating();
    status.setDetails(null);
    assertThat(NamespaceTermination.refused(new KubernetesClientException(status))).isTrue();
  }

  @Test
  void otherForbiddenWritesAreNot() {
    Status rbac =
        new StatusBuilder()
            .withCode(403)
            .withReason("Forbidden")
            .withMessage(
                "jobs.batch is forbidden: User \"system:serviceaccount:gantry:gantry\" cannot"
                    + " create resource \"jobs\"")
            .build();
    assertThat(NamespaceTermination.refused(new KubernetesClientException(rbac))).isFalse();
    Status conflict = terminating();
    conflict.setCode(409);
    assertThat(NamespaceTermination.refused(new KubernetesClientException(conflict))).isFalse();
  }
}
