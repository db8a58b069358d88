package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.stack.Stack;
import dev.gantry.api.stack.StackStatus;
import dev.gantry.api.stack.StackStatus.ChildReference;
import dev.gantry.api.stack.StackStatus.ComponentPhase;
import dev.gantry.api.stack.StackStatus.ComponentStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class StackCommandsIT {
  static KubernetesClient client;
  static final String HELLO = Path.of("..", "examples", "stack", "hello", "stack.yaml").toString();

  @BeforeEach
  void crds() {
    for (var crd : Manifests.crds()) {
      client.resource(crd).createOr(r -> r.update());
    }
    client.resources(Stack.class).inAnyNamespace().delete();
  }

  static ComponentStatus row(String name, ComponentPhase phase, String reason, String message) {
    ComponentStatus r = new ComponentStatus();
    r.name = name;
    r.phase = phase;
    r.reason = reason;
    r.message = message;
    r.lastTransitionTime = "2026-01-01T00:00:00Z";
    return r;
  }

  void progressing() {
    client
        .resources(Stack.class)
        .inNamespace(client.getNamespace())
        .withName("hello")
        .editStatus(
            s -> {
              StackStatus status = new StackStatus();
              status.observedGeneration = s.getMetadata().getGeneration();
              status.phase = StackStatus.Phase.Progressing;
              status.readyComponents = "2/4";
              ComponentStatus page = row("page", ComponentPhase.Ready, "Ready", null);
              ChildReference cm = new ChildReference();
              cm.apiVersion = "v1";
              cm.kind = "ConfigMap";
              cm.name = "hello-page";
              page.children = List.of(cm);
              ComponentStatus check =
                  row(
                      "check",
                      ComponentPhase.Pending,
                      "WaitingForDependencies",
                      "waiting for service: no ready endpoints");
              check.dependsOn = List.of("service");
              ComponentStatus web = row("web", ComponentPhase.Ready, "Ready", null);
              StackStatus.MemberStatus member = new StackStatus.MemberStatus();
              member.name = "hello-web-7d9f";
              member.address = "10.0.0.5";
              member.state = StackStatus.MemberState.ActionFailed;
              member.attempt = 2;
              member.message = "onMemberJoin Job hello-web-member-join-1 failed";
              member.lastTransitionTime = "2026-01-01T00:00:00Z";
              web.members = List.of(member);
              StackStatus.ItemStatus item = new StackStatus.ItemStatus();
              item.name = "hello-web-b";
              item.phase = ComponentPhase.Creating;
              item.message = "0/1 replicas available";
              web.items = List.of(item);
              status.components =
                  List.of(
                      page,
                      web,
                      row("service", ComponentPhase.Creating, "NotReady", "no ready endpoints"),
                      check);
              status.conditions =
                  List.of(
                      new ConditionBuilder()
                          .withType("Ready")
                          .withStatus("False")
                          .withReason("Progressing")
                          .withMessage("service creating (no ready endpoints)")
                          .withLastTransitionTime("2026-01-01T00:00:00Z")
                          .build());
              s.setStatus(status);
              return s;
            });
  }

  @Test
  void getAndDescribeShowEachComponentAndWhatItWaitsFor() {
    assertThat(CliHarness.run(client, "apply", "-f", HELLO).out())
        .contains("stack.gantry.dev/hello created");
    progressing();

    assertThat(CliHarness.run(client, "get", "stacks").out())
        .containsPattern("hello\\s+2/4\\s+Progressing");
    assertThat(CliHarness.run(client, "get", "stk", "-o", "wide").out())
        .contains("service creating (no ready endpoints)");

    CliHarness describe = CliHarness.run(client, "describe", "stack/hello");
    assertThat(describe.exitCode).as(describe.err()).isZero();
    assertThat(describe.out())
        .contains("Writes as:       ServiceAccount hello-stack")
        .containsPattern("page\\s+Ready\\s+Ready\\s+\\S+\\s+-\\s+ConfigMap/hello-page")
        .containsPattern(
            "check\\s+Pending\\s+WaitingForDependencies\\s+\\S+\\s+service\\s+-\\s+waiting for service: no ready endpoints")
        .contains("Collections:")
        .containsPattern("web\\s+hello-web-b\\s+Creating\\s+0/1 replicas available")
        .contains("Members:")
        .containsPattern(
            "web\\s+hello-web-7d9f\\s+10.0.0.5\\s+ActionFailed \\(run 2\\)\\s+\\S+\\s+onMemberJoin Job");
  }

  @Test
  void aStackThatFailedEndsTheWaitSayingWhy() {
    CliHarness.run(client, "apply", "-f", HELLO);
    client
        .resources(Stack.class)
        .inNamespace(client.getNamespace())
        .withName("hello")
        .editStatus(
            s -> {
              StackStatus status = new StackStatus();
              status.observedGeneration = s.getMetadata().getGeneration();
              status.phase = StackStatus.Phase.Failed;
              status.readyComponents = "1/4";
              status.conditions =
                  List.of(
                      new ConditionBuilder()
                          .withType("Ready")
                          .withStatus("False")
                          .withReason("ComponentFailed")
                          .withMessage("web failed (rollout stuck)")
                          .withLastTransitionTime("2026-01-01T00:00:00Z")
                          .build());
              s.setStatus(status);
              return s;
            });
    CliHarness wait =
        CliHarness.run(client, "wait", "stack/hello", "--for=ready", "--timeout", "10s");
    assertThat(wait.exitCode).isNotZero();
    assertThat(wait.err() + wait.out()).contains("web failed (rollout stuck)");
  }

  @Test
  void graphDrawsTheComponentsWithWhereEachStands() {
    CliHarness.run(client, "apply", "-f", HELLO);
    progressing();
    CliHarness text = CliHarness.run(client, "stack", "graph", "stack/hello");
    assertThat(text.exitCode).as(text.err()).isZero();
    assertThat(text.out())
        .contains("page [Ready]")
        .contains("check [Pending] <- service   waiting for service: no ready endpoints");
    CliHarness dot = CliHarness.run(client, "stack", "graph", "hello", "--dot");
    assertThat(dot.out())
        .startsWith("digraph \"hello\" {")
        .contains("\"service\" -> \"check\";")
        .contains("\"page\" [fillcolor=palegreen");
  }
}
