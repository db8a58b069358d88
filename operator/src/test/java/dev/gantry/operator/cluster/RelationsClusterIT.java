package dev.gantry.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.operator.relations.WebhookRegistration;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.runtime.OperatorOptions;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.FileInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real-cluster tier for Relations: the webhook registered by URL and called by the real API
 * server over TLS for a bare pod (only the webhook can inject it), and the controller rolling a
 * Deployment when its provider changes. The API server must reach this JVM at {@code
 * gantry.cluster.webhookHost} (default 127.0.0.1: an API server on this machine).
 */
class RelationsClusterIT {
  static final String NS = "gantry-cluster-relations";
  static final String HOST = System.getProperty("gantry.cluster.webhookHost", "127.0.0.1");
  static RealCluster cluster;
  static GantryOperator operator;

  @BeforeAll
  static void start() throws Exception {
    cluster = RealCluster.withCrds();
    if (cluster == null) {
      return;
    }
    cluster.namespace(NS, Map.of("tengu-injector", "enabled"));
    OperatorOptions options =
        cluster.withWebhook(cluster.operatorOptions(Set.of(NS), false, null), NS, HOST);
    operator = new GantryOperator(cluster.client, options, Clock.systemUTC()).start();
  }

  @AfterAll
  static void cleanUp() {
    if (operator != null) {
      operator.close();
      // failurePolicy Fail: a registration left behind would block pod writes in labelled
      // namespaces.
      cluster
          .client
          .admissionRegistration()
          .v1()
          .mutatingWebhookConfigurations()
          .withName(WebhookRegistration.NAME)
          .delete();
      cluster.deleteNamespace(NS, Duration.ofMinutes(2));
      cluster.client.close();
    }
  }

  static List<HasMetadata> example(String file) throws Exception {
    try (var in = new FileInputStream(Path.of("..", "examples", "relations", file).toFile())) {
      List<HasMetadata> items = cluster.client.load(in).items();
      items.forEach(i -> i.getMetadata().setNamespace(NS));
      return items;
    }
  }

  static String env(Pod pod, String name) {
    return pod.getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> name.equals(e.getName()))
        .map(EnvVar::getValue)
        .findFirst()
        .orElse(null);
  }

  @Test
  void theApiServerCallsTheWebhookForABarePodAndTheControllerRollsADeploymentOnChange()
      throws Exception {
    example("providers.yaml").forEach(p -> cluster.client.resource(p).createOr(r -> r.update()));

    // A bare pod: nothing but the webhook, called by the API server, can inject it.
    Pod bare =
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: bare
              annotations: {tengu.io/consumes: "sse,db", tengu.io/relations: "sse-endpoint,db-endpoint"}
            spec:
              containers:
              - {name: main, image: %s, imagePullPolicy: %s, command: [sleep, "3600"]}
            """
                .formatted(cluster.toolsImage, cluster.pullPolicy),
            Pod.class);
    bare.getMetadata().setNamespace(NS);
    // The webhook answers from its informer caches, which see the new providers a moment later;
    // until then it holds the pod back with its gate. Pods made after that are injected.
    java.util.concurrent.atomic.AtomicInteger attempt =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<Pod> last =
        new java.util.concurrent.atomic.AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(2))
        .failFast(() -> false)
        .until(
            () -> {
              bare.getMetadata().setName("bare-" + attempt.incrementAndGet());
              last.set(cluster.client.resource(bare).create());
              return env(last.get(), "SSE") != null;
            });
    Pod stored = last.get();
    assertThat(env(stored, "SSE"))
        .as(io.fabric8.kubernetes.client.utils.Serialization.asYaml(stored))
        .isEqualTo("idlab-iot.tengu.io");
    assertThat(env(stored, "DB")).isEqualTo("db.tengu.io");
    // The API server's reviews show on the operator's metrics: timed, and over TLS it opened.
    String metrics = operator.registry().scrape();
    assertThat(metrics)
        .containsPattern(
            "gantry_webhook_admission_seconds_count\\{kind=\"Pod\",outcome=\"patched\"\\} [1-9]")
        .containsPattern("gantry_webhook_tls_handshakes_total\\{result=\"succeeded\"\\} [1-9]");

    // A Deployment is injected and rolled when a provider changes.
    Deployment sleep = (Deployment) example("sleep-deployment.yaml").get(0);
    var container = sleep.getSpec().getTemplate().getSpec().getContainers().get(0);
    container.setImage(cluster.toolsImage);
    container.setImagePullPolicy(cluster.pullPolicy);
    container.setCommand(List.of("sleep", "3600"));
    cluster.client.resource(sleep).create();
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> runningWith("db.tengu.io"));

    cluster
        .client
        .services()
        .inNamespace(NS)
        .withName("db-endpoint")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"externalName\":\"db2.tengu.io\"}}");
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> runningWith("db2.tengu.io"));
  }

  /**
   * The registration as the real API server stores it (with the fields it fills in) is not written
   * again by the webhook's check (every minute): the test waits for one check to pass, counted on
   * the operator's metrics, and counts the writes the API server sees meanwhile.
   */
  @Test
  void theRegistrationIsNotRewrittenByTheMinutelyCheck() {
    var registrations = cluster.client.admissionRegistration().v1().mutatingWebhookConfigurations();
    var before = registrations.withName(WebhookRegistration.NAME).get();
    assertThat(before.getWebhooks().get(0).getMatchPolicy())
        .as("the server filled in what Gantry leaves unset")
        .isNotNull();
    double checks = counter("gantry.webhook.registration.checks");
    double writes = counter("gantry.webhook.registration.writes");
    java.util.concurrent.atomic.AtomicInteger modified =
        new java.util.concurrent.atomic.AtomicInteger();
    try (var watch =
        registrations
            .withName(WebhookRegistration.NAME)
            .watch(
                new io.fabric8.kubernetes.client.Watcher<>() {
                  @Override
                  public void eventReceived(
                      Action action,
                      io.fabric8.kubernetes.api.model.admissionregistration.v1
                              .MutatingWebhookConfiguration
                          r) {
                    if (action == Action.MODIFIED) {
                      modified.incrementAndGet();
                    }
                  }

                  @Override
                  public void onClose(io.fabric8.kubernetes.client.WatcherException e) {}
                })) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> counter("gantry.webhook.registration.checks") > checks);
    }
    assertThat(modified.get()).as("writes the API server saw in that check").isZero();
    assertThat(counter("gantry.webhook.registration.writes")).isEqualTo(writes);
    assertThat(
            registrations
                .withName(WebhookRegistration.NAME)
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
  }

  static double counter(String name) {
    var meter = operator.registry().find(name).counter();
    return meter == null ? 0 : meter.count();
  }

  static boolean runningWith(String db) {
    return cluster
        .client
        .pods()
        .inNamespace(NS)
        .withLabel("app", "sleep")
        .list()
        .getItems()
        .stream()
        .anyMatch(
            p ->
                "Running".equals(p.getStatus().getPhase())
                    && p.getMetadata().getDeletionTimestamp() == null
                    && db.equals(env(p, "DB")));
  }
}
