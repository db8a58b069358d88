package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionSpec;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.operator.kube.Conditions;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.testing.OperatorHarness;
import dev.gantry.operator.testing.SimulatedCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Manual approval on the mock API server with the simulated cluster. */
@EnableKubernetesMockClient(crud = true)
class ProvisionApprovalIT extends ProvisionSteps {
  @Override
  KubernetesClient client() {
    return client;
  }

  @Override
  SimulatedCluster cluster() {
    return cluster;
  }

  static final String SHA_1 = "1".repeat(64);
  static final String SHA_2 = "2".repeat(64);

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

  @Test
  void planAwaitsApprovalThenTheApplyRunsThatPlanAndStaleOrUnknownApprovalsAreRefused() {
    Provision p = ProvisionLifecycleIT.provision("gated", ProvisionLifecycleIT.inline("n = 1\n"));
    p.getSpec().approval = ProvisionSpec.Approval.manual;
    client.resource(p).create();

    // Generation 1 is planned, not applied.
    Job plan = awaitJob("plan-gated");
    assertThat(awaitPhase("gated", Phase.Planning).getStatus().run.type).isEqualTo("plan");
    assertThat(cluster.job(NS, "apply-gated")).isNull();
    Pod planPod = cluster.startPod(plan);
    cluster.containerExited(
        planPod, "plan-gated", 0, planMessage(SHA_1, "Plan: 2 to add, 0 to change, 0 to destroy."));
    cluster.jobSucceeded(plan);

    Provision waiting = awaitPhase("gated", Phase.AwaitingApproval);
    assertThat(waiting.getStatus().plan.id).isEqualTo("1-1");
    assertThat(waiting.getStatus().plan.summary).isEqualTo("+2 ~0 -0");
    assertThat(waiting.getStatus().plan.sha256).isEqualTo(SHA_1);
    assertThat(waiting.getStatus().plan.text).isEqualTo("plans/1-1.txt");
    var approved = Conditions.find(waiting.getStatus().conditions, "Approved").orElseThrow();
    assertThat(approved.getReason()).isEqualTo("AwaitingApproval");
    assertThat(approved.getMessage()).contains("gantry approve provision/gated");
    awaitEvent("AwaitingApproval");

    // An approval of a plan that is not the one awaiting is refused, and says so.
    approve("gated", "9-9");
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                "ApprovalNotForThisPlan"
                    .equals(
                        Conditions.find(get("gated").getStatus().conditions, "Approved")
                            .orElseThrow()
                            .getReason()));
    awaitEvent("ApprovalRefused");
    assertThat(cluster.job(NS, "apply-gated")).isNull();

    // Approving plan 1-1 applies exactly it.
    approve("gated", "1-1");
    Job apply = awaitJob("apply-gated");
    assertThat(apply.getMetadata().getAnnotations())
        .containsEntry("gantry.dev/plan", "1-1")
        .containsEntry("gantry.dev/run", "2");
    assertThat(apply.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anyMatch(e -> e.getName().equals("GANTRY_PLAN_SHA256") && e.getValue().equals(SHA_1));
    await().atMost(TIMEOUT).until(() -> cluster.job(NS, "plan-gated") == null);
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                get("gated").getMetadata().getAnnotations() == null
                    || !get("gated")
                        .getMetadata()
                        .getAnnotations()
                        .containsKey(Provision.APPROVED_PLAN_ANNOTATION));
    Provision applying = awaitPhase("gated", Phase.Applying);
    assertThat(applying.getStatus().plan.approved).isTrue();
    assertThat(Conditions.isTrue(applying.getStatus().conditions, "Approved")).isTrue();
    Pod applyPod = cluster.startPod(apply);
    cluster.containerExited(applyPod, "apply-gated", 0, "gantry-deliverables/v1 0\n");
    awaitPhase("gated", Phase.Ready);
    cluster.containerExited(applyPod, "deliverables", 0, null);
    cluster.jobSucceeded(apply);

    // Generation 2: planned anew; the approval of generation 1's plan does not apply it.
    edit("gated", g -> g.getSpec().variables.inline = "n = 2\n");
    Job plan2 = awaitNewJob("plan-gated", plan);
    assertThat(plan2.getMetadata().getAnnotations()).containsEntry("gantry.dev/generation", "2");
    Pod planPod2 = cluster.startPod(plan2);
    cluster.containerExited(
        planPod2,
        "plan-gated",
        0,
        planMessage(SHA_2, "Plan: 0 to add, 1 to change, 0 to destroy."));
    assertThat(awaitPhase("gated", Phase.AwaitingApproval).getStatus().plan.id).isEqualTo("2-1");
    approve("gated", "1-1");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        Conditions.find(get("gated").getStatus().conditions, "Approved")
                            .orElseThrow()
                            .getMessage())
                    .contains("gantry.dev/approved-plan=1-1", "2-1", "generation 2"));
    assertThat(cluster.job(NS, "apply-gated")).as("generation 1's apply Job was removed").isNull();
    approve("gated", "2-1");
    Job apply2 = awaitJob("apply-gated");
    assertThat(apply2.getMetadata().getAnnotations()).containsEntry("gantry.dev/plan", "2-1");
  }

  @Test
  void aPlanRunThatWroteNoPlanFileFailsSayingWhere() {
    Provision p = ProvisionLifecycleIT.provision("noplan", ProvisionLifecycleIT.inline("n = 1\n"));
    p.getSpec().approval = ProvisionSpec.Approval.manual;
    p.getSpec().plan = new dev.gantry.api.provision.RunSpec();
    p.getSpec().plan.command = java.util.List.of("/bin/plan.sh");
    client.resource(p).create();
    Job plan = awaitJob("plan-noplan");
    Pod pod = cluster.startPod(plan);
    cluster.containerExited(pod, "plan-noplan", 0, "gantry-plan/v1 0 -\nNo changes.");
    Provision failed = awaitPhase("noplan", Phase.Failed);
    var applied = Conditions.find(failed.getStatus().conditions, "Applied").orElseThrow();
    assertThat(applied.getReason()).isEqualTo("PlanFailed");
    assertThat(applied.getMessage()).contains("-out=$(GANTRY_PLAN_FILE)", "spec.plan");
    assertThat(cluster.job(NS, "apply-noplan")).isNull();
  }

  static String planMessage(String sha, String summary) {
    return "gantry-plan/v1 2 " + sha + "\n" + summary + "\n";
  }

  void approve(String name, String plan) {
    edit(
        name,
        p -> {
          var annotations = new java.util.HashMap<String, String>();
          if (p.getMetadata().getAnnotations() != null) {
            annotations.putAll(p.getMetadata().getAnnotations());
          }
          annotations.put(Provision.APPROVED_PLAN_ANNOTATION, plan);
          p.getMetadata().setAnnotations(annotations);
        });
  }
}
