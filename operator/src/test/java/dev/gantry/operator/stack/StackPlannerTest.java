package dev.gantry.operator.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.api.stack.Stack;
import dev.gantry.api.stack.StackStatus;
import dev.gantry.api.stack.StackStatus.ComponentPhase;
import dev.gantry.api.stack.StackStatus.ComponentStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The planner alone: what it writes and what the status says, for each situation. */
class StackPlannerTest {
  static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  static final String SPEC =
      """
      networkPolicies: Disabled
      parameters: {greeting: hello}
      components:
      - name: settings
        template:
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: settings}
          data: {greeting: "${parameters.greeting}"}
      - name: db
        timeout: 5m
        template:
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: db}
          spec:
            replicas: 1
            template: {spec: {containers: [{name: db, image: postgres:16}]}}
      - name: web
        template:
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web}
          spec:
            replicas: 1
            template:
              spec:
                containers:
                - name: web
                  image: nginx
                  env:
                  - {name: DB, value: "${components.db.metadata.name}"}
                  - {name: GREETING, value: "${components.settings.data.greeting}"}
      """;

  /** A Stack as the informer holds it, with the status of the previous pass. */
  static final class World {
    Stack stack;
    final Map<String, List<JsonNode>> children = new LinkedHashMap<>();
    final Map<String, String> secretProblems = new LinkedHashMap<>();
    Instant now = NOW;
    boolean namespaceTerminating;
    final Map<String, Integer> endpoints = new LinkedHashMap<>();
    final Map<String, List<JsonNode>> pods = new LinkedHashMap<>();
    final Map<String, String> kindProblems = new LinkedHashMap<>();
    int versions = 100;

    World(String spec) {
      stack = StackCompilerTest.stack(spec);
      stack.getMetadata().setUid("uid-1");
      stack.getMetadata().setGeneration(1L);
    }

    StackPlanner.Plan plan() {
      StackDefinition def = StackCompiler.compile(stack.getSpec(), "apps");
      StackObservation o =
          new StackObservation(
              stack,
              children,
              Map.of(),
              secretProblems,
              Map.of(),
              Set.of(),
              endpoints,
              kindProblems,
              Set.of(),
              pods,
              namespaceTerminating,
              now);
      return StackPlanner.plan(o, def);
    }

    /** Plans, then applies: creates and updates land (as the API server would store them). */
    StackPlanner.Plan pass() {
      StackPlanner.Plan plan = plan();
      List<StackActions.Outcome> outcomes = new ArrayList<>();
      for (StackAction a : plan.actions()) {
        if (a instanceof StackAction.PodFinalizer hold) {
          holdPod(a.component(), hold);
          continue;
        }
        List<JsonNode> objects = children.computeIfAbsent(a.component(), k -> new ArrayList<>());
        objects.removeIf(l -> sameObject(l, a.subject()));
        if (a instanceof StackAction.Create || a instanceof StackAction.Update) {
          JsonNode live = stored((ObjectNode) a.subject());
          objects.add(live);
          outcomes.add(
              new StackActions.Written(
                  a.component(),
                  live.path("kind").asText(),
                  live.path("metadata").path("name").asText(),
                  StackPlanner.version(live)));
        }
        if (objects.isEmpty()) {
          children.remove(a.component());
        }
      }
      stack.setStatus(StackStatuses.settle(stack, plan.status(), outcomes, now));
      return plan;
    }

    /**
     * As the API server: the finalizer put on or taken off; a pod held no more and deleted goes.
     */
    void holdPod(String component, StackAction.PodFinalizer hold) {
      List<JsonNode> list = pods.getOrDefault(component, new ArrayList<>());
      for (int i = 0; i < list.size(); i++) {
        ObjectNode pod = (ObjectNode) list.get(i);
        if (!pod.at("/metadata/name").asText().equals(hold.pod().at("/metadata/name").asText())) {
          continue;
        }
        var finalizers = pod.with("metadata").withArray("finalizers");
        for (int f = finalizers.size() - 1; f >= 0; f--) {
          if (finalizers.get(f).asText().equals(MemberLifecycle.FINALIZER)) {
            finalizers.remove(f);
          }
        }
        if (hold.hold()) {
          finalizers.add(MemberLifecycle.FINALIZER);
        } else if (pod.at("/metadata/deletionTimestamp").isTextual() && finalizers.isEmpty()) {
          list.remove(i);
        }
        return;
      }
    }

    static boolean sameObject(JsonNode a, JsonNode b) {
      return a.path("kind").asText().equals(b.path("kind").asText())
          && a.path("metadata").path("name").asText().equals(b.at("/metadata/name").asText());
    }

    /** A component's object of one kind. */
    ObjectNode object(String component, String kind) {
      return (ObjectNode)
          children.get(component).stream()
              .filter(l -> kind.equals(l.path("kind").asText()))
              .findFirst()
              .orElseThrow();
    }

    JsonNode stored(ObjectNode object) {
      ObjectNode copy = object.deepCopy();
      ObjectNode meta = copy.with("metadata");
      meta.put("resourceVersion", String.valueOf(++versions));
      if (copy.has("spec")) {
        // As the API server: kinds with a spec count generations; a ConfigMap has none.
        meta.put("generation", meta.path("generation").asLong(0) + 1);
      }
      return copy;
    }

    /** As the Deployment controller: all replicas up. */
    void rolledOut(String component) {
      ObjectNode live = object(component, "Deployment");
      ObjectNode status = live.putObject("status");
      status.put("observedGeneration", live.path("metadata").path("generation").asLong());
      status.put("replicas", 1).put("updatedReplicas", 1).put("availableReplicas", 1);
      live.with("metadata").put("resourceVersion", String.valueOf(++versions));
    }

    void stuck(String component) {
      ObjectNode live = object(component, "Deployment");
      ObjectNode status = live.putObject("status");
      status.put("observedGeneration", live.path("metadata").path("generation").asLong());
      status
          .putArray("conditions")
          .addObject()
          .put("type", "Progressing")
          .put("status", "False")
          .put("reason", "ProgressDeadlineExceeded")
          .put("message", "timed out");
    }

    ComponentStatus row(String name) {
      return stack.getStatus().components.stream()
          .filter(r -> r.name.equals(name))
          .findFirst()
          .orElseThrow();
    }

    void deleting() {
      stack.getMetadata().setDeletionTimestamp("2026-12-07T12:00:00Z");
    }
  }

  static List<String> writes(StackPlanner.Plan plan) {
    return plan.actions().stream()
        .map(a -> a.getClass().getSimpleName() + " " + a.component())
        .toList();
  }

  static List<String> writtenKinds(StackPlanner.Plan plan) {
    return plan.actions().stream()
        .map(
            a ->
                a.getClass().getSimpleName()
                    + " "
                    + a.subject().path("kind").asText()
                    + " "
                    + a.subject().at("/metadata/name").asText())
        .toList();
  }

  static final String NETWORK =
      """
      components:
      - name: db
        ports: [{name: sql, port: 5432}]
        template:
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: db}
          spec:
            replicas: 1
            template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: postgres:16}]}}
      - name: dbService
        dependsOn: [db]
        template:
          apiVersion: v1
          kind: Service
          metadata: {name: db}
          spec: {selector: {app: db}, ports: [{port: 5432}]}
      - name: web
        ports: [{port: 8080}]
        expose: public
        template:
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web}
          spec:
            replicas: 1
            template:
              spec:
                containers:
                - name: web
                  image: nginx
                  env: [{name: DB, value: "${components.dbService.service.host}"}]
      - name: batch
        template:
          apiVersion: batch/v1
          kind: Job
          metadata: {name: batch}
          spec: {template: {spec: {restartPolicy: Never, containers: [{name: b, image: busybox}]}}}
      """;

  static final String MEDIA =
      """
      networkPolicies: Disabled
      parameters:
        mediaServers: [{name: bbb1, secret: s1}, {name: bbb2, secret: s2}, {name: bbb3, secret: s3}]
      components:
      - name: media
        forEach: ${parameters.mediaServers}
        template:
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: "media-${each.name}"}
          data: {secret: "${each.secret}"}
      - name: registry
        template:
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: registry}
          data:
            servers: "${components.media.map(m, m.metadata.name).join(',')}"
      """;

  @Test
  void aCollectionMakesOneObjectPerItemAndWhatReadsItSeesThemAll() {
    World w = new World(MEDIA);
    StackPlanner.Plan plan = w.pass();
    assertThat(writtenKinds(plan))
        .containsExactly(
            "Create ConfigMap media-bbb1",
            "Create ConfigMap media-bbb2",
            "Create ConfigMap media-bbb3");
    assertThat(w.row("media").children).hasSize(3);
    StackPlanner.Plan next = w.pass();
    assertThat(writtenKinds(next)).containsExactly("Create ConfigMap registry");
    assertThat(((StackAction.Create) next.actions().get(0)).object().at("/data/servers").asText())
        .isEqualTo("media-bbb1,media-bbb2,media-bbb3");
  }

  @Test
  void anEscapedDollarBraceIsWrittenAsALiteralEvenInAStringWithNoExpression() {
    World w =
        new World(
            """
            components:
            - name: script
              template:
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: script}
                data:
                  plain: "echo $${QUERY_STRING#add=}"
                  mixed: "echo $${HOME} ${'x'}"
            """);
    JsonNode created = ((StackAction.Create) w.pass().actions().get(0)).object();
    assertThat(created.at("/data/plain").asText()).isEqualTo("echo ${QUERY_STRING#add=}");
    assertThat(created.at("/data/mixed").asText()).isEqualTo("echo ${HOME} x");
  }

  @Test
  void eachObjectOfACollectionHasItsOwnRowSayingWhereItStands() {
    World w =
        new World(
            """
            networkPolicies: Disabled
            parameters: {servers: [a, b]}
            components:
            - name: media
              forEach: ${parameters.servers}
              template:
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: "media-${each}"}
                spec: {replicas: 1, template: {spec: {containers: [{name: m, image: m}]}}}
            """);
    w.pass();
    w.pass();
    ObjectNode a =
        (ObjectNode)
            w.children.get("media").stream()
                .filter(l -> l.at("/metadata/name").asText().equals("media-a"))
                .findFirst()
                .orElseThrow();
    a.putObject("status")
        .put("observedGeneration", a.at("/metadata/generation").asLong())
        .put("replicas", 1)
        .put("updatedReplicas", 1)
        .put("availableReplicas", 1);
    w.pass();
    assertThat(w.row("media").items)
        .extracting(i -> i.name + " " + i.phase + " " + i.message)
        .containsExactly("media-a Ready null", "media-b Creating 0/1 replicas available");
    assertThat(w.row("media").message).isEqualTo("media-b: 0/1 replicas available");
  }

  @Test
  void removingAnItemDeletesExactlyItsObjectAndAddingOneCreatesOnlyIt() {
    World w = new World(MEDIA);
    w.pass();
    w.pass();
    var servers =
        (com.fasterxml.jackson.databind.node.ArrayNode)
            w.stack.getSpec().parameters.get("mediaServers");
    servers.remove(1);
    servers.addObject().put("name", "bbb4").put("secret", "s4");
    w.stack.getMetadata().setGeneration(2L);
    StackPlanner.Plan plan = w.pass();
    assertThat(writtenKinds(plan))
        .containsExactlyInAnyOrder("Delete ConfigMap media-bbb2", "Create ConfigMap media-bbb4");
    // registry reads the collection: rewritten once the collection is Ready again.
    assertThat(writtenKinds(w.pass())).containsExactly("Update ConfigMap registry");
  }

  @Test
  void anEmptyCollectionIsReadyWithNothingMade() {
    World w =
        new World(
            MEDIA.replace(
                "mediaServers: [{name: bbb1, secret: s1}, {name: bbb2, secret: s2}, {name: bbb3, secret: s3}]",
                "mediaServers: []"));
    w.pass();
    assertThat(w.row("media").phase).isEqualTo(ComponentPhase.Ready);
  }

  static final String DISCOVERY =
      """
      networkPolicies: Disabled
      components:
      - name: media
        template:
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: media}
          spec:
            replicas: 1
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
            servers: "${components.media.members.map(m, m.address + ':' + string(m.ports.http)).join(',')}"
      """;

  static JsonNode pod(String name, String ip, boolean ready) {
    return Serialization.unmarshal(
        """
        metadata:
          name: %s
          labels: {app: media, gantry.dev/stack: shop, gantry.dev/component: media}
        spec: {nodeName: n1, containers: [{name: bbb, ports: [{name: http, containerPort: 8080}]}]}
        status:
          podIP: %s
          conditions: [{type: Ready, status: "%s"}]
        """
            .formatted(name, ip, ready ? "True" : "False"),
        JsonNode.class);
  }

  @Test
  void aComponentsReadyPodsAreItsMembersAndWhatReadsThemFollowsThem() {
    World w = new World(DISCOVERY);
    w.pass();
    w.rolledOut("media");
    w.pods.put(
        "media",
        new ArrayList<>(
            List.of(pod("media-a", "10.0.0.1", true), pod("media-b", "10.0.0.2", false))));
    StackPlanner.Plan plan = w.pass();
    assertThat(writes(plan)).containsExactly("Create registry");
    assertThat(((StackAction.Create) plan.actions().get(0)).object().at("/data/servers").asText())
        .isEqualTo("10.0.0.1:8080");
    // One more becomes ready: the registry is written again with both.
    w.pods.get("media").set(1, pod("media-b", "10.0.0.2", true));
    StackPlanner.Plan joined = w.pass();
    assertThat(writes(joined)).containsExactly("Update registry");
    assertThat(((StackAction.Update) joined.actions().get(0)).object().at("/data/servers").asText())
        .isEqualTo("10.0.0.1:8080,10.0.0.2:8080");
    assertThat(writes(w.pass())).isEmpty();
  }

  @Test
  void aWorkloadsPodsAcceptOnlyItsPortsFromTheComponentsThatUseItThroughItsService() {
    World w = new World(NETWORK);
    StackPlanner.Plan plan = w.pass();
    assertThat(writtenKinds(plan))
        .contains(
            "Create Deployment db",
            "Create NetworkPolicy shop-db-ingress",
            "Create Job batch",
            "Create NetworkPolicy shop-batch-ingress");
    JsonNode policy = w.object("db", "NetworkPolicy");
    assertThat(policy.at("/spec/podSelector/matchLabels/gantry.dev~1component").asText())
        .isEqualTo("db");
    JsonNode rule = policy.at("/spec/ingress/0");
    assertThat(rule.at("/from/0/podSelector/matchExpressions/0/values").toString())
        .isEqualTo("[\"web\"]");
    assertThat(rule.at("/ports/0/port").asInt()).isEqualTo(5432);
    assertThat(policy.at("/spec/ingress").size()).isEqualTo(1);
    // The pods carry what the rule selects on.
    assertThat(
            w.object("db", "Deployment")
                .at("/spec/template/metadata/labels/gantry.dev~1component")
                .asText())
        .isEqualTo("db");
    // A component that declares no ports accepts nothing.
    assertThat(w.object("batch", "NetworkPolicy").at("/spec/ingress").size()).isZero();
  }

  @Test
  void aPublicComponentAcceptsItsPortsFromAnywhere() {
    World w = new World(NETWORK);
    w.pass();
    w.rolledOut("db");
    w.pass();
    w.endpoints.put("db", 1);
    w.pass();
    JsonNode policy = w.object("web", "NetworkPolicy");
    assertThat(policy.at("/spec/ingress").size()).isEqualTo(1);
    assertThat(policy.at("/spec/ingress/0").has("from")).isFalse();
    assertThat(policy.at("/spec/ingress/0/ports/0/port").asInt()).isEqualTo(8080);
  }

  @Test
  void turningNetworkPoliciesOffRemovesThem() {
    World w = new World(NETWORK);
    w.pass();
    w.stack.getSpec().networkPolicies = "Disabled";
    w.stack.getMetadata().setGeneration(2L);
    StackPlanner.Plan plan = w.pass();
    assertThat(writtenKinds(plan))
        .contains(
            "Delete NetworkPolicy shop-db-ingress", "Delete NetworkPolicy shop-batch-ingress");
    assertThat(writtenKinds(plan)).noneMatch(a -> a.contains("Deployment"));
  }

  @Test
  void portsOnAComponentThatRunsNoPodsAreRefused() {
    assertThat(
            StackCompilerTest.problems(
                NETWORK.replace(
                    "  dependsOn: [db]\n", "  dependsOn: [db]\n  ports: [{port: 5432}]\n")))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("spec.components[dbService].ports: "));
  }

  @Test
  void aFreshStackCreatesOnlyWhatDependsOnNothingAndTheRestWaitsSayingForWhat() {
    World w = new World(SPEC);
    StackPlanner.Plan plan = w.pass();
    assertThat(writes(plan)).containsExactly("Create settings", "Create db");
    assertThat(w.row("web").phase).isEqualTo(ComponentPhase.Pending);
    assertThat(w.row("web").message).startsWith("waiting for ").contains("db").contains("settings");
    assertThat(w.stack.getStatus().phase).isEqualTo(StackStatus.Phase.Progressing);
  }

  @Test
  void aComponentIsCreatedOnceWhatItReadsIsReadyWithTheValuesRead() {
    World w = new World(SPEC);
    w.pass();
    assertThat(writes(w.pass())).isEmpty();
    w.rolledOut("db");
    StackPlanner.Plan plan = w.pass();
    assertThat(writes(plan)).containsExactly("Create web");
    JsonNode env =
        ((StackAction.Create) plan.actions().get(0))
            .object()
            .at("/spec/template/spec/containers/0/env");
    assertThat(env.get(0).path("value").asText()).isEqualTo("db");
    assertThat(env.get(1).path("value").asText()).isEqualTo("hello");
    w.rolledOut("web");
    w.pass();
    assertThat(w.stack.getStatus().phase).isEqualTo(StackStatus.Phase.Ready);
    assertThat(w.stack.getStatus().readyComponents).isEqualTo("3/3");
  }

  @Test
  void aFailedComponentBlocksItsDependentsAndFailsTheStack() {
    World w = new World(SPEC);
    w.pass();
    w.stuck("db");
    StackPlanner.Plan plan = w.pass();
    assertThat(writes(plan)).isEmpty();
    assertThat(w.row("db").phase).isEqualTo(ComponentPhase.Failed);
    assertThat(w.row("web").phase).isEqualTo(ComponentPhase.Blocked);
    assertThat(w.row("web").message).contains("db failed").contains("rollout stuck");
    assertThat(w.stack.getStatus().phase).isEqualTo(StackStatus.Phase.Failed);
  }

  @Test
  void aComponentNotReadyWithinItsTimeoutFailsSayingHowLongItWaited() {
    World w = new World(SPEC);
    w.pass();
    w.now = NOW.plus(Duration.ofMinutes(4));
    StackPlanner.Plan plan = w.pass();
    assertThat(w.row("db").phase).isEqualTo(ComponentPhase.Creating);
    assertThat(plan.requeue()).contains(Duration.ofMinutes(1));
    w.now = NOW.plus(Duration.ofMinutes(5));
    w.pass();
    assertThat(w.row("db").phase).isEqualTo(ComponentPhase.Failed);
    assertThat(w.row("db").reason).isEqualTo("Timeout");
    assertThat(w.row("db").message).startsWith("not Ready within 5m: ");
  }

  @Test
  void anUnchangedStackWritesNothingAndAHandEditIsPutBack() {
    World w = new World(SPEC);
    w.pass();
    assertThat(writes(w.pass())).isEmpty();
    ObjectNode settings = w.object("settings", "ConfigMap");
    settings.with("data").put("greeting", "tampered");
    settings.with("metadata").put("resourceVersion", "999");
    StackPlanner.Plan plan = w.pass();
    assertThat(writes(plan)).containsExactly("Update settings");
    StackAction.Update update = (StackAction.Update) plan.actions().get(0);
    assertThat(update.reason()).contains("changed by hand");
    assertThat(update.object().at("/data/greeting").asText()).isEqualTo("hello");
    assertThat(update.object().at("/metadata/resourceVersion").asText()).isEqualTo("999");
  }

  @Test
  void aLabelEditedByHandIsPutBackThoughItMovesNoGeneration() {
    World w = new World(SPEC);
    w.pass();
    ObjectNode db = w.object("db", "Deployment");
    db.with("metadata").with("labels").put("gantry.dev/component", "other");
    db.with("metadata").put("resourceVersion", "999");
    StackPlanner.Plan plan = w.pass();
    assertThat(writes(plan)).containsExactly("Update db");
    assertThat(((StackAction.Update) plan.actions().get(0)).reason()).contains("labels");
  }

  @Test
  void aSpecValueTheServerNormalizedIsNotWrittenAgain() {
    World w = new World(SPEC);
    w.pass();
    ObjectNode db = w.object("db", "Deployment");
    // e.g. a quantity written as 0.5 read back as 500m: a new resourceVersion, the same generation
    db.with("spec").put("replicas", "1");
    db.with("metadata").put("resourceVersion", "999");
    assertThat(writes(w.pass())).isEmpty();
  }

  @Test
  void aFieldLeftToOthersIsSetAtCreationThenNeverWrittenAgain() {
    World w =
        new World(
            SPEC.replace(
                "- name: db\n  timeout: 5m\n",
                "- name: db\n  timeout: 5m\n  drift: {ignore: [spec.replicas]}\n"));
    w.pass();
    assertThat(w.object("db", "Deployment").at("/spec/replicas").asInt()).isEqualTo(1);
    // An autoscaler scales it: no drift.
    ObjectNode db = w.object("db", "Deployment");
    db.with("spec").put("replicas", 4);
    db.with("metadata").put("generation", 2).put("resourceVersion", "999");
    assertThat(writes(w.pass())).isEmpty();
    // The Stack changes the image: written, with the autoscaler's replicas kept.
    ((ObjectNode)
            w.stack.getSpec().components.stream()
                .filter(c -> c.name.equals("db"))
                .findFirst()
                .orElseThrow()
                .template
                .at("/spec/template/spec/containers/0"))
        .put("image", "postgres:17");
    w.stack.getMetadata().setGeneration(2L);
    StackPlanner.Plan plan = w.pass();
    assertThat(writes(plan)).containsExactly("Update db");
    JsonNode written = ((StackAction.Update) plan.actions().get(0)).object();
    assertThat(written.at("/spec/replicas").asInt()).isEqualTo(4);
    assertThat(written.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("postgres:17");
  }

  @Test
  void driftIgnoreOfGantrysOwnFieldsIsRefused() {
    assertThat(
            StackCompilerTest.problems(
                SPEC.replace(
                    "- name: db\n  timeout: 5m\n",
                    "- name: db\n  timeout: 5m\n  drift: {ignore: [metadata.labels, 'spec..x']}\n")))
        .anySatisfy(
            p -> assertThat(p).startsWith("spec.components[db].drift.ignore[0]: metadata.labels"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("spec.components[db].drift.ignore[1]: ")
                    .contains("not a dotted field path"));
  }

  @Test
  void aFieldOthersAddedIsLeftAloneAndNotCountedAsDrift() {
    World w = new World(SPEC);
    w.pass();
    ObjectNode settings = w.object("settings", "ConfigMap");
    settings.with("metadata").with("annotations").put("someone-else", "x");
    settings.with("metadata").put("resourceVersion", "999");
    assertThat(writes(w.pass())).isEmpty();
  }

  @Test
  void aChangedParameterRewritesOnlyTheComponentsThatReadIt() {
    World w = new World(SPEC);
    w.pass();
    w.rolledOut("db");
    w.pass();
    w.rolledOut("web");
    w.pass();
    w.stack.getSpec().parameters.put("greeting", "hi");
    w.stack.getMetadata().setGeneration(2L);
    StackPlanner.Plan plan = w.pass();
    // settings reads the parameter; web reads settings, so it follows once settings is written.
    assertThat(writes(plan)).containsExactly("Update settings");
    assertThat(((StackAction.Update) plan.actions().get(0)).reason())
        .isEqualTo("the Stack, or what it reads, changed");
    StackPlanner.Plan next = w.pass();
    assertThat(writes(next)).containsExactly("Update web");
    assertThat(
            ((StackAction.Update) next.actions().get(0))
                .object()
                .at("/spec/template/spec/containers/0/env/1/value")
                .asText())
        .isEqualTo("hi");
    assertThat(writes(w.pass())).isEmpty();
  }

  @Test
  void aComponentTakenOutOfTheSpecIsDeletedOnlyOnceWhatDependedOnItIsGone() {
    World w = new World(SPEC);
    w.pass();
    w.rolledOut("db");
    w.pass();
    w.stack.getSpec().components.removeIf(c -> c.name.equals("db"));
    w.stack.getSpec().components.removeIf(c -> c.name.equals("web"));
    StackPlanner.Plan plan = w.pass();
    assertThat(writes(plan)).containsExactly("Delete web");
    assertThat(w.row("db").phase).isEqualTo(ComponentPhase.Deleting);
    assertThat(w.row("db").message).contains("once web");
    assertThat(writes(w.pass())).containsExactly("Delete db");
  }

  @Test
  void teardownRunsInReverseOrderAndFinishesWhenNothingIsLeft() {
    World w = new World(SPEC);
    w.pass();
    w.rolledOut("db");
    w.pass();
    w.deleting();
    assertThat(writes(w.pass())).containsExactly("Delete web");
    assertThat(w.stack.getStatus().phase).isEqualTo(StackStatus.Phase.Deleting);
    StackPlanner.Plan second = w.pass();
    assertThat(writes(second)).containsExactlyInAnyOrder("Delete settings", "Delete db");
    assertThat(second.finished()).isFalse();
    assertThat(w.plan().finished()).isTrue();
  }

  @Test
  void aStackInANamespaceBeingDeletedLetsGoAtOnceForKubernetesDeletesItsChildren() {
    World w = new World(SPEC);
    w.pass();
    w.deleting();
    w.namespaceTerminating = true;
    StackPlanner.Plan plan = w.plan();
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.finished()).isTrue();
  }

  static final String WITH_HOOK =
      SPEC.replace(
          "- name: db\n  timeout: 5m\n",
          "- name: db\n  timeout: 5m\n  preDelete:\n    backoffLimit: 0\n    template:\n"
              + "      spec:\n        restartPolicy: Never\n"
              + "        containers: [{name: unregister, image: busybox, command: [echo, \"${parameters.greeting}\"]}]\n");

  void finish(World w, String component, String condition) {
    ObjectNode job = w.object(component, "Job");
    job.putObject("status")
        .putArray("conditions")
        .addObject()
        .put("type", condition)
        .put("status", "True")
        .put("reason", condition.equals("Failed") ? "BackoffLimitExceeded" : "Completed")
        .put("message", "done");
  }

  @Test
  void aPreDeleteJobRunsBeforeItsComponentGoesAndTheComponentGoesOnceItCompleted() {
    World w = new World(WITH_HOOK);
    w.pass();
    w.rolledOut("db");
    w.pass();
    w.deleting();
    assertThat(writes(w.pass())).containsExactly("Delete web");
    StackPlanner.Plan hook = w.pass();
    assertThat(writtenKinds(hook))
        .containsExactly("Delete ConfigMap settings", "Create Job shop-db-pre-delete");
    JsonNode job = ((StackAction.Create) hook.actions().get(1)).object();
    assertThat(job.at("/spec/template/spec/containers/0/command/1").asText()).isEqualTo("hello");
    assertThat(job.at("/metadata/annotations/gantry.dev~1hook").asText()).isEqualTo("pre-delete");
    assertThat(writes(w.pass())).isEmpty();
    assertThat(w.row("db").message).startsWith("waiting for its preDelete Job shop-db-pre-delete");
    finish(w, "db", "Complete");
    // The finished Job stays until the rest has gone, so it is never run a second time.
    assertThat(writtenKinds(w.pass())).containsExactly("Delete Deployment db");
    assertThat(writtenKinds(w.pass())).containsExactly("Delete Job shop-db-pre-delete");
    assertThat(w.plan().finished()).isTrue();
  }

  @Test
  void aPreDeleteJobThatFailedHoldsItsComponentSayingWhatToDo() {
    World w = new World(WITH_HOOK);
    w.pass();
    w.deleting();
    w.pass();
    w.pass();
    finish(w, "db", "Failed");
    assertThat(writes(w.pass())).isEmpty();
    assertThat(w.row("db").reason).isEqualTo("PreDeleteFailed");
    assertThat(w.row("db").message)
        .contains("Job shop-db-pre-delete failed")
        .contains("delete the Job to run it again");
  }

  @Test
  void aComponentStillGoingIsNotHookedAgain() {
    World w = new World(WITH_HOOK);
    w.pass();
    w.deleting();
    w.children.remove("web");
    w.children.remove("settings");
    // db's objects are already terminating (its hook ran and went): no new Job.
    ObjectNode db = w.object("db", "Deployment");
    db.with("metadata").put("deletionTimestamp", "2026-12-07T12:00:00Z");
    assertThat(writes(w.pass())).isEmpty();
  }

  @Test
  void aProvisionGoesLastButBeforeWhatItReads() {
    World w =
        new World(
            """
            networkPolicies: Disabled
            components:
            - name: creds
              template:
                apiVersion: v1
                kind: Secret
                metadata: {name: cloud-creds}
                stringData: {token: t}
            - name: infra
              provision:
                image: busybox
                variables: {secretRef: "${components.creds.metadata.name}"}
            - name: app
              template:
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: app}
                data: {a: b}
            """);
    w.pass();
    w.pass();
    assertThat(w.children).containsKeys("creds", "infra", "app");
    w.deleting();
    // app goes first (Provisions go last); creds waits for infra, which reads it.
    assertThat(writes(w.pass())).containsExactly("Delete app");
    assertThat(writes(w.pass())).containsExactly("Delete infra");
    assertThat(writes(w.pass())).containsExactly("Delete creds");
  }

  @Test
  void teardownDoesNotFinishWhileAKindCannotBeLookedAt() {
    World w = new World(SPEC);
    w.deleting();
    w.kindProblems.put("apps/v1 Deployment", "Gantry may not list deployments");
    assertThat(w.plan().finished()).isFalse();
    w.kindProblems.clear();
    assertThat(w.plan().finished()).isTrue();
  }

  @Test
  void aWriteThatDidNotHappenIsTriedAgain() {
    World w = new World(SPEC);
    w.pass();
    String written = w.row("settings").children.get(0).appliedHash;
    w.stack.getSpec().parameters.put("greeting", "hi");
    w.stack.getMetadata().setGeneration(2L);
    StackPlanner.Plan plan = w.plan();
    assertThat(writes(plan)).contains("Update settings");
    // The update met a conflict: no outcome. The status keeps what was last written...
    w.stack.setStatus(StackStatuses.settle(w.stack, plan.status(), List.of(), w.now));
    assertThat(w.row("settings").children.get(0).appliedHash).isEqualTo(written);
    // ...so the next pass writes it again.
    assertThat(writes(w.plan())).contains("Update settings");
  }

  @Test
  void anOrphanedComponentIsLetGoNotDeleted() {
    World w =
        new World(
            SPEC.replace("- name: settings\n", "- name: settings\n  deletionPolicy: Orphan\n"));
    w.pass();
    w.deleting();
    assertThat(writes(w.pass())).contains("Orphan settings");
  }

  @Test
  void aComponentLeftOutByIncludeWhenIsExcludedAndItsObjectRemoved() {
    World w =
        new World(
            SPEC.replace(
                    "parameters: {greeting: hello}", "parameters: {greeting: hello, cache: true}")
                .replace(
                    "- name: settings\n",
                    "- name: settings\n  includeWhen: ['${parameters.cache}']\n"));
    w.pass();
    assertThat(w.children).containsKey("settings");
    w.stack.getSpec().parameters.put("cache", false);
    w.stack.getMetadata().setGeneration(2L);
    StackPlanner.Plan plan = w.pass();
    assertThat(writes(plan)).contains("Delete settings");
    w.pass();
    assertThat(w.row("settings").phase).isEqualTo(ComponentPhase.Excluded);
    // What read it is left out with it.
    assertThat(w.row("web").phase).isEqualTo(ComponentPhase.Excluded);
    assertThat(w.row("web").message).contains("left out with settings");
  }

  @Test
  void anUnreadableSecretParameterFailsOnlyTheComponentsThatReadIt() {
    World w =
        new World(
            """
            secretParameters:
            - {name: password, secretKeyRef: {name: creds, key: pw}}
            components:
            - name: creds
              template:
                apiVersion: v1
                kind: Secret
                metadata: {name: app-creds}
                stringData: {password: "${secretParameters.password}"}
            - name: settings
              template:
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                data: {a: b}
            """);
    w.secretProblems.put("password", "Secret creds not found in namespace apps");
    StackPlanner.Plan plan = w.pass();
    assertThat(writes(plan)).containsExactly("Create settings");
    assertThat(w.row("creds").phase).isEqualTo(ComponentPhase.Failed);
    assertThat(w.row("creds").message)
        .contains("secretParameters.password: Secret creds not found");
  }

  @Test
  void anInvalidSpecCreatesNothingAndSaysWhy() {
    World w = new World(SPEC.replace("components.db.metadata", "components.nope.metadata"));
    StackPlanner.Plan plan = w.pass();
    assertThat(plan.actions()).isEmpty();
    assertThat(w.stack.getStatus().phase).isEqualTo(StackStatus.Phase.Failed);
    assertThat(w.stack.getStatus().conditions.get(0).getReason()).isEqualTo("InvalidSpec");
    assertThat(w.stack.getStatus().conditions.get(0).getMessage()).contains("spec.components[web]");
  }
}
