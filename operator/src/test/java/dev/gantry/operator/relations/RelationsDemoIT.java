package dev.gantry.operator.relations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.api.relations.Relation;
import dev.gantry.operator.provision.ProvisionSettings;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.runtime.OperatorOptions;
import dev.gantry.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.FileInputStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The prototype's demo on the mock API server. The mock calls no webhooks, so the test plays the
 * API server's part: it reads the MutatingWebhookConfiguration the operator registered, sends the
 * consumer to its URL over HTTPS trusting only that caBundle, and stores the patched object.
 */
@EnableKubernetesMockClient(crud = true)
class RelationsDemoIT {
  static final String NS = "k8s-tengu-test";
  static final Duration TIMEOUT = Duration.ofSeconds(20);
  static KubernetesClient client;
  GantryOperator operator;

  @BeforeEach
  void start() throws Exception {
    OperatorHarness.installCrds(client);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    OperatorOptions options =
        new OperatorOptions(Set.of(), false, null, -1, ProvisionSettings.defaults())
            .withWebhook(
                new RelationsWebhook.Settings(
                    "default",
                    List.of("localhost", "127.0.0.1"),
                    "127.0.0.1",
                    port,
                    WebhookRegistration.Target.url("https://127.0.0.1:" + port),
                    InjectionSettings.defaults()));
    operator = new GantryOperator(client, options, Clock.systemUTC()).start();
    for (HasMetadata item : load("namespace.yaml")) {
      client.resource(item).createOr(r -> r.update());
    }
  }

  @AfterEach
  void stop() {
    operator.close();
  }

  static List<HasMetadata> load(String example) throws Exception {
    try (var in = new FileInputStream(Path.of("..", "examples", "relations", example).toFile())) {
      return client.load(in).items();
    }
  }

  /**
   * What the API server does with a CREATE in an opted-in namespace: admit through the webhook,
   * store.
   */
  Deployment admitAndCreate(Deployment deployment) throws Exception {
    MutatingWebhookConfiguration registration =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(WebhookRegistration.NAME)
            .get();
    var webhook = registration.getWebhooks().get(0);
    assertThat(webhook.getNamespaceSelector().getMatchLabels())
        .containsEntry("tengu-injector", "enabled");
    String url = webhook.getClientConfig().getUrl();
    String caBundle = WebhookRegistration.caBundleOf(registration);
    JsonNode object = AdmissionHandlerTest.MAPPER.valueToTree(deployment);
    var response =
        AdmissionServerHttpsIT.post(
            AdmissionServerHttpsIT.trusting(caBundle),
            Integer.parseInt(url.replaceAll(".*:(\\d+)/.*", "$1")),
            AdmissionHandlerTest.review("CREATE", "Deployment", "apps", object));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode patch =
        AdmissionHandlerTest.patch(
            AdmissionHandlerTest.MAPPER.readTree(response.body()).path("response"));
    Deployment admitted =
        AdmissionHandlerTest.MAPPER.treeToValue(JsonPatch.apply(patch, object), Deployment.class);
    return client.resource(admitted).create();
  }

  Deployment sleep() {
    return client.apps().deployments().inNamespace(NS).withName("sleep").get();
  }

  static String hash(Deployment d) {
    return d.getSpec().getTemplate().getMetadata().getAnnotations().get(Relation.HASH_ANNOTATION);
  }

  static List<String> env(Deployment d) {
    List<EnvVar> env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    return env == null
        ? List.of()
        : env.stream().map(e -> e.getName() + "=" + e.getValue()).toList();
  }

  boolean event(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .anyMatch(
            e -> reason.equals(e.getReason()) && "sleep".equals(e.getInvolvedObject().getName()));
  }

  @Test
  void theWebhookAnsweredItsWarmUpThroughHttpsBeforeItWasRegistered() {
    var warm = operator.webhook().warmUpResult();
    // bounded by time as well as count: on a busy machine it may send fewer, and the last one may
    // run out of time
    assertThat(warm.sent()).isBetween(1, RelationsWebhook.WARM_UP_REQUESTS);
    assertThat(warm.answered()).isBetween(warm.sent() - 1, warm.sent());
    assertThat(warm.injected()).isEqualTo(warm.answered());
    assertThat(
            client
                .admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .withName(WebhookRegistration.NAME)
                .get())
        .isNotNull();
  }

  @Test
  void demoConsumerIsGatedThenInjectedAndRolledAsProvidersComeChangeAndGo() throws Exception {
    Deployment created = admitAndCreate((Deployment) load("sleep-deployment.yaml").get(0));
    assertThat(created.getSpec().getTemplate().getSpec().getInitContainers())
        .extracting(c -> c.getName())
        .containsExactly(PodInjection.GATE);

    // Told why, on the consumer and in an Event.
    await()
        .atMost(TIMEOUT)
        .until(() -> status(sleep()) != null && status(sleep()).contains("sse-endpoint"));
    assertThat(status(sleep()))
        .startsWith("waiting for:")
        .contains("Service sse-endpoint (not found)")
        .contains("Service db-endpoint (not found)");
    await().atMost(TIMEOUT).until(() -> event("RelationsMissing"));
    String gatedHash = hash(sleep());

    // Providers appear: the consumer gets its variables, the gate goes, the template hash rolls it.
    for (HasMetadata provider : load("providers.yaml")) {
      client.resource(provider).create();
    }
    await().atMost(TIMEOUT).until(() -> status(sleep()).startsWith("resolved"));
    Deployment resolved = sleep();
    assertThat(env(resolved)).containsExactly("SSE=idlab-iot.tengu.io", "DB=db.tengu.io");
    assertThat(resolved.getSpec().getTemplate().getSpec().getInitContainers()).isEmpty();
    assertThat(hash(resolved)).isNotEqualTo(gatedHash);
    await().atMost(TIMEOUT).until(() -> event("RelationsUpdated"));

    // A provider changes: rolled again with the new address.
    client
        .services()
        .inNamespace(NS)
        .withName("db-endpoint")
        .edit(
            s -> {
              s.getSpec().setExternalName("db2.tengu.io");
              return s;
            });
    await().atMost(TIMEOUT).until(() -> env(sleep()).contains("DB=db2.tengu.io"));
    assertThat(hash(sleep())).isNotEqualTo(hash(resolved));

    // A provider goes: the consumer reports it and is held back again.
    client.services().inNamespace(NS).withName("sse-endpoint").delete();
    await().atMost(TIMEOUT).until(() -> status(sleep()).startsWith("waiting for:"));
    assertThat(status(sleep()))
        .contains("Service sse-endpoint (not found)")
        .doesNotContain("db-endpoint");
    assertThat(sleep().getSpec().getTemplate().getSpec().getInitContainers())
        .extracting(c -> c.getName())
        .containsExactly(PodInjection.GATE);

    // Admitting the stored object again changes nothing: the controller and the webhook agree.
    JsonNode again = AdmissionHandlerTest.MAPPER.valueToTree(sleep());
    var registration =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(WebhookRegistration.NAME)
            .get();
    var response =
        AdmissionServerHttpsIT.post(
            AdmissionServerHttpsIT.trusting(WebhookRegistration.caBundleOf(registration)),
            operator.webhook().port(),
            AdmissionHandlerTest.review("UPDATE", "Deployment", "apps", again));
    assertThat(
            AdmissionHandlerTest.patch(
                AdmissionHandlerTest.MAPPER.readTree(response.body()).path("response")))
        .isEmpty();
  }

  @Test
  void relationWithCredentialsBindsSecretKeyRefsAndServiceBindingFiles() throws Exception {
    for (HasMetadata item : load("relation-with-credentials.yaml")) {
      client.resource(item).createOr(r -> r.update());
    }
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              Deployment web = client.apps().deployments().inNamespace(NS).withName("web").get();
              return web.getMetadata().getAnnotations() != null
                  && status(web) != null
                  && status(web).startsWith("resolved");
            });
    Deployment web = client.apps().deployments().inNamespace(NS).withName("web").get();
    var env = web.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertThat(env)
        .extracting(EnvVar::getName)
        .contains(
            "DB",
            "DB_HOST",
            "DB_PORT",
            "DB_URL",
            "DB_PASSWORD",
            "DB_USERNAME",
            "SERVICE_BINDING_ROOT");
    assertThat(
            env.stream()
                .filter(e -> e.getName().equals("DB_PASSWORD"))
                .findFirst()
                .orElseThrow()
                .getValue())
        .isNull();
    var bindings = client.secrets().inNamespace(NS).withName("web-bindings").get();
    assertThat(bindings.getData())
        .containsKeys("web-db.type", "web-db.host", "web-db.port", "web-db.password");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Relation relation =
                  client.resources(Relation.class).inNamespace(NS).withName("web-db").get();
              assertThat(relation.getStatus()).isNotNull();
              assertThat(relation.getStatus().endpoint.url)
                  .isEqualTo("tcp://postgres.k8s-tengu-test.svc.cluster.local:5432");
              assertThat(relation.getStatus().consumers).containsExactly("Deployment/web");
              assertThat(relation.getStatus().conditions)
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo("Ready");
                        assertThat(c.getStatus()).isEqualTo("True");
                      });
            });

    // A changed password rolls the consumer (its pods read the value only at start), and the
    // value itself never enters the pod template.
    String before = hash(web);
    assertThat(
            client
                .secrets()
                .inNamespace(NS)
                .withName("db-credentials")
                .get()
                .getMetadata()
                .getLabels())
        .containsEntry(Relation.CREDENTIALS_LABEL, "true");
    client
        .secrets()
        .inNamespace(NS)
        .withName("db-credentials")
        .edit(
            secret -> {
              secret.setData(new java.util.HashMap<>(secret.getData()));
              secret.getData().put("password", "bmV3LXNlY3JldA==");
              return secret;
            });
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                !before.equals(
                    hash(client.apps().deployments().inNamespace(NS).withName("web").get())));
    assertThat(
            io.fabric8.kubernetes.client.utils.Serialization.asJson(
                client.apps().deployments().inNamespace(NS).withName("web").get()))
        .doesNotContain("new-secret")
        .doesNotContain("bmV3LXNlY3JldA==");

    // The Relation goes: what it injected goes, and so does the label it put on the workload.
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("web")
                .get()
                .getMetadata()
                .getLabels())
        .containsEntry(Relation.RELATIONSHIPS_LABEL, "relation");
    client.resources(Relation.class).inNamespace(NS).withName("web-db").delete();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Deployment unbound =
                  client.apps().deployments().inNamespace(NS).withName("web").get();
              assertThat(unbound.getMetadata().getLabels())
                  .doesNotContainKey(Relation.RELATIONSHIPS_LABEL);
              assertThat(unbound.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                  .extracting(EnvVar::getName)
                  .doesNotContain("DB_HOST", "DB_PASSWORD");
              assertThat(client.secrets().inNamespace(NS).withName("web-bindings").get())
                  .as("no binding files are asked for any more")
                  .isNull();
            });
  }

  @Test
  void statefulSetAndDaemonSetConsumersAreGatedThenInjectedAndRolledLikeDeployments()
      throws Exception {
    // The mock API server lives as long as the class: start without the demo's providers.
    for (HasMetadata provider : load("providers.yaml")) {
      client.resource(provider).delete();
    }
    for (HasMetadata item : load("workload-kinds.yaml")) {
      client.resource(item).create();
    }
    var statefulSets = client.apps().statefulSets().inNamespace(NS);
    var daemonSets = client.apps().daemonSets().inNamespace(NS);

    // Gated and told why, on each workload.
    await()
        .atMost(TIMEOUT)
        .until(() -> status(statefulSets.withName("queue").get()).startsWith("waiting for:"));
    await()
        .atMost(TIMEOUT)
        .until(() -> status(daemonSets.withName("agent").get()).startsWith("waiting for:"));
    assertThat(statefulSets.withName("queue").get().getSpec().getTemplate().getSpec())
        .satisfies(
            pod ->
                assertThat(pod.getInitContainers())
                    .extracting(c -> c.getName())
                    .containsExactly(PodInjection.GATE));
    String gatedHash =
        templateHash(daemonSets.withName("agent").get().getSpec().getTemplate().getMetadata());

    // Providers appear: both get their variables and lose the gate, and the hash rolls them.
    for (HasMetadata provider : load("providers.yaml")) {
      client.resource(provider).create();
    }
    await()
        .atMost(TIMEOUT)
        .until(() -> status(statefulSets.withName("queue").get()).startsWith("resolved"));
    await()
        .atMost(TIMEOUT)
        .until(() -> status(daemonSets.withName("agent").get()).startsWith("resolved"));
    var queue = statefulSets.withName("queue").get().getSpec().getTemplate();
    assertThat(queue.getSpec().getContainers().get(0).getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue())
        .containsExactly("SSE=idlab-iot.tengu.io");
    assertThat(queue.getSpec().getInitContainers()).isEmpty();
    var agent = daemonSets.withName("agent").get().getSpec().getTemplate();
    assertThat(agent.getSpec().getContainers().get(0).getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue())
        .contains("DB=db.tengu.io");
    assertThat(templateHash(agent.getMetadata())).isNotEqualTo(gatedHash);

    // A provider changes: the StatefulSet is rolled with the new address.
    client
        .services()
        .inNamespace(NS)
        .withName("sse-endpoint")
        .edit(
            s -> {
              s.getSpec().setExternalName("sse2.tengu.io");
              return s;
            });
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                statefulSets
                    .withName("queue")
                    .get()
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .getEnv()
                    .stream()
                    .anyMatch(e -> "sse2.tengu.io".equals(e.getValue())));

    // The Relation lists the DaemonSet it bound.
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .resources(Relation.class)
                            .inNamespace(NS)
                            .withName("agent-db")
                            .get()
                            .getStatus()
                            .consumers)
                    .containsExactly("DaemonSet/agent"));
  }

  static String status(HasMetadata workload) {
    return workload.getMetadata().getAnnotations() == null
        ? ""
        : workload.getMetadata().getAnnotations().getOrDefault(Relation.STATUS_ANNOTATION, "");
  }

  static String templateHash(io.fabric8.kubernetes.api.model.ObjectMeta meta) {
    return meta.getAnnotations() == null
        ? null
        : meta.getAnnotations().get(Relation.HASH_ANNOTATION);
  }
}
