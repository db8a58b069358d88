package dev.gantry.operator.relations;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook as the install runs it: two replicas, one certificate Secret, one registration. What
 * a real API server does that the mock does not (defaulting the registration's fields, another
 * replica writing between a read and a write) is played by the test.
 */
@EnableKubernetesMockClient(crud = true)
class RelationsWebhookReplicasIT {
  static final String NS = "gantry-system";
  static KubernetesClient client;
  static KubernetesMockServer server;
  RelationsWebhook webhook;
  CachedProviderLookup lookup;

  @BeforeEach
  void namespace() {
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .createOr(r -> r.update());
    client.secrets().inNamespace(NS).delete();
    client.admissionRegistration().v1().mutatingWebhookConfigurations().delete();
  }

  @AfterEach
  void stop() {
    if (webhook != null) {
      webhook.close();
    }
    if (lookup != null) {
      lookup.close();
    }
  }

  RelationsWebhook.Settings settings() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    return new RelationsWebhook.Settings(
        NS,
        List.of("localhost", "127.0.0.1"),
        "127.0.0.1",
        port,
        WebhookRegistration.Target.url("https://127.0.0.1:" + port),
        InjectionSettings.defaults());
  }

  RelationsWebhook start(RelationsWebhook.Settings settings) {
    return start(settings, null);
  }

  RelationsWebhook start(RelationsWebhook.Settings settings, NamespaceGuardHandler guard) {
    lookup = new CachedProviderLookup(client);
    return new RelationsWebhook(
            client,
            settings,
            Clock.systemUTC(),
            new WebhookMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
            lookup,
            guard)
        .start();
  }

  @Test
  void theNamespaceGuardIsRegisteredForNamespaceDeletesAndRefusesOneThatHoldsALiveProvision()
      throws Exception {
    dev.gantry.api.provision.Provision live = new dev.gantry.api.provision.Provision();
    live.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("rancher")
            .withNamespace("infra")
            .build());
    live.setSpec(new dev.gantry.api.provision.ProvisionSpec());
    live.setStatus(new dev.gantry.api.provision.ProvisionStatus());
    live.getStatus().run = new dev.gantry.api.provision.RunStatus();
    RelationsWebhook.Settings settings = settings();
    webhook =
        start(
            settings,
            new NamespaceGuardHandler(ns -> "infra".equals(ns) ? List.of(live) : List.of()));

    var guard =
        client
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withName(WebhookRegistration.GUARD_NAME)
            .get();
    var hook = guard.getWebhooks().get(0);
    assertThat(hook.getFailurePolicy()).isEqualTo("Ignore");
    assertThat(hook.getRules().get(0).getOperations()).containsExactly("DELETE");
    assertThat(hook.getRules().get(0).getResources()).containsExactly("namespaces");
    assertThat(hook.getClientConfig().getUrl()).endsWith(NamespaceGuardHandler.PATH);

    var tls = CaBundleTrust.of(webhook.caBundle());
    var client = java.net.http.HttpClient.newBuilder().sslContext(tls).build();
    for (String namespace : List.of("infra", "empty")) {
      String review =
          "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
              + "{\"uid\":\"u-"
              + namespace
              + "\",\"operation\":\"DELETE\",\"name\":\""
              + namespace
              + "\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Namespace\"}}}";
      var response =
          client.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(
                          "https://localhost:" + settings.port() + NamespaceGuardHandler.PATH))
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofString(review))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      var answer = AdmissionHandlerTest.MAPPER.readTree(response.body()).path("response");
      assertThat(answer.path("uid").asText()).isEqualTo("u-" + namespace);
      if (namespace.equals("infra")) {
        assertThat(answer.path("allowed").asBoolean()).isFalse();
        assertThat(answer.path("status").path("message").asText())
            .contains("holds Provision rancher", "gantry delete provision/rancher -n infra");
      } else {
        assertThat(answer.path("allowed").asBoolean()).isTrue();
      }
    }
  }

  @Test
  void aReplicaThatFoundNoCertificatesAdoptsTheOnesAnotherReplicaStoredFirst() throws Exception {
    // The other replica stored its certificates after this one looked and found none.
    var theirs =
        CertificateRotation.next(
            null,
            List.of("localhost", "127.0.0.1"),
            java.time.Instant.now(),
            CertificateRotation.CA_VALIDITY,
            CertificateRotation.SERVING_VALIDITY);
    new CertificateStore(client, NS).save(theirs);
    Secret stored = client.secrets().inNamespace(NS).withName(CertificateStore.SECRET).get();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/" + NS + "/secrets/" + CertificateStore.SECRET)
        .andReturn(404, new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(404).build())
        .once();

    RelationsWebhook.Settings settings = settings();
    webhook = start(settings);

    assertThat(client.secrets().inNamespace(NS).withName(CertificateStore.SECRET).get().getData())
        .as("the first replica's certificates stand")
        .isEqualTo(stored.getData());
    assertThat(webhook.caBundle()).isEqualTo(theirs.caBundle());
    // What it serves is trusted by the bundle every replica registers.
    try (SSLSocket socket =
        (SSLSocket)
            CaBundleTrust.of(theirs.caBundle())
                .getSocketFactory()
                .createSocket("127.0.0.1", settings.port())) {
      socket.startHandshake();
      assertThat(socket.getSession().getPeerCertificates()[0].getEncoded())
          .isEqualTo(theirs.serving().certificate().getEncoded());
    }
  }

  @Test
  void aRegistrationAsTheApiServerStoresItIsNotWrittenAgain() throws Exception {
    webhook = start(settings());
    var registrations = client.admissionRegistration().v1().mutatingWebhookConfigurations();
    // A real API server fills in what Gantry leaves unset (seen on 1.36.3).
    MutatingWebhookConfiguration live = registrations.withName(WebhookRegistration.NAME).get();
    live.getWebhooks()
        .forEach(
            w -> {
              w.setMatchPolicy("Equivalent");
              w.setObjectSelector(new io.fabric8.kubernetes.api.model.LabelSelector());
            });
    String version = registrations.resource(live).update().getMetadata().getResourceVersion();

    webhook.rotate();

    assertThat(
            registrations
                .withName(WebhookRegistration.NAME)
                .get()
                .getMetadata()
                .getResourceVersion())
        .as("nothing to change, nothing written")
        .isEqualTo(version);
  }

  @Test
  void aRegistrationWhoseCaBundleWasChangedIsPutBack() throws Exception {
    webhook = start(settings());
    var registrations = client.admissionRegistration().v1().mutatingWebhookConfigurations();
    MutatingWebhookConfiguration live = registrations.withName(WebhookRegistration.NAME).get();
    live.getWebhooks().get(0).getClientConfig().setCaBundle("bm90IGEgQ0E=");
    registrations.resource(live).update();

    webhook.rotate();

    assertThat(
            WebhookRegistration.caBundleOf(registrations.withName(WebhookRegistration.NAME).get()))
        .isEqualTo(webhook.caBundle());
  }

  @Test
  void theRegistrationIsOwnedByTheOperatorsNamespaceSoAnUninstallTakesIt() throws Exception {
    webhook = start(settings());
    var live =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(WebhookRegistration.NAME)
            .get();
    String uid = client.namespaces().withName(NS).get().getMetadata().getUid();
    assertThat(live.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("Namespace");
              assertThat(o.getName()).isEqualTo(NS);
              assertThat(o.getUid()).isEqualTo(uid);
            });
    assertThat(live.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "relations-webhook");
  }
}
