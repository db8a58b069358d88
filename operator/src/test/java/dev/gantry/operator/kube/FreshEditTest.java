package dev.gantry.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * A claim the persistent volume controllers write between Gantry's read and its patch: the real API
 * server answers 409, and the edit is made again on the fresh copy instead of failing the pass.
 */
@EnableKubernetesMockClient
class FreshEditTest {
  static final String PATH = "/api/v1/namespaces/shop/persistentvolumeclaims/p-deliverables";
  KubernetesMockServer server;
  KubernetesClient client;

  static PersistentVolumeClaim claim(String resourceVersion, String... finalizers) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName("p-deliverables")
        .withNamespace("shop")
        .withResourceVersion(resourceVersion)
        .withFinalizers(finalizers)
        .endMetadata()
        .build();
  }

  static Status status(int code) {
    return new StatusBuilder()
        .withCode(code)
        .withStatus("Failure")
        .withReason(code == 409 ? "Conflict" : "Invalid")
        .withMessage("refused with " + code)
        .build();
  }

  PersistentVolumeClaim addOurFinalizer() {
    return FreshEdit.edit(
        client.persistentVolumeClaims().inNamespace("shop").withName("p-deliverables"),
        c -> {
          c.addFinalizer("gantry.dev/state");
          return c;
        });
  }

  @Test
  void aConflictIsEditedAgainOnTheServersFreshCopy() throws InterruptedException {
    server.expect().get().withPath(PATH).andReturn(200, claim("1")).once();
    server.expect().patch().withPath(PATH).andReturn(409, status(409)).once();
    // meanwhile the protection controller added its finalizer
    server
        .expect()
        .get()
        .withPath(PATH)
        .andReturn(200, claim("2", "kubernetes.io/pvc-protection"))
        .once();
    server
        .expect()
        .patch()
        .withPath(PATH)
        .andReturn(200, claim("3", "kubernetes.io/pvc-protection", "gantry.dev/state"))
        .once();

    PersistentVolumeClaim edited = addOurFinalizer();

    assertThat(edited.getMetadata().getFinalizers())
        .containsExactly("kubernetes.io/pvc-protection", "gantry.dev/state");
    assertThat(server.getRequestCount()).isEqualTo(4);
    // the second patch was made against the fresh copy: it carries that copy's resourceVersion
    RecordedRequest lastPatch = null;
    for (int i = 0; i < 4; i++) {
      RecordedRequest request = server.takeRequest();
      if ("PATCH".equals(request.getMethod())) {
        lastPatch = request;
      }
    }
    assertThat(lastPatch.getUtf8Body()).contains("\"2\"").doesNotContain("\"1\"");
  }

  @Test
  void aConflictThatLastsIsThrownAfterTheLastAttempt() {
    server.expect().get().withPath(PATH).andReturn(200, claim("1")).always();
    server.expect().patch().withPath(PATH).andReturn(409, status(409)).always();

    assertThatThrownBy(this::addOurFinalizer)
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(server.getRequestCount()).isEqualTo(2 * FreshEdit.ATTEMPTS);
  }

  @Test
  void anyOtherRefusalIsThrownAtOnce() {
    server.expect().get().withPath(PATH).andReturn(200, claim("1")).always();
    server.expect().patch().withPath(PATH).andReturn(422, status(422)).always();

    assertThatThrownBy(this::addOurFinalizer)
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
    assertThat(server.getRequestCount()).isEqualTo(2);
  }
}
