package dev.gantry.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionSpec;
import dev.gantry.operator.provision.ProvisionSettings;
import dev.gantry.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class OperatorRuntimeIT {
  static KubernetesClient client;
  static KubernetesMockServer server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void crds() throws Exception {
    OperatorHarness.installCrds(client);
  }

  HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static Provision provision(String name) {
    Provision p = new Provision();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    p.setSpec(new ProvisionSpec());
    p.getSpec().image = "busybox:1.36";
    return p;
  }

  @Test
  void servesHealthReadinessAndReconcileMetrics() throws Exception {
    try (GantryOperator operator = OperatorHarness.start(client, 0)) {
      int port = operator.httpPort();
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> get(port, "/readyz").statusCode() == 200);
      assertThat(operator.isReady()).isTrue();

      client.resource(provision("metered")).create();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  client.batch().v1().jobs().inNamespace("default").withName("apply-metered").get()
                      != null);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                String metrics = get(port, "/metrics").body();
                assertThat(metrics)
                    .contains("operator_sdk_reconciliations_started_total")
                    .contains("operator_sdk_reconciliations_success_total")
                    .contains("provision");
              });
    }
  }

  @Test
  void withTwoReplicasOnlyTheLeaseHolderReconciles() throws Exception {
    OperatorHarness.answerLeaseReview(server);
    OperatorOptions options =
        new OperatorOptions(
            Set.of(),
            true,
            "default",
            -1,
            new ProvisionSettings(ProvisionSettings.DEFAULT_TOOLS_IMAGE, Duration.ofSeconds(1)));
    try (GantryOperator first = new GantryOperator(client, options, Clock.systemUTC()).start();
        GantryOperator second = new GantryOperator(client, options, Clock.systemUTC()).start()) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  client.leases().inNamespace("default").withName(OperatorOptions.LEASE_NAME).get()
                      != null);
      var lease = client.leases().inNamespace("default").withName(OperatorOptions.LEASE_NAME).get();
      assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();

      client.resource(provision("elected")).create();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  client.batch().v1().jobs().inNamespace("default").withName("apply-elected").get()
                      != null);
      java.util.function.Supplier<Long> applying =
          () ->
              client.v1().events().inNamespace("default").list().getItems().stream()
                  .filter(
                      e ->
                          "Applying".equals(e.getReason())
                              && e.getInvolvedObject().getName().equals("elected"))
                  .count();
      await().atMost(Duration.ofSeconds(10)).until(() -> applying.get() >= 1);
      // Give a second replica time to act, if it wrongly would: still one run started.
      Thread.sleep(2000);
      assertThat(applying.get()).isEqualTo(1);
    }
  }
}
