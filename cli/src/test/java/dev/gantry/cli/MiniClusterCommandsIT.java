package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.api.minicluster.MiniClusterStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class MiniClusterCommandsIT {
  static KubernetesClient client;
  static final String HELLO =
      Path.of("..", "examples", "minicluster", "hello-world.yaml").toString();

  @BeforeEach
  void crds() {
    for (var crd : Manifests.crds()) {
      client.resource(crd).createOr(r -> r.update());
    }
    client.resources(MiniCluster.class).inAnyNamespace().delete();
  }

  void status(String name, MiniClusterStatus.Phase phase, int ready, String message) {
    client
        .resources(MiniCluster.class)
        .inNamespace(client.getNamespace())
        .withName(name)
        .editStatus(
            m -> {
              MiniClusterStatus s = new MiniClusterStatus();
              s.phase = phase;
              s.observedGeneration = m.getMetadata().getGeneration();
              s.readyRanks = ready;
              s.size = 4;
              s.maximumSize = 4;
              s.hosts =
                  java.util.stream.IntStream.range(0, ready).mapToObj(i -> name + "-" + i).toList();
              s.conditions =
                  List.of(
                      new ConditionBuilder()
                          .withType("Ready")
                          .withStatus(phase == MiniClusterStatus.Phase.Running ? "True" : "False")
                          .withReason(phase.name())
                          .withMessage(message)
                          .withLastTransitionTime("2026-01-01T00:00:00Z")
                          .build());
              m.setStatus(s);
              return m;
            });
  }

  @Test
  void getAndDescribeShowRanksAndHosts() {
    assertThat(CliHarness.run(client, "apply", "-f", HELLO).out())
        .contains("minicluster.flux-framework.org/flux-sample created");
    status("flux-sample", MiniClusterStatus.Phase.Starting, 3, "3 of 4 ranks up");

    CliHarness get = CliHarness.run(client, "get", "miniclusters");
    assertThat(get.out()).containsPattern("flux-sample\\s+4\\s+3/4\\s+Starting");
    CliHarness wide = CliHarness.run(client, "get", "minicluster", "-o", "wide");
    assertThat(wide.out())
        .contains("flux-sample-0,flux-sample-1,flux-sample-2")
        .contains("3 of 4 ranks up");

    CliHarness describe = CliHarness.run(client, "describe", "minicluster/flux-sample");
    assertThat(describe.exitCode).as(describe.err()).isZero();
    assertThat(describe.out())
        .contains("Ranks:        3 of 4 up")
        .contains("Hosts:        flux-sample-0, flux-sample-1, flux-sample-2")
        .contains("Mode:         single command")
        .contains("echo hello world");
  }

  @Test
  void waitForReadyThenComplete() throws Exception {
    CliHarness.run(client, "apply", "-f", HELLO);
    status("flux-sample", MiniClusterStatus.Phase.Starting, 1, "1 of 4 ranks up");
    CliHarness waiting = new CliHarness();
    var ready =
        CliHarness.start(
            waiting, client, "wait", "minicluster/flux-sample", "--for=ready", "--timeout=20s");
    // It has read the Starting status once: the change below is one it waits through.
    await().atMost(Duration.ofSeconds(20)).until(() -> waiting.err().contains("1/4 ranks"));
    status("flux-sample", MiniClusterStatus.Phase.Running, 4, "all 4 ranks are up");
    assertThat(ready.get().exitCode).as(ready.get().err()).isZero();
    assertThat(ready.get().err()).contains("1/4 ranks");

    CliHarness completing = new CliHarness();
    var complete =
        CliHarness.start(
            completing,
            client,
            "wait",
            "minicluster/flux-sample",
            "--for=complete",
            "--timeout=20s");
    await().atMost(Duration.ofSeconds(20)).until(() -> !completing.err().isEmpty());
    status("flux-sample", MiniClusterStatus.Phase.Succeeded, 0, "the cluster's job completed");
    assertThat(complete.get().exitCode).as(complete.get().err()).isZero();
    assertThat(complete.get().out()).contains("minicluster/flux-sample is complete");
  }

  @Test
  void waitForCompleteFailsWhenTheJobFailed() {
    CliHarness.run(client, "apply", "-f", HELLO);
    status("flux-sample", MiniClusterStatus.Phase.Failed, 0, "the Job failed: DeadlineExceeded");
    CliHarness result =
        CliHarness.run(
            client, "wait", "minicluster/flux-sample", "--for=complete", "--timeout=10s");
    assertThat(result.exitCode).isEqualTo(1);
    assertThat(result.err()).contains("will not be complete").contains("DeadlineExceeded");
  }

  @Test
  void completeIsNotAProvisionCondition() {
    CliHarness result = CliHarness.run(client, "wait", "provision/x", "--for=complete");
    assertThat(result.exitCode).isEqualTo(1);
    assertThat(result.err())
        .contains("--for=complete is not supported for provisions")
        .contains("--for=ready");
  }

  @Test
  void logsNameTheLeaderWhenItHasNoPod() {
    CliHarness.run(client, "apply", "-f", HELLO);
    CliHarness result = CliHarness.run(client, "logs", "minicluster/flux-sample");
    assertThat(result.exitCode).isEqualTo(1);
    assertThat(result.err()).contains("no pod of the leader of flux-sample");
  }
}
