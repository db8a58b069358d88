package dev.gantry.operator.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.stack.Stack;
import dev.gantry.api.stack.StackStatus;
import dev.gantry.api.stack.StackStatus.ComponentPhase;
import dev.gantry.api.stack.StackStatus.ComponentStatus;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.testing.OperatorHarness;
import dev.gantry.operator.testing.SimulatedCluster;
import dev.gantry.operator.testing.StackApiAnswers;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Stack controller against the mock API server, the test playing the cluster's controllers (a
 * Deployment's rollout, a Service's endpoints): components are made in dependency order, a failure
 * blocks what depends on it, edits reach only what they change, what is deleted or edited by hand
 * comes back, teardown runs in reverse, and a restarted operator makes nothing twice.
 */
@EnableKubernetesMockClient(crud = true)
class StackLifecycleIT {
  private static final java.util.concurrent.atomic.AtomicInteger TESTS =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Each test in a namespace of its own: the mock server outlives a test. */
  String NS;

  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static KubernetesClient client;
  static KubernetesMockServer server;
  GantryOperator operator;

  static final String SHOP =
      """
      apiVersion: gantry.dev/v1alpha1
      kind: Stack
      metadata: {name: shop}
      spec:
        parameters: {greeting: hello, replicas: 2}
        components:
        - name: settings
          template:
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: shop-settings}
            data: {greeting: "${parameters.greeting}"}
        - name: db
          template:
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: shop-db}
            spec:
              replicas: 1
              selector: {matchLabels: {app: shop-db}}
              template:
                metadata: {labels: {app: shop-db}}
                spec:
                  containers: [{name: db, image: postgres:16}]
        - name: dbService
          dependsOn: [db]
          template:
            apiVersion: v1
            kind: Service
            metadata: {name: shop-db}
            spec:
              selector: {app: shop-db}
              ports: [{name: sql, port: 5432}]
        - name: web
          template:
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: shop-web}
            spec:
              replicas: ${parameters.replicas}
              selector: {matchLabels: {app: shop-web}}
              template:
                metadata: {labels: {app: shop-web}}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    env:
                    - {name: DB, value: "${components.dbService.service.host}:${string(components.dbService.service.ports.sql)}"}
                    - {name: GREETING, value: "${components.settings.data.greeting}"}
      """;

  @BeforeEach
  void start() throws Exception {
    NS = "stack-" + TESTS.incrementAndGet();
    OperatorHarness.installCrds(client);
    StackApiAnswers.serveDiscovery(server);
    StackApiAnswers.answerAccessReviews(server, permission -> true);
    operator = OperatorHarness.start(client, -1);
  }

  @AfterEach
  void stop() {
    operator.close();
  }

  @Test
  void componentsAreMadeInDependencyOrderAndTheStackIsReadyWhenAllAre() {
    client.resource(shop()).create();

    await()
        .atMost(TIMEOUT)
        .until(() -> deployment("shop-db") != null && configMap("shop-settings") != null);
    // The Service waits for the db to be Ready; web waits for both.
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(() -> row("web").message.contains("dbService"));
    assertThat(row("dbService").phase).isEqualTo(ComponentPhase.Pending);
    assertThat(service("shop-db")).isNull();
    assertThat(deployment("shop-web")).isNull();

    rolledOut("shop-db");
    await().atMost(TIMEOUT).until(() -> service("shop-db") != null);
    assertThat(deployment("shop-web")).isNull();
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(() -> "no ready endpoints".equals(row("dbService").message));

    endpoints("shop-db");
    await().atMost(TIMEOUT).until(() -> deployment("shop-web") != null);
    var env =
        deployment("shop-web").getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertThat(env.get(0).getValue()).isEqualTo("shop-db." + NS + ".svc:5432");
    assertThat(env.get(1).getValue()).isEqualTo("hello");
    assertThat(deployment("shop-web").getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment("shop-web").getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getController()).isTrue());

    rolledOut("shop-web");
    await().atMost(TIMEOUT).until(() -> phase() == StackStatus.Phase.Ready);
    assertThat(stack().getStatus().readyComponents).isEqualTo("4/4");
  }

  @Test
  void aFailedComponentBlocksWhatDependsOnIt() {
    client.resource(shop()).create();
    await().atMost(TIMEOUT).until(() -> deployment("shop-db") != null);
    stuck("shop-db");
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(() -> row("db").phase == ComponentPhase.Failed);
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(() -> row("dbService").phase == ComponentPhase.Blocked);
    assertThat(row("dbService").message).contains("db failed").contains("rollout stuck");
    assertThat(row("web").phase).isEqualTo(ComponentPhase.Blocked);
    assertThat(phase()).isEqualTo(StackStatus.Phase.Failed);
    assertThat(service("shop-db")).isNull();
  }

  @Test
  void anEditReachesOnlyTheComponentsItChangesAndHandEditsAndDeletionsAreUndone() {
    ready();
    String webVersion = deployment("shop-web").getMetadata().getResourceVersion();
    String dbVersion = deployment("shop-db").getMetadata().getResourceVersion();

    client
        .resources(Stack.class)
        .inNamespace(NS)
        .withName("shop")
        .edit(
            s -> {
              s.getSpec().parameters.put("replicas", 3);
              return s;
            });
    await().atMost(TIMEOUT).until(() -> deployment("shop-web").getSpec().getReplicas() == 3);
    assertThat(deployment("shop-db").getMetadata().getResourceVersion()).isEqualTo(dbVersion);
    assertThat(deployment("shop-web").getMetadata().getResourceVersion()).isNotEqualTo(webVersion);

    // By hand: a value changed, an object deleted.
    client
        .configMaps()
        .inNamespace(NS)
        .withName("shop-settings")
        .edit(
            c -> {
              c.getData().put("greeting", "tampered");
              return c;
            });
    await()
        .atMost(TIMEOUT)
        .until(() -> "hello".equals(configMap("shop-settings").getData().get("greeting")));
    client.services().inNamespace(NS).withName("shop-db").delete();
    await().atMost(TIMEOUT).until(() -> service("shop-db") != null);
  }

  @Test
  void teardownRunsInReverseDependencyOrder() throws Exception {
    ready();
    drainRequests();
    client.resources(Stack.class).inNamespace(NS).withName("shop").delete();
    await().atMost(TIMEOUT).until(() -> stack() == null);
    List<String> deleted =
        drainRequests().stream()
            .filter(r -> "DELETE".equals(r.getMethod()))
            .map(r -> r.getPath().replaceAll("\\?.*", ""))
            .filter(p -> !p.contains("/stacks/") && !p.contains("/networkpolicies/"))
            .map(
                p ->
                    p.substring(p.lastIndexOf('/') + 1)
                        + "@"
                        + p.split("/")[p.split("/").length - 2])
            .toList();
    assertThat(deleted)
        .containsExactly(
            "shop-web@deployments",
            "shop-settings@configmaps",
            "shop-db@services",
            "shop-db@deployments");
    assertThat(deployment("shop-db")).isNull();
    assertThat(configMap("shop-settings")).isNull();
  }

  @Test
  void aRestartedOperatorMakesNothingTwice() throws Exception {
    ready();
    operator.close();
    drainRequests();
    drained.clear();
    operator = OperatorHarness.start(client, -1);
    // The first pass of the new operator reads the Services' endpoints; by then it has decided.
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              drainRequests();
              return drained.stream()
                  .anyMatch(
                      r -> "GET".equals(r.getMethod()) && r.getPath().contains("endpointslices"));
            });
    assertThat(drained)
        .noneMatch(
            r ->
                "POST".equals(r.getMethod())
                    && !r.getPath().contains("/events")
                    && !r.getPath().contains("selfsubject"));
    assertThat(phase()).isEqualTo(StackStatus.Phase.Ready);
  }

  static final String DISCOVERY =
      """
      apiVersion: gantry.dev/v1alpha1
      kind: Stack
      metadata: {name: media}
      spec:
        components:
        - name: media
          ports: [{name: http, port: 8080}]
          template:
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: media}
            spec:
              replicas: 2
              selector: {matchLabels: {app: media}}
              template:
                metadata: {labels: {app: media}}
                spec: {containers: [{name: bbb, image: bbb, ports: [{name: http, containerPort: 8080}]}]}
        - name: registry
          template:
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: registry}
            data:
              servers: "${components.media.members.map(m, m.address).join(',')}"
      """;

  @Test
  void membersJoiningAndLeavingReachWhatReadsThem() {
    Stack stack = Serialization.unmarshal(DISCOVERY, Stack.class);
    stack.getMetadata().setNamespace(NS);
    client.resource(stack).create();
    await().atMost(TIMEOUT).until(() -> deployment("media") != null);
    // The pods carry the labels Gantry put on the template.
    var labels = deployment("media").getSpec().getTemplate().getMetadata().getLabels();
    assertThat(labels)
        .containsEntry("gantry.dev/stack", "media")
        .containsEntry("gantry.dev/component", "media");
    rolledOut("media");
    new SimulatedCluster(client).readyPod(NS, "media-a", "10.1.0.1", labels);
    await().atMost(TIMEOUT).until(() -> configMap("registry") != null);
    await()
        .atMost(TIMEOUT)
        .until(() -> "10.1.0.1".equals(configMap("registry").getData().get("servers")));
    new SimulatedCluster(client).readyPod(NS, "media-b", "10.1.0.2", labels);
    await()
        .atMost(TIMEOUT)
        .until(() -> "10.1.0.1,10.1.0.2".equals(configMap("registry").getData().get("servers")));
    client.pods().inNamespace(NS).withName("media-a").delete();
    await()
        .atMost(TIMEOUT)
        .until(() -> "10.1.0.2".equals(configMap("registry").getData().get("servers")));
  }

  // ---- the test as the cluster ----

  final List<RecordedRequest> drained = new ArrayList<>();

  List<RecordedRequest> drainRequests() throws InterruptedException {
    List<RecordedRequest> taken = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      taken.add(r);
    }
    drained.addAll(taken);
    return taken;
  }

  void ready() {
    client.resource(shop()).create();
    await().atMost(TIMEOUT).until(() -> deployment("shop-db") != null);
    rolledOut("shop-db");
    await().atMost(TIMEOUT).until(() -> service("shop-db") != null);
    endpoints("shop-db");
    await().atMost(TIMEOUT).until(() -> deployment("shop-web") != null);
    rolledOut("shop-web");
    await().atMost(TIMEOUT).until(() -> phase() == StackStatus.Phase.Ready);
  }

  /** As the Deployment controller, once every replica is up. */
  void rolledOut(String name) {
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(name)
        .editStatus(
            d -> {
              int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
              d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatus());
              d.getStatus().setObservedGeneration(d.getMetadata().getGeneration());
              d.getStatus().setReplicas(want);
              d.getStatus().setUpdatedReplicas(want);
              d.getStatus().setReadyReplicas(want);
              d.getStatus().setAvailableReplicas(want);
              return d;
            });
  }

  /** As the Deployment controller, when the rollout misses its progress deadline. */
  void stuck(String name) {
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(name)
        .editStatus(
            d -> {
              d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatus());
              d.getStatus().setObservedGeneration(d.getMetadata().getGeneration());
              DeploymentCondition c = new DeploymentCondition();
              c.setType("Progressing");
              c.setStatus("False");
              c.setReason("ProgressDeadlineExceeded");
              c.setMessage("ReplicaSet shop-db-1 has timed out progressing.");
              d.getStatus().setConditions(List.of(c));
              return d;
            });
  }

  /** As the EndpointSlice controller, once a pod behind the Service is ready. */
  void endpoints(String service) {
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(NS)
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(service + "-abcde")
                .addToLabels("kubernetes.io/service-name", service)
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint()
                .withAddresses("10.0.0.7")
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .build())
        .create();
  }

  Stack shop() {
    Stack stack = Serialization.unmarshal(SHOP, Stack.class);
    stack.getMetadata().setNamespace(NS);
    return stack;
  }

  Stack stack() {
    return client.resources(Stack.class).inNamespace(NS).withName("shop").get();
  }

  StackStatus.Phase phase() {
    Stack s = stack();
    return s == null || s.getStatus() == null ? null : s.getStatus().phase;
  }

  ComponentStatus row(String component) {
    Stack s = stack();
    if (s == null || s.getStatus() == null || s.getStatus().components == null) {
      throw new AssertionError("no status yet");
    }
    return s.getStatus().components.stream()
        .filter(c -> c.name.equals(component))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + component));
  }

  Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(NS).withName(name).get();
  }

  Service service(String name) {
    return client.services().inNamespace(NS).withName(name).get();
  }

  ConfigMap configMap(String name) {
    return client.configMaps().inNamespace(NS).withName(name).get();
  }
}
