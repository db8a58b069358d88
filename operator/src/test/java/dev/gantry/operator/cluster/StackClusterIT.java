package dev.gantry.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.stack.Stack;
import dev.gantry.api.stack.StackStatus;
import dev.gantry.api.stack.StackStatus.ComponentPhase;
import dev.gantry.api.stack.StackStatus.ComponentStatus;
import dev.gantry.operator.runtime.GantryOperator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
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
 * The real-cluster tier for Stack, with examples/stack/hello as a user applies it: the CRD is
 * accepted, the components come up in order as the account the Stack names (impersonated, so the
 * API server's RBAC decides what it may make), the check Job reaches the web server through the
 * Service once it has a ready endpoint, an edit rolls the web server, a hand edit is put back, a
 * Stack whose account may not write is refused naming the grant, and deletion leaves nothing; real
 * pods' addresses reach what reads a component's members, and a preDelete Job runs before its
 * component goes; media servers scaled out and in run their join and leave Jobs once each, a
 * leaving one held until its leave ran.
 */
class StackClusterIT {
  static final String NS = "gantry-cluster-stack";
  static final Duration TIMEOUT = Duration.ofMinutes(3);
  static final String HOST = System.getProperty("gantry.cluster.webhookHost", "127.0.0.1");
  static RealCluster cluster;
  static GantryOperator operator;

  @BeforeAll
  static void start() throws Exception {
    cluster = RealCluster.withCrds();
    cluster.namespace(NS, Map.of());
    // The webhook server, registered by URL, answers the API server's review of each Stack.
    var options = cluster.withWebhook(cluster.operatorOptions(Set.of(), false, null), NS, HOST);
    operator = new GantryOperator(cluster.client, options, Clock.systemUTC()).start();
  }

  @AfterAll
  static void cleanUp() {
    if (operator != null) {
      // The operator still runs while the namespace goes: a Stack left behind by a failed test is
      // torn down, and the pods it holds are let go, rather than held with nobody to let them go.
      // A Stack a failed test left behind is torn down first (its Provisions destroyed: the
      // namespace guard refuses to delete a namespace that still holds one).
      cluster.client.resources(Stack.class).inNamespace(NS).delete();
      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () ->
                  cluster
                      .client
                      .resources(Stack.class)
                      .inNamespace(NS)
                      .list()
                      .getItems()
                      .isEmpty());
      cluster.deleteNamespace(NS, Duration.ofMinutes(2));
      operator.close();
      cluster.deleteStaticVolumes();
      cluster.client.close();
    }
  }

  /** The example's files, in this namespace, with the tier's image. */
  static List<HasMetadata> example(String file) throws Exception {
    return example("hello", file);
  }

  static List<HasMetadata> example(String example, String file) throws Exception {
    String yaml =
        Files.readString(Path.of("..", "examples", "stack", example, file))
            .replace("busybox:1.36", cluster.toolsImage);
    List<HasMetadata> items =
        cluster.client.load(new java.io.ByteArrayInputStream(yaml.getBytes())).items();
    items.forEach(i -> i.getMetadata().setNamespace(NS));
    return items;
  }

  @Test
  void theHelloExampleConvergesIsKeptAsDeclaredAndLeavesNothingWhenDeleted() throws Exception {
    for (HasMetadata item : example("service-account.yaml")) {
      cluster.client.resource(item).createOr(r -> r.update());
    }
    Stack hello =
        Serialization.unmarshal(Serialization.asYaml(example("stack.yaml").get(0)), Stack.class);
    cluster.client.resource(hello).create();

    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> phase("hello") == StackStatus.Phase.Ready);
    Stack ready = stack("hello");
    assertThat(ready.getStatus().readyComponents).isEqualTo("4/4");
    // The check Job fetched the page through the Service: it completed.
    var job = cluster.client.batch().v1().jobs().inNamespace(NS).withName("hello-check").get();
    assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
    // Made in order: the Service only once the web server was Ready, the Job after the Service.
    var web = deployment();
    var service = cluster.client.services().inNamespace(NS).withName("hello").get();
    assertThat(Serialization.asJson(service.getMetadata().getLabels()))
        .contains("\"gantry.dev/component\":\"service\"");
    assertThat(java.time.Instant.parse(service.getMetadata().getCreationTimestamp()))
        .isAfterOrEqualTo(java.time.Instant.parse(web.getMetadata().getCreationTimestamp()));
    assertThat(java.time.Instant.parse(job.getMetadata().getCreationTimestamp()))
        .isAfterOrEqualTo(java.time.Instant.parse(service.getMetadata().getCreationTimestamp()));

    // The network rule the API server accepted: web's pods take 8080 from check's pods only.
    var rule =
        cluster
            .client
            .network()
            .v1()
            .networkPolicies()
            .inNamespace(NS)
            .withName("hello-web-ingress")
            .get();
    assertThat(rule.getSpec().getIngress())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getPorts().get(0).getPort().getIntVal()).isEqualTo(8080);
              assertThat(
                      i.getFrom().get(0).getPodSelector().getMatchExpressions().get(0).getValues())
                  .containsExactly("check");
            });

    // An edit of the message rewrites the page, and the web server rolls because it reads it.
    long generation = web.getMetadata().getGeneration();
    cluster
        .client
        .resources(Stack.class)
        .inNamespace(NS)
        .withName("hello")
        .edit(
            s -> {
              s.getSpec().parameters.put("message", "hello again");
              return s;
            });
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                "hello again\n"
                    .equals(
                        cluster
                            .client
                            .configMaps()
                            .inNamespace(NS)
                            .withName("hello-page")
                            .get()
                            .getData()
                            .get("index.html")));
    await().atMost(TIMEOUT).until(() -> deployment().getMetadata().getGeneration() > generation);
    await().atMost(TIMEOUT).until(() -> phase("hello") == StackStatus.Phase.Ready);

    // Scaled by hand: put back as the Stack declares it.
    cluster.client.apps().deployments().inNamespace(NS).withName("hello-web").scale(2);
    await().atMost(TIMEOUT).until(() -> deployment().getSpec().getReplicas() == 1);

    cluster.client.resources(Stack.class).inNamespace(NS).withName("hello").delete();
    await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> stack("hello") == null);
    assertThat(cluster.client.apps().deployments().inNamespace(NS).withName("hello-web").get())
        .isNull();
    assertThat(cluster.client.configMaps().inNamespace(NS).withName("hello-page").get()).isNull();
    assertThat(cluster.client.services().inNamespace(NS).withName("hello").get()).isNull();
  }

  @Test
  void theApiServerRefusesAStackWithACycleNamingItThroughGantrysWebhook() {
    Stack cyclic =
        Serialization.unmarshal(
            """
            apiVersion: gantry.dev/v1alpha1
            kind: Stack
            metadata: {name: cyclic}
            spec:
              components:
              - name: a
                template:
                  apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: a}
                  data: {peer: "${components.b.metadata.name}"}
              - name: b
                template:
                  apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: b}
                  data: {peer: "${components.a.metadata.name}"}
            """,
            Stack.class);
    cyclic.getMetadata().setNamespace(NS);
    var refused =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            () -> cluster.client.resource(cyclic).create(),
            io.fabric8.kubernetes.client.KubernetesClientException.class);
    assertThat(refused).isNotNull();
    assertThat(refused.getCode()).isEqualTo(422);
    assertThat(refused.getMessage()).contains("validate.stacks.gantry.dev").contains("cycle");
    assertThat(stack("cyclic")).isNull();
  }

  @Test
  void aStackWhoseAccountMayNotWriteAKindFailsThatComponentNamingTheGrant() {
    Stack denied =
        Serialization.unmarshal(
            """
            apiVersion: gantry.dev/v1alpha1
            kind: Stack
            metadata: {name: denied}
            spec:
              components:
              - name: settings
                template:
                  apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: denied-settings}
                  data: {a: b}
            """,
            Stack.class);
    denied.getMetadata().setNamespace(NS);
    cluster.client.resource(denied).create();
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(() -> row("denied", "settings").phase == ComponentPhase.Failed);
    ComponentStatus row = row("denied", "settings");
    assertThat(row.reason).isEqualTo("Refused");
    assertThat(row.message)
        .contains("system:serviceaccount:" + NS + ":default")
        .contains("grant it create on configmaps");
    assertThat(cluster.client.configMaps().inNamespace(NS).withName("denied-settings").get())
        .isNull();
    cluster.client.resource(denied).delete();
    await().atMost(TIMEOUT).until(() -> stack("denied") == null);
  }

  @Test
  void membersReachWhatReadsThemAndAPreDeleteJobRunsBeforeItsComponentGoes() throws Exception {
    for (HasMetadata item : example("service-account.yaml")) {
      item.getMetadata().setName("members-stack");
      if (item instanceof io.fabric8.kubernetes.api.model.rbac.RoleBinding binding) {
        binding.getRoleRef().setName("members-stack");
        binding.getSubjects().get(0).setName("members-stack");
      }
      cluster.client.resource(item).createOr(r -> r.update());
    }
    Stack members =
        Serialization.unmarshal(
            """
            apiVersion: gantry.dev/v1alpha1
            kind: Stack
            metadata: {name: members}
            spec:
              serviceAccountName: members-stack
              networkPolicies: Disabled
              components:
              - name: media
                preDelete:
                  backoffLimit: 0
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                      - {name: unregister, image: %1$s, command: [sh, -c, "echo unregistering media"]}
                template:
                  apiVersion: apps/v1
                  kind: Deployment
                  metadata: {name: media}
                  spec:
                    replicas: 2
                    selector: {matchLabels: {app: media}}
                    template:
                      metadata: {labels: {app: media}}
                      spec:
                        containers:
                        - {name: media, image: %1$s, command: [sleep, "3600"]}
              - name: registry
                dependsOn: [media]
                template:
                  apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: registry}
                  data:
                    servers: "${components.media.members.map(m, m.address).join(',')}"
            """
                .formatted(cluster.toolsImage),
            Stack.class);
    members.getMetadata().setNamespace(NS);
    cluster.client.resource(members).create();
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> phase("members") == StackStatus.Phase.Ready);
    var pods =
        cluster
            .client
            .pods()
            .inNamespace(NS)
            .withLabel("gantry.dev/component", "media")
            .list()
            .getItems();
    java.util.List<String> ips =
        pods.stream().map(p -> p.getStatus().getPodIP()).filter(ip -> ip != null).sorted().toList();
    assertThat(ips).hasSize(2);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              String servers =
                  cluster
                      .client
                      .configMaps()
                      .inNamespace(NS)
                      .withName("registry")
                      .get()
                      .getData()
                      .get("servers");
              return java.util.Arrays.stream(servers.split(",")).sorted().toList().equals(ips);
            });

    // Deleted: registry goes first, then media's preDelete Job runs, then media goes with it.
    cluster.client.resource(members).delete();
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                cluster
                        .client
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(NS)
                        .withName("members-media-pre-delete")
                        .get()
                    != null);
    assertThat(cluster.client.configMaps().inNamespace(NS).withName("registry").get()).isNull();
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> stack("members") == null);
    assertThat(cluster.client.apps().deployments().inNamespace(NS).withName("media").get())
        .isNull();
  }

  @Test
  void mediaServersScaledOutAndInRunTheirJoinAndLeaveOnceEachAndALeavingOneIsHeld()
      throws Exception {
    for (HasMetadata item : example("service-account.yaml")) {
      item.getMetadata().setName("scaled-stack");
      if (item instanceof io.fabric8.kubernetes.api.model.rbac.RoleBinding binding) {
        binding.getRoleRef().setName("scaled-stack");
        binding.getSubjects().get(0).setName("scaled-stack");
      }
      cluster.client.resource(item).createOr(r -> r.update());
    }
    Stack scaled =
        Serialization.unmarshal(
            """
            apiVersion: gantry.dev/v1alpha1
            kind: Stack
            metadata: {name: scaled}
            spec:
              serviceAccountName: scaled-stack
              parameters: {replicas: 2}
              components:
              - name: scalelite
                template:
                  apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: scaled-scalelite}
                  data: {url: "http://scalelite"}
              - name: media
                ports: [{name: http, port: 8080}]
                memberLeaveTimeout: 2m
                onMemberJoin:
                  backoffLimit: 1
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                      - {name: add, image: %1$s, command: [sh, -c, "echo servers:add ${member.name} http://${member.address}:${string(member.ports.http)} to ${components.scalelite.data.url}"]}
                onMemberLeave:
                  backoffLimit: 1
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                      - {name: remove, image: %1$s, command: [sh, -c, "sleep 5; echo servers:remove ${member.name}"]}
                template:
                  apiVersion: apps/v1
                  kind: Deployment
                  metadata: {name: scaled-media}
                  spec:
                    replicas: ${parameters.replicas}
                    selector: {matchLabels: {app: scaled-media}}
                    template:
                      metadata: {labels: {app: scaled-media}}
                      spec:
                        terminationGracePeriodSeconds: 1
                        containers:
                        - name: media
                          image: %1$s
                          command: [sleep, "3600"]
                          ports: [{name: http, containerPort: 8080}]
            """
                .formatted(cluster.toolsImage),
            Stack.class);
    scaled.getMetadata().setNamespace(NS);
    cluster.client.resource(scaled).create();
    await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> joined("scaled") == 2);
    assertThat(phase("scaled")).isEqualTo(StackStatus.Phase.Ready);

    replicas("scaled", 3);
    await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> joined("scaled") == 3);
    // The join Jobs' own pods are no members, and each member joined once.
    assertThat(members("scaled")).allSatisfy(m -> assertThat(m.attempt).isEqualTo(1));
    for (var pod : mediaPods()) {
      assertThat(pod.getMetadata().getFinalizers()).contains("gantry.dev/member-leave");
    }

    replicas("scaled", 1);
    // The two pods the ReplicaSet deletes stay, held, while their leave Jobs run.
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                members("scaled").stream()
                        .filter(m -> m.state == StackStatus.MemberState.Leaving)
                        .count()
                    == 2);
    assertThat(mediaPods().stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null))
        .hasSize(2);
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> members("scaled").size() == 1 && mediaPods().size() == 1);
    var events =
        cluster.client.v1().events().inNamespace(NS).list().getItems().stream()
            .filter(e -> "scaled".equals(e.getInvolvedObject().getName()))
            .toList();
    assertThat(events.stream().filter(e -> "MemberJoined".equals(e.getReason()))).hasSize(3);
    assertThat(events.stream().filter(e -> "MemberLeft".equals(e.getReason()))).hasSize(2);

    // Deleted: the last member leaves before what its actions read goes; nothing is left.
    cluster.client.resource(scaled).delete();
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> stack("scaled") == null);
    assertThat(mediaPods()).isEmpty();
    assertThat(
            cluster.client.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
                .filter(j -> j.getMetadata().getName().startsWith("scaled-")))
        .isEmpty();
  }

  @Test
  void theBbbExampleConvergesAndItsMediaServersRegisterIntoScaleliteThenLeaveOnDelete()
      throws Exception {
    cluster.staticVolumeFor(NS, "bbb-infra-deliverables", "64Mi");
    for (HasMetadata item : example("bbb", "service-account.yaml")) {
      cluster.client.resource(item).createOr(r -> r.update());
    }
    Stack bbb =
        Serialization.unmarshal(
            Serialization.asYaml(example("bbb", "stack.yaml").get(0)), Stack.class);
    cluster.client.resource(bbb).create();
    await()
        .atMost(Duration.ofMinutes(6))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> phase("bbb") == StackStatus.Phase.Ready);
    // One media server per name the infrastructure's tool returned, each registered by its join.
    assertThat(row("bbb", "media").items)
        .extracting(i -> i.name + " " + i.phase)
        .containsExactly("bbb-media1 Ready", "bbb-media2 Ready");
    await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> joined("bbb") == 2);
    String scalelite =
        cluster
            .client
            .pods()
            .inNamespace(NS)
            .withLabel("app", "bbb-scalelite")
            .list()
            .getItems()
            .get(0)
            .getMetadata()
            .getName();
    String servers =
        exec(scalelite, "api", "wget", "-qO-", "http://localhost:8080/cgi-bin/servers");
    assertThat(servers.lines().sorted().toList())
        .hasSize(2)
        .allSatisfy(
            l ->
                assertThat(l)
                    .matches("bbb-media[12]-[a-z0-9-]+,http://[0-9.]+:8080/bigbluebutton/api"));
    // Made in the order of what they read: greenlight after the Services it reads had endpoints.
    var greenlight =
        cluster.client.apps().deployments().inNamespace(NS).withName("bbb-greenlight").get();
    var postgres = cluster.client.services().inNamespace(NS).withName("bbb-postgres").get();
    assertThat(java.time.Instant.parse(greenlight.getMetadata().getCreationTimestamp()))
        .isAfterOrEqualTo(java.time.Instant.parse(postgres.getMetadata().getCreationTimestamp()));
    // The network rules the API server accepted, one per component that runs pods.
    assertThat(
            cluster
                .client
                .network()
                .v1()
                .networkPolicies()
                .inNamespace(NS)
                .list()
                .getItems()
                .stream()
                .filter(p -> p.getMetadata().getName().startsWith("bbb-")))
        .hasSizeGreaterThanOrEqualTo(10);

    // Deleted: the media servers leave scalelite before it goes; the infrastructure goes last.
    cluster.client.resource(bbb).delete();
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> stack("bbb") == null);
    var events =
        cluster.client.v1().events().inNamespace(NS).list().getItems().stream()
            .filter(e -> "bbb".equals(e.getInvolvedObject().getName()))
            .toList();
    assertThat(events.stream().filter(e -> "MemberLeft".equals(e.getReason()))).hasSize(2);
    assertThat(
            cluster.client.apps().deployments().inNamespace(NS).list().getItems().stream()
                .filter(d -> d.getMetadata().getName().startsWith("bbb-")))
        .isEmpty();
  }

  /** Runs a command in a container and returns what it printed. */
  static String exec(String pod, String container, String... command) throws Exception {
    var out = new java.io.ByteArrayOutputStream();
    try (var watch =
        cluster
            .client
            .pods()
            .inNamespace(NS)
            .withName(pod)
            .inContainer(container)
            .writingOutput(out)
            .exec(command)) {
      watch.exitCode().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  static void replicas(String stack, int replicas) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              cluster
                  .client
                  .resources(Stack.class)
                  .inNamespace(NS)
                  .withName(stack)
                  .edit(
                      s -> {
                        s.getSpec().parameters.put("replicas", replicas);
                        return s;
                      });
              return true;
            });
  }

  static List<io.fabric8.kubernetes.api.model.Pod> mediaPods() {
    return cluster.client.pods().inNamespace(NS).withLabel("app", "scaled-media").list().getItems();
  }

  static List<StackStatus.MemberStatus> members(String stack) {
    Stack s = stack(stack);
    if (s == null || s.getStatus() == null || s.getStatus().components == null) {
      return List.of();
    }
    return s.getStatus().components.stream()
        .filter(c -> c.members != null)
        .flatMap(c -> c.members.stream())
        .toList();
  }

  static long joined(String stack) {
    return members(stack).stream().filter(m -> m.state == StackStatus.MemberState.Joined).count();
  }

  static Deployment deployment() {
    return cluster.client.apps().deployments().inNamespace(NS).withName("hello-web").get();
  }

  static Stack stack(String name) {
    return cluster.client.resources(Stack.class).inNamespace(NS).withName(name).get();
  }

  static StackStatus.Phase phase(String name) {
    Stack s = stack(name);
    return s == null || s.getStatus() == null ? null : s.getStatus().phase;
  }

  static ComponentStatus row(String stack, String component) {
    return stack(stack).getStatus().components.stream()
        .filter(c -> c.name.equals(component))
        .findFirst()
        .orElseThrow();
  }
}
