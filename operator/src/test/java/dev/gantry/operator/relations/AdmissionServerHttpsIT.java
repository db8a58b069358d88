package dev.gantry.operator.relations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** Real HTTPS: a client that trusts only the published caBundle posts real AdmissionReviews. */
class AdmissionServerHttpsIT {
  static final List<String> NAMES = List.of("localhost", "127.0.0.1");

  static SSLContext trusting(String caBundlePem) throws Exception {
    return CaBundleTrust.of(caBundlePem);
  }

  /**
   * Trusts only {@code caBundlePem}, validating as if it were {@code at} (the rotation test moves
   * time).
   */
  static SSLContext trusting(String caBundlePem, Instant at) throws Exception {
    java.util.Set<java.security.cert.TrustAnchor> anchors = new java.util.HashSet<>();
    for (var cert :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new ByteArrayInputStream(caBundlePem.getBytes(StandardCharsets.UTF_8)))) {
      anchors.add(new java.security.cert.TrustAnchor((X509Certificate) cert, null));
    }
    javax.net.ssl.X509TrustManager manager =
        new javax.net.ssl.X509TrustManager() {
          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType)
              throws java.security.cert.CertificateException {
            try {
              var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(chain));
              var params = new java.security.cert.PKIXParameters(anchors);
              params.setRevocationEnabled(false);
              params.setDate(java.util.Date.from(at));
              java.security.cert.CertPathValidator.getInstance("PKIX").validate(path, params);
            } catch (Exception e) {
              throw new java.security.cert.CertificateException(e);
            }
          }

          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("server side only");
          }

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new javax.net.ssl.TrustManager[] {manager}, null);
    return context;
  }

  /** A new CA and serving certificate for {@code names}, valid from now. */
  static CertificateRotation.State freshCertificates(List<String> names) {
    return CertificateRotation.next(
        null,
        names,
        Instant.now(),
        CertificateRotation.CA_VALIDITY,
        CertificateRotation.SERVING_VALIDITY);
  }

  /** An admission server on a free port of 127.0.0.1, answering from {@code lookup}. */
  static AdmissionServer serving(
      ProviderLookup lookup, CertificateRotation.State state, WebhookMetrics metrics) {
    return new AdmissionServer(
            new AdmissionHandler(lookup, InjectionSettings.defaults()),
            state.serving(),
            "127.0.0.1",
            0,
            metrics)
        .start();
  }

  /** The demo's two providers. */
  static FakeLookup demoProviders() {
    return new FakeLookup()
        .externalName("sse-endpoint", "sse", "idlab-iot.tengu.io")
        .externalName("db-endpoint", "db", "db.tengu.io");
  }

  static HttpResponse<String> post(SSLContext tls, int port, byte[] body) throws Exception {
    return post(
        HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build(),
        port,
        body);
  }

  static HttpResponse<String> post(HttpClient client, int port, byte[] body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + port + AdmissionServer.PATH))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static X509Certificate served(SSLContext tls, int port) throws Exception {
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port)) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  @Test
  void clientTrustingOnlyTheCaBundleGetsTheJsonPatch() throws Exception {
    var state = freshCertificates(NAMES);
    FakeLookup lookup = demoProviders();
    try (AdmissionServer server = serving(lookup, state, WebhookMetrics.unscraped())) {
      var response =
          post(
              trusting(state.caBundle()),
              server.port(),
              AdmissionHandlerTest.review(
                  "CREATE",
                  "Deployment",
                  "apps",
                  AdmissionHandlerTest.object(AdmissionHandlerTest.SLEEP)));
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode review = AdmissionHandlerTest.MAPPER.readTree(response.body());
      assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
      String patch =
          new String(
              Base64.getDecoder().decode(review.path("response").path("patch").asText()),
              StandardCharsets.UTF_8);
      assertThat(patch).contains("\"SSE\"").contains("idlab-iot.tengu.io").contains("db.tengu.io");

      var malformed =
          post(trusting(state.caBundle()), server.port(), "{oops".getBytes(StandardCharsets.UTF_8));
      assertThat(malformed.statusCode()).isEqualTo(400);
      assertThat(malformed.body()).contains("not JSON");

      var other =
          CertificateRotation.next(
              null,
              NAMES,
              Instant.now(),
              CertificateRotation.CA_VALIDITY,
              CertificateRotation.SERVING_VALIDITY);
      assertThatThrownBy(
              () ->
                  post(
                      trusting(other.caBundle()),
                      server.port(),
                      "{}".getBytes(StandardCharsets.UTF_8)))
          .hasRootCauseInstanceOf(java.security.cert.CertPathValidatorException.class);
    }
  }

  @Test
  void eachReviewIsTimedByKindAndOutcomeAndEachHandshakeCountedOncePerConnection()
      throws Exception {
    var state = freshCertificates(NAMES);
    FakeLookup lookup = demoProviders();
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    WebhookMetrics metrics = new WebhookMetrics(registry);
    try (AdmissionServer server = serving(lookup, state, metrics).countHandshakes()) {
      byte[] injected =
          AdmissionHandlerTest.review(
              "CREATE",
              "Deployment",
              "apps",
              AdmissionHandlerTest.object(AdmissionHandlerTest.SLEEP));
      // One client keeps its connection: three reviews, one handshake.
      HttpClient kept =
          HttpClient.newBuilder()
              .sslContext(trusting(state.caBundle()))
              .version(HttpClient.Version.HTTP_1_1)
              .build();
      for (int i = 0; i < 3; i++) {
        assertThat(post(kept, server.port(), injected).statusCode()).isEqualTo(200);
      }
      assertThat(metrics.handshakes()).isEqualTo(1.0);
      // A second client is a second connection; a body that is no review is refused.
      assertThat(post(trusting(state.caBundle()), server.port(), "{oops".getBytes()).statusCode())
          .isEqualTo(400);
      assertThat(metrics.handshakes()).isEqualTo(2.0);
      assertThat(metrics.admissions()).isEqualTo(4);

      String scraped = registry.scrape();
      assertThat(scraped)
          .contains(
              "gantry_webhook_admission_seconds_count{kind=\"Deployment\",outcome=\"patched\"} 3")
          .contains("gantry_webhook_admission_seconds_count{kind=\"other\",outcome=\"refused\"} 1")
          .contains("gantry_webhook_admission_seconds_bucket{kind=\"Deployment\"")
          .contains("gantry_webhook_tls_handshakes_total{result=\"succeeded\"} 2.0");
    }
  }

  @Test
  void rotationKeepsServingAClientThatFollowsTheBundle() throws Exception {
    Instant t0 = Instant.now();
    Duration caValidity = Duration.ofHours(3);
    Duration servingValidity = Duration.ofHours(2);
    var state = CertificateRotation.next(null, NAMES, t0, caValidity, servingValidity);
    try (AdmissionServer server = serving(new FakeLookup(), state, WebhookMetrics.unscraped())) {
      X509Certificate first = served(trusting(state.caBundle(), t0), server.port());

      // Serving certificate due: reissued from the same CA, swapped in without a restart.
      var renewed =
          CertificateRotation.next(
              state, NAMES, t0.plus(Duration.ofMinutes(85)), caValidity, servingValidity);
      assertThat(renewed.serving()).isNotEqualTo(state.serving());
      server.useCertificate(renewed.serving());
      X509Certificate second =
          served(trusting(renewed.caBundle(), t0.plus(Duration.ofMinutes(85))), server.port());
      assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());

      // CA due: step 1 publishes the new CA beside the old and keeps serving the old certificate.
      Instant late = t0.plus(Duration.ofMinutes(130));
      var published = CertificateRotation.next(renewed, NAMES, late, caValidity, servingValidity);
      assertThat(published.publishedCaPems()).hasSize(2);
      assertThat(published.serving()).isEqualTo(renewed.serving());
      assertThat(served(trusting(published.caBundle(), late), server.port())).isEqualTo(second);

      // Before the grace period nothing else changes; after it, step 2 serves from the new CA.
      assertThat(
              CertificateRotation.next(
                  published, NAMES, late.plusSeconds(30), caValidity, servingValidity))
          .isEqualTo(published);
      var switched =
          CertificateRotation.next(
              published, NAMES, late.plus(Duration.ofMinutes(3)), caValidity, servingValidity);
      assertThat(switched.serving()).isNotEqualTo(published.serving());
      server.useCertificate(switched.serving());
      assertThat(
              served(
                      trusting(published.caBundle(), late.plus(Duration.ofMinutes(3))),
                      server.port())
                  .getIssuerX500Principal())
          .isEqualTo(switched.ca().certificate().getSubjectX500Principal());

      // Step 3: the old CA leaves the bundle; a client with only the new CA still connects.
      var settled =
          CertificateRotation.next(
              switched, NAMES, late.plus(Duration.ofMinutes(4)), caValidity, servingValidity);
      assertThat(settled.publishedCaPems()).containsExactly(switched.ca().certificatePem());
      assertThat(
              served(trusting(settled.caBundle(), late.plus(Duration.ofMinutes(4))), server.port()))
          .isNotNull();
      assertThatThrownBy(
              () ->
                  served(
                      trusting(state.caBundle(), late.plus(Duration.ofMinutes(4))), server.port()))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void theWarmUpIsAnsweredThroughTheRealTlsPathLeftOutOfTheMetricsAndAStrangerCaGetsNothing()
      throws Exception {
    // the Service's name, and localhost for the test's own client; not 127.0.0.1
    var state = freshCertificates(List.of("gantry-webhook.gantry-system.svc", "localhost"));
    FakeLookup lookup = new FakeLookup();
    WebhookMetrics metrics = WebhookMetrics.unscraped();
    try (AdmissionServer server = serving(lookup, state, metrics)) {
      // Before countHandshakes (as before registration), handshakes are not counted.
      var early =
          WebhookWarmUp.run(
              "127.0.0.1", server.port(), state.caBundle(), 5, 2, Duration.ofSeconds(60));
      assertThat(early.answered()).isEqualTo(5);
      assertThat(metrics.handshakes()).isZero();
      server.countHandshakes();

      // the certificate names the Service, not 127.0.0.1: the warm-up connects all the same
      var warm =
          WebhookWarmUp.run(
              "127.0.0.1", server.port(), state.caBundle(), 40, 10, Duration.ofSeconds(60));
      assertThat(warm.sent()).isEqualTo(40);
      assertThat(warm.answered()).isEqualTo(40);
      // each ran the whole injection path, against the in-memory provider (this lookup has none)
      assertThat(warm.injected()).isEqualTo(40);
      // ten full handshakes on connections of their own, then one kept connection for thirty
      assertThat(warm.ownConnections()).isEqualTo(10);
      assertThat(metrics.handshakes()).isEqualTo(11.0);
      // the metrics time the callers' reviews, not the webhook's own
      assertThat(metrics.admissions()).isZero();
      // the same review without the warm-up's mark is resolved against the cluster's providers
      var real = post(trusting(state.caBundle()), server.port(), WebhookWarmUp.REVIEWS.get(0));
      assertThat(real.statusCode()).isEqualTo(200);
      assertThat(real.body()).contains("Service warm-up-provider (not found)");
      assertThat(WebhookWarmUp.injectsTheWarmUpProvider(real.body())).isFalse();
      assertThat(metrics.admissions()).isEqualTo(1);
      assertThat(metrics.handshakes()).isEqualTo(12.0);

      var stranger =
          CertificateRotation.next(
              null,
              NAMES,
              Instant.now(),
              CertificateRotation.CA_VALIDITY,
              CertificateRotation.SERVING_VALIDITY);
      var refused =
          WebhookWarmUp.run(
              "127.0.0.1", server.port(), stranger.caBundle(), 5, 2, Duration.ofSeconds(60));
      assertThat(refused.answered()).isZero();
    }
  }
}
