package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.provision.DriftDetectionSpec;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.operator.kube.Conditions;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.testing.OperatorHarness;
import dev.gantry.operator.testing.SettableClock;
import dev.gantry.operator.testing.SimulatedCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drift detection on the mock API server with the simulated cluster; the operator's clock is moved
 * past each interval, and a pod update stands for the timer that would wake it.
 */
@EnableKubernetesMockClient(crud = true)
class ProvisionDriftIT extends ProvisionSteps {
  @Override
  KubernetesClient client() {
    return client;
  }

  @Override
  SimulatedCluster cluster() {
    return cluster;
  }

  static final String SHA = "e".repeat(64);

  static KubernetesClient client;
  final SettableClock clock = new SettableClock();
  GantryOperator operator;
  SimulatedCluster cluster;

  @BeforeEach
  void start() throws Exception {
    OperatorHarness.installCrds(client);
    operator =
        OperatorHarness.start(
            client,
            -1,
            new ProvisionSettings(ProvisionSettings.DEFAULT_TOOLS_IMAGE, Duration.ofSeconds(1)),
            clock);
    cluster = new SimulatedCluster(client);
  }

  @AfterEach
  void stop() {
    operator.close();
  }

  @Test
  void aPeriodicPlanFindsDriftReportsItAndRemediationAppliesAgain() {
    Provision p = provision("watched", "10m", false);
    client.resource(p).create();
    Job apply = awaitJob("apply-watched");
    Pod pod = cluster.startPod(apply);
    cluster.containerExited(pod, "apply-watched", 0, "gantry-deliverables/v1 0\n");
    Provision ready = awaitPhase("watched", Phase.Ready);
    var drifted = Conditions.find(ready.getStatus().conditions, "Drifted").orElseThrow();
    assertThat(drifted.getReason()).isEqualTo("NotCheckedYet");
    assertThat(ready.getStatus().drift.nextCheckTime).isNotNull();
    assertThat(cluster.job(NS, "drift-watched")).as("not before the interval").isNull();

    // Past the interval: a plan run, never an apply.
    advance(Duration.ofMinutes(11));
    cluster.containerExited(pod, "deliverables", 0, null);
    Job check = awaitJob("drift-watched");
    assertThat(check.getMetadata().getAnnotations()).containsEntry("gantry.dev/run", "2");
    var tool = check.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(tool.getCommand()).contains("plan", "-detailed-exitcode").doesNotContain("apply");
    Pod checkPod = cluster.startPod(check);
    cluster.containerExited(
        checkPod,
        "drift-watched",
        0,
        "gantry-plan/v1 2 " + SHA + "\nPlan: 0 to add, 1 to change, 0 to destroy.\n");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var c =
                  Conditions.find(get("watched").getStatus().conditions, "Drifted").orElseThrow();
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getMessage()).contains("+0 ~1 -0", "run 1-2");
            });
    awaitEvent("Drifted");
    Provision afterCheck = get("watched");
    assertThat(afterCheck.getStatus().phase).isEqualTo(Phase.Ready);
    assertThat(afterCheck.getStatus().drift.run).isEqualTo("1-2");
    assertThat(cluster.job(NS, "apply-watched")).as("without remediate, no apply").isNotNull();
    assertThat(cluster.job(NS, "apply-watched").getMetadata().getUid())
        .isEqualTo(apply.getMetadata().getUid());

    // With remediate, the next check's drift applies the generation again.
    edit("watched", w -> w.getSpec().driftDetection.remediate = true);
    Job reapply = awaitNewJob("apply-watched", apply);
    assertThat(reapply.getMetadata().getAnnotations()).containsEntry("gantry.dev/generation", "2");
    Pod pod2 = cluster.startPod(reapply);
    cluster.containerExited(pod2, "apply-watched", 0, "gantry-deliverables/v1 0\n");
    awaitPhase("watched", Phase.Ready);
    advance(Duration.ofMinutes(11));
    cluster.containerExited(pod2, "deliverables", 0, null);
    Job check2 = awaitNewJob("drift-watched", check);
    Pod checkPod2 = cluster.startPod(check2);
    cluster.containerExited(
        checkPod2,
        "drift-watched",
        0,
        "gantry-plan/v1 2 " + SHA + "\nPlan: 1 to add, 0 to change, 0 to destroy.\n");
    Job remediation = awaitNewJob("apply-watched", reapply);
    assertThat(remediation.getMetadata().getAnnotations())
        .as("the same generation, applied again as the next run")
        .containsEntry("gantry.dev/generation", "2")
        .containsEntry("gantry.dev/run", "3");
  }

  @Test
  void anIntervalUnderAMinuteIsReportedNamingTheFieldAndNoCheckRuns() {
    client.resource(provision("hasty", "30s", false)).create();
    Job apply = awaitJob("apply-hasty");
    Pod pod = cluster.startPod(apply);
    cluster.containerExited(pod, "apply-hasty", 0, "gantry-deliverables/v1 0\n");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Provision p = get("hasty");
              var c = Conditions.find(p.getStatus().conditions, "Drifted").orElseThrow();
              assertThat(c.getReason()).isEqualTo("InvalidInterval");
              assertThat(c.getMessage()).contains("spec.driftDetection.interval 30s", "1m");
            });
    advance(Duration.ofMinutes(5));
    cluster.containerExited(pod, "deliverables", 0, null);
    assertThat(cluster.job(NS, "drift-hasty")).isNull();
  }

  void advance(Duration by) {
    clock.advance(by);
    cluster.advance(by);
  }

  static Provision provision(String name, String interval, boolean remediate) {
    Provision p = ProvisionLifecycleIT.provision(name, ProvisionLifecycleIT.inline("n = 1\n"));
    p.getSpec().driftDetection = new DriftDetectionSpec();
    p.getSpec().driftDetection.interval = interval;
    p.getSpec().driftDetection.remediate = remediate;
    return p;
  }
}
