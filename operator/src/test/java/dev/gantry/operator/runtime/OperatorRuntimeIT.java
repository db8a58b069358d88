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

  static OperatorOptions elected() {
    return new OperatorOptions(
        Set.of(),
        true,
        "default",
        -1,
        new ProvisionSettings(ProvisionSettings.DEFAULT_TOOLS_IMAGE, Duration.ofSeconds(1)));
  }

  /** Reconciliations this replica started, from its own metrics registry. */
  static int discoveryStatus(GantryOperator replica) throws Exception {
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            "http://127.0.0.1:" + replica.httpPort() + "/discovery/stacks"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
    return response.statusCode();
  }

  static double reconciliations(GantryOperator replica) {
    return replica.registry().getMeters().stream()
        .filter(m -> m.getId().getName().contains("reconciliations.started"))
        .mapToDouble(m -> m.measure().iterator().next().getValue())
        .sum();
  }

  static String holder() {
    var lease = client.leases().inNamespace("default").withName(OperatorOptions.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  @Test
  void withTwoReplicasOnlyTheLeaseHolderReconciles() throws Exception {
    OperatorHarness.answerLeaseReview(server);
    try (GantryOperator first =
            new GantryOperator(client, elected().withHttpPort(0), Clock.systemUTC()).start();
        GantryOperator second =
            new GantryOperator(client, elected().withHttpPort(0), Clock.systemUTC()).start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> holder() != null && !holder().isEmpty());
      GantryOperator leader = holder().equals(first.identity()) ? first : second;
      GantryOperator follower = leader == first ? second : first;
      // Only the leader knows the Stacks' scrape targets; the follower says so, and Prometheus
      // keeps the list it had.
      await().atMost(Duration.ofSeconds(20)).until(() -> discoveryStatus(leader) == 200);
      assertThat(discoveryStatus(follower)).isEqualTo(503);

      client.resource(provision("elected")).create();
      await().atMost(Duration.ofSeconds(20)).until(() -> reconciliations(leader) >= 1);
      // A spec change (a new generation) is a second event the follower would act on.
      double before = reconciliations(leader);
      client
          .resources(Provision.class)
          .inNamespace("default")
          .withName("elected")
          .patch(
              io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                  io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
              "{\"spec\":{\"image\":\"busybox:1.37\"}}");
      await().atMost(Duration.ofSeconds(20)).until(() -> reconciliations(leader) > before);
      assertThat(reconciliations(follower)).isZero();
    }
  }

  @Test
  void aLeaderThatStopsReleasesTheLeaseSoTheFollowerTakesOverBeforeItExpires() throws Exception {
    OperatorHarness.answerLeaseReview(server);
    GantryOperator first = new GantryOperator(client, elected(), Clock.systemUTC()).start();
    GantryOperator second = new GantryOperator(client, elected(), Clock.systemUTC()).start();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> holder() != null && !holder().isEmpty());
      GantryOperator leader = holder().equals(first.identity()) ? first : second;
      GantryOperator follower = leader == first ? second : first;

      leader.close();
      assertThat(holder()).isNotEqualTo(leader.identity());
      // The Lease lasts 15 s; a follower retrying every 2 s finds it free long before that.
      await().atMost(Duration.ofSeconds(8)).until(() -> follower.identity().equals(holder()));
    } finally {
      first.close();
      second.close();
    }
  }

  @Test
  void aCapabilityWhoseCrdIsMissingIsDisabledAndTheOthersStillRun() throws Exception {
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName("miniclusters.flux-framework.org")
        .delete();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                client.getApiResources("flux-framework.org/v1alpha2") == null
                    || client
                        .getApiResources("flux-framework.org/v1alpha2")
                        .getResources()
                        .isEmpty());
    try (GantryOperator operator = OperatorHarness.start(client, 0)) {
      assertThat(operator.disabledCapabilities())
          .containsOnlyKeys("minicluster")
          .hasValueSatisfying(
              new org.assertj.core.api.Condition<>(
                  why ->
                      why.contains("miniclusters.flux-framework.org")
                          && why.contains("gantry install"),
                  "names the CRD and the fix"));
      int port = operator.httpPort();
      await().atMost(Duration.ofSeconds(10)).until(() -> get(port, "/readyz").statusCode() == 200);
      assertThat(get(port, "/readyz").body())
          .contains("minicluster: disabled: the API server does not serve miniclusters");

      client.resource(provision("still-served")).create();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  client
                          .batch()
                          .v1()
                          .jobs()
                          .inNamespace("default")
                          .withName("apply-still-served")
                          .get()
                      != null);
    }
  }

  @Test
  void aWebhookRegistrationLeftByAnEarlierRunIsRemovedByARunWithoutTheWebhook() throws Exception {
    client
        .resource(
            dev.gantry.operator.relations.WebhookRegistration.desired(
                "-----BEGIN CERTIFICATE-----\n",
                dev.gantry.operator.relations.WebhookRegistration.Target.url(
                    "https://127.0.0.1:1/")))
        .create();
    try (GantryOperator operator = OperatorHarness.start(client, -1)) {
      assertThat(
              client
                  .admissionRegistration()
                  .v1()
                  .mutatingWebhookConfigurations()
                  .withName(dev.gantry.operator.relations.WebhookRegistration.NAME)
                  .get())
          .isNull();
    }
  }
}
