package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.operator.testing.FakeContext;
import dev.gantry.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A reconcile handed a copy of the Provision older than the server's (the informer has not caught
 * up) computes its status from that copy; writing it must not replace the newer status. A real API
 * server refuses a status update that carries an older resourceVersion with 409; the mock server
 * does not check, so it is told to answer as the real one does, once.
 */
@EnableKubernetesMockClient(crud = true)
class ProvisionStatusOverStaleCopyIT {
  static KubernetesClient client;
  static KubernetesMockServer server;

  @Test
  void aStatusComputedFromAStaleCopyDoesNotReplaceTheNewerOneOnTheServer() throws Exception {
    OperatorHarness.installCrds(client);
    ProvisionSettings settings =
        new ProvisionSettings(ProvisionSettings.DEFAULT_TOOLS_IMAGE, Duration.ofSeconds(1));
    Provision created =
        client
            .resource(
                ProvisionLifecycleIT.provision("stale", ProvisionLifecycleIT.inline("n = 1\n")))
            .create();
    var secret = client.resource(VariablesSecret.desired(created).orElseThrow()).create();
    var claim = client.resource(DeliverablesClaim.desired(created)).create();
    Job running = client.resource(RunJob.apply(created, settings, new RunId(1, 1))).create();
    Provision stale = Serialization.clone(created);

    // Meanwhile the newer status: the apply succeeded.
    Provision newer = Serialization.clone(created);
    newer.setStatus(new ProvisionStatus());
    newer.getStatus().phase = Phase.Ready;
    newer.getStatus().observedGeneration = 1L;
    client.resource(newer).updateStatus();

    server
        .expect()
        .put()
        .withPath("/apis/gantry.dev/v1alpha1/namespaces/default/provisions/stale/status")
        .andReturn(
            409,
            new StatusBuilder()
                .withCode(409)
                .withReason("Conflict")
                .withMessage("the object has been modified")
                .build())
        .once();

    // The stale pass sees the Job still running, as its caches were then.
    var context = new FakeContext<>(client, stale, List.of(running, secret, claim));
    Throwable thrown =
        catchThrowable(
            () -> new ProvisionReconciler(settings, Clock.systemUTC()).reconcile(stale, context));

    Provision onServer =
        client.resources(Provision.class).inNamespace("default").withName("stale").get();
    assertThat(onServer.getStatus().phase)
        .as("the newer status stands (the stale pass failed with %s)", thrown)
        .isEqualTo(Phase.Ready);
    assertThat(thrown).as("the pass is retried on a fresh copy").isNotNull();
    RecordedRequest put = null;
    for (RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS);
        r != null;
        r = server.takeRequest(1, TimeUnit.SECONDS)) {
      if ("PUT".equals(r.getMethod()) && r.getPath().endsWith("/provisions/stale/status")) {
        put = r;
      }
    }
    assertThat(put).as("a status write").isNotNull();
    assertThat(
            Serialization.unmarshal(put.getUtf8Body(), Provision.class)
                .getMetadata()
                .getResourceVersion())
        .as("the write names the version it was computed from, which the server refuses")
        .isEqualTo(stale.getMetadata().getResourceVersion());
    dev.gantry.operator.kube.EventRecorder.awaitWritten(Duration.ofSeconds(10));
    assertThat(client.v1().events().inNamespace("default").list().getItems())
        .as("a refused status says nothing")
        .isEmpty();
  }
}
