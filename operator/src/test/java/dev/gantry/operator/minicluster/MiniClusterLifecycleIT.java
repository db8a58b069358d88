package dev.gantry.operator.minicluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.api.minicluster.MiniClusterStatus.Phase;
import dev.gantry.operator.kube.Conditions;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.testing.OperatorHarness;
import dev.gantry.operator.testing.SimulatedCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class MiniClusterLifecycleIT {
  static final String NS = "default";
  static final Duration TIMEOUT = Duration.ofSeconds(20);
  static KubernetesClient client;
  GantryOperator operator;
  SimulatedCluster cluster;

  @BeforeEach
  void start() throws Exception {
    OperatorHarness.installCrds(client);
    operator = OperatorHarness.start(client, -1);
    cluster = new SimulatedCluster(client);
  }

  @AfterEach
  void stop() {
    operator.close();
  }

  static MiniCluster fromYaml(String yaml) {
    MiniCluster mc = Serialization.unmarshal(yaml, MiniCluster.class);
    mc.getMetadata().setNamespace(NS);
    return mc;
  }

  static MiniCluster hello(String name, String extraSpec) {
    return fromYaml(
        """
        apiVersion: flux-framework.org/v1alpha2
        kind: MiniCluster
        metadata:
          name: %s
        spec:
          size: 4
          logging:
            quiet: true
          containers:
            - image: ubuntu:noble
              command: echo hello world
        %s
        """
            .formatted(name, extraSpec.indent(2)));
  }

  MiniCluster get(String name) {
    return client.resources(MiniCluster.class).inNamespace(NS).withName(name).get();
  }

  void edit(String name, Consumer<MiniCluster> change) {
    client
        .resources(MiniCluster.class)
        .inNamespace(NS)
        .withName(name)
        .edit(
            m -> {
              change.accept(m);
              return m;
            });
  }

  /**
   * A condition of a MiniCluster; an AssertionError (so awaits retry) while it is not there yet.
   */
  io.fabric8.kubernetes.api.model.Condition condition(String name, String type) {
    MiniCluster m = get(name);
    if (m == null || m.getStatus() == null) {
      throw new AssertionError(name + " has no status yet");
    }
    return Conditions.find(m.getStatus().conditions, type)
        .orElseThrow(() -> new AssertionError(name + " has no condition " + type + " yet"));
  }

  Job awaitJob(String name) {
    await().atMost(TIMEOUT).until(() -> cluster.job(NS, name) != null);
    return cluster.job(NS, name);
  }

  MiniCluster awaitPhase(String name, Phase phase) {
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              MiniCluster m = get(name);
              return m != null && m.getStatus() != null && m.getStatus().phase == phase;
            });
    return get(name);
  }

  List<Pod> startRanks(Job job, int from, int to) {
    List<Pod> pods = new ArrayList<>();
    for (int i = from; i < to; i++) {
      pods.add(cluster.startRank(job, i));
    }
    return pods;
  }

  @Test
  void helloWorldMakesItsObjectsIsReadyOnlyWhenAllRanksRunAndSucceedsWithTheLeader() {
    client.resource(hello("flux-sample", "")).create();

    Job job = awaitJob("flux-sample");
    assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(job.getSpec().getCompletions()).isEqualTo(4);
    assertThat(job.getSpec().getParallelism()).isEqualTo(4);
    assertThat(job.getSpec().getTemplate().getSpec().getSubdomain()).isEqualTo("flux-sample");
    var service = client.services().inNamespace(NS).withName("flux-sample").get();
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getPublishNotReadyAddresses()).isTrue();
    var configMap = client.configMaps().inNamespace(NS).withName("flux-sample-entrypoint").get();
    assertThat(configMap.getData()).containsKeys("wait-0", "flux-init");
    assertThat(configMap.getData().get("flux-init")).contains("flux-sample-[0-3]");
    assertThat(client.secrets().inNamespace(NS).withName("flux-sample-curve").get().getData())
        .containsKey("curve.cert");

    // Objects exist but no pod runs: not ready (the Flux Operator said Ready here).
    MiniCluster starting = awaitPhase("flux-sample", Phase.Starting);
    assertThat(Conditions.isTrue(starting.getStatus().conditions, "Ready")).isFalse();
    assertThat(Conditions.isTrue(starting.getStatus().conditions, "JobRequested")).isTrue();
    assertThat(Conditions.isTrue(starting.getStatus().conditions, "JobWaitingForResources"))
        .isTrue();
    assertThat(starting.getStatus().selector).isEqualTo("hpa-selector=flux-sample");
    assertThat(starting.getStatus().maximumSize).isEqualTo(4);

    List<Pod> ranks = startRanks(job, 0, 3);
    await().atMost(TIMEOUT).until(() -> get("flux-sample").getStatus().readyRanks == 3);
    assertThat(get("flux-sample").getStatus().phase).isEqualTo(Phase.Starting);
    ranks.add(cluster.startRank(job, 3));

    MiniCluster running = awaitPhase("flux-sample", Phase.Running);
    assertThat(running.getStatus().readyRanks).isEqualTo(4);
    assertThat(running.getStatus().hosts)
        .containsExactly("flux-sample-0", "flux-sample-1", "flux-sample-2", "flux-sample-3");
    assertThat(Conditions.isTrue(running.getStatus().conditions, "Ready")).isTrue();
    assertThat(Conditions.isTrue(running.getStatus().conditions, "JobMiniClusterReady")).isTrue();
    assertThat(Conditions.isTrue(running.getStatus().conditions, "JobRunning")).isTrue();
    assertThat(Conditions.isTrue(running.getStatus().conditions, "JobWaitingForResources"))
        .isFalse();

    ranks.forEach(p -> cluster.podFinished(p, 0));
    cluster.jobSucceeded(job);
    MiniCluster done = awaitPhase("flux-sample", Phase.Succeeded);
    assertThat(done.getStatus().leaderExitCode).isZero();
    assertThat(Conditions.isTrue(done.getStatus().conditions, "JobFinished")).isTrue();
    assertThat(Conditions.isTrue(done.getStatus().conditions, "Ready")).isFalse();
  }

  @Test
  void unschedulableRanksAreNamedWhileStarting() {
    client.resource(hello("pending", "")).create();
    Job job = awaitJob("pending");
    startRanks(job, 0, 3);
    Pod stuck = cluster.startRank(job, 3);
    cluster.unschedulable(stuck, "0/3 nodes are available: 3 Insufficient cpu.");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(condition("pending", "Ready").getMessage())
                    .contains("3 of 4 ranks up")
                    .contains("Unschedulable")
                    .contains("Insufficient cpu"));
  }

  @Test
  void resizesWithinMaxSizeWithoutRecreatingTheJobAndRefusesBeyondIt() {
    client.resource(hello("elastic", "maxSize: 8")).create();
    Job job = awaitJob("elastic");
    String uid = job.getMetadata().getUid();
    awaitPhase("elastic", Phase.Starting);
    assertThat(
            client
                .configMaps()
                .inNamespace(NS)
                .withName("elastic-entrypoint")
                .get()
                .getData()
                .get("flux-init"))
        .contains("elastic-[0-7]");

    edit("elastic", m -> m.getSpec().size = 6);
    await().atMost(TIMEOUT).until(() -> cluster.job(NS, "elastic").getSpec().getParallelism() == 6);
    Job resized = cluster.job(NS, "elastic");
    assertThat(resized.getMetadata().getUid()).isEqualTo(uid);
    assertThat(resized.getSpec().getCompletions()).isEqualTo(6);
    await().atMost(TIMEOUT).until(() -> Integer.valueOf(6).equals(get("elastic").getStatus().size));

    edit("elastic", m -> m.getSpec().size = 2);
    await().atMost(TIMEOUT).until(() -> cluster.job(NS, "elastic").getSpec().getParallelism() == 2);
    await()
        .atMost(TIMEOUT)
        .until(() -> Conditions.isTrue(get("elastic").getStatus().conditions, "SizeAccepted"));
  }

  @Test
  void growingBeyondTheSizeTheBrokerWasStartedWithIsRefusedAndReported() {
    client.resource(hello("fixed", "")).create();
    awaitJob("fixed");
    await()
        .atMost(TIMEOUT)
        .until(() -> get("fixed").getStatus() != null && get("fixed").getStatus().maximumSize == 4);

    edit("fixed", m -> m.getSpec().size = 6);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var accepted = Conditions.find(get("fixed").getStatus().conditions, "SizeAccepted");
              assertThat(accepted).isPresent();
              assertThat(accepted.get().getStatus()).isEqualTo("False");
              assertThat(accepted.get().getReason()).isEqualTo("AboveMaximumSize");
              assertThat(accepted.get().getMessage())
                  .contains("spec.size 6")
                  .contains("maximum size 4")
                  .contains("maxSize");
            });
    assertThat(cluster.job(NS, "fixed").getSpec().getParallelism()).isEqualTo(4);
    assertThat(get("fixed").getStatus().size).isEqualTo(4);
  }

  @Test
  void deletedOrEditedChildrenAreRestored() {
    client.resource(hello("kept", "")).create();
    Job job = awaitJob("kept");
    awaitPhase("kept", Phase.Starting);
    String certBefore =
        client.secrets().inNamespace(NS).withName("kept-curve").get().getData().get("curve.cert");

    client.configMaps().inNamespace(NS).withName("kept-entrypoint").delete();
    await()
        .atMost(TIMEOUT)
        .until(() -> client.configMaps().inNamespace(NS).withName("kept-entrypoint").get() != null);

    client
        .configMaps()
        .inNamespace(NS)
        .withName("kept-entrypoint")
        .edit(
            c -> {
              c.getData().put("wait-0", "echo tampered");
              return c;
            });
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                !client
                    .configMaps()
                    .inNamespace(NS)
                    .withName("kept-entrypoint")
                    .get()
                    .getData()
                    .get("wait-0")
                    .equals("echo tampered"));

    client
        .services()
        .inNamespace(NS)
        .withName("kept")
        .edit(
            s -> {
              s.getSpec().setSelector(Map.of("app", "other"));
              return s;
            });
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client
                    .services()
                    .inNamespace(NS)
                    .withName("kept")
                    .get()
                    .getSpec()
                    .getSelector()
                    .containsKey("gantry.dev/minicluster"));

    client.batch().v1().jobs().inNamespace(NS).withName("kept").delete();
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              Job j = cluster.job(NS, "kept");
              return j != null && !j.getMetadata().getUid().equals(job.getMetadata().getUid());
            });
    assertThat(
            client
                .secrets()
                .inNamespace(NS)
                .withName("kept-curve")
                .get()
                .getData()
                .get("curve.cert"))
        .as("the key pair survives")
        .isEqualTo(certBefore);

    // Its labels and owner edited away (out of the informer's sight): put back, the key kept.
    var curve = client.secrets().inNamespace(NS).withName("kept-curve");
    curve.edit(
        s -> {
          s.getMetadata().setLabels(java.util.Map.of("team", "hpc"));
          s.getMetadata().setOwnerReferences(null);
          return s;
        });
    client.configMaps().inNamespace(NS).withName("kept-entrypoint").delete(); // an event
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var s = curve.get();
              assertThat(s.getMetadata().getLabels())
                  .containsEntry("gantry.dev/minicluster", "kept");
              assertThat(s.getMetadata().getOwnerReferences()).hasSize(1);
              assertThat(s.getData().get("curve.cert")).isEqualTo(certBefore);
            });
  }

  @Test
  void interactiveClusterStaysReadyWithAllRanksUp() {
    client
        .resource(
            fromYaml(
                """
        apiVersion: flux-framework.org/v1alpha2
        kind: MiniCluster
        metadata:
          name: persistent
        spec:
          size: 2
          interactive: true
          containers:
            - image: rockylinux:9
        """))
        .create();
    Job job = awaitJob("persistent");
    startRanks(job, 0, 2);
    MiniCluster ready = awaitPhase("persistent", Phase.Ready);
    assertThat(Conditions.isTrue(ready.getStatus().conditions, "Ready")).isTrue();
    assertThat(
            client
                .configMaps()
                .inNamespace(NS)
                .withName("persistent-entrypoint")
                .get()
                .getData()
                .get("wait-0"))
        .contains("flux broker --config-path")
        .contains("-Sbroker.rc2_none");
  }

  @Test
  void invalidSpecIsReportedAndNothingIsMade() {
    client
        .resource(
            fromYaml(
                """
        apiVersion: flux-framework.org/v1alpha2
        kind: MiniCluster
        metadata:
          name: twobrokers
        spec:
          size: 2
          containers:
            - image: ubuntu:noble
              runFlux: true
            - image: ubuntu:noble
              name: second
              runFlux: true
        """))
        .create();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var ready = condition("twobrokers", "Ready");
              assertThat(ready.getReason()).isEqualTo("InvalidSpec");
              assertThat(ready.getMessage())
                  .contains("spec.containers")
                  .contains("exactly one must run Flux");
            });
    assertThat(cluster.job(NS, "twobrokers")).isNull();
    assertThat(client.configMaps().inNamespace(NS).withName("twobrokers-entrypoint").get())
        .isNull();
  }

  @Test
  void unsupportedFieldsAreReportedNotIgnored() {
    client.resource(hello("burst", "services:\n  - image: nginx\n    name: web\n")).create();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var supported = condition("burst", "Supported");
              assertThat(supported.getStatus()).isEqualTo("False");
              assertThat(supported.getMessage()).contains("spec.services");
            });
  }

  @Test
  void cleanupDeletesTheMiniClusterWhenTheLeaderFinishes() {
    client.resource(hello("tidy", "cleanup: true")).create();
    Job job = awaitJob("tidy");
    List<Pod> ranks = startRanks(job, 0, 4);
    awaitPhase("tidy", Phase.Running);
    cluster.podFinished(ranks.get(0), 0);
    await().atMost(TIMEOUT).until(() -> get("tidy") == null);
  }
}
