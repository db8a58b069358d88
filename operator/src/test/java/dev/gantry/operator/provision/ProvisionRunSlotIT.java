package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One run on a Provision's volume at a time, whatever its kind: a run that is due while another
 * runs waits, and status says for which Job.
 */
@EnableKubernetesMockClient(crud = true)
class ProvisionRunSlotIT extends ProvisionSteps {
  static final String SHA = "e".repeat(64);
  static KubernetesClient client;
  final SettableClock clock = new SettableClock();
  GantryOperator operator;
  SimulatedCluster cluster;

  @Override
  KubernetesClient client() {
    return client;
  }

  @Override
  SimulatedCluster cluster() {
    return cluster;
  }

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
  void aNewGenerationWaitsForARunningDriftCheckAndSaysWhich() {
    client.resource(ProvisionDriftIT.provision("slot-drift", "10m", false)).create();
    Job apply = awaitJob("apply-slot-drift");
    Pod pod = cluster.startPod(apply);
    cluster.containerExited(pod, "apply-slot-drift", 0, "gantry-deliverables/v1 0\n");
    awaitPhase("slot-drift", Phase.Ready);
    clock.advance(Duration.ofMinutes(11));
    cluster.advance(Duration.ofMinutes(11));
    cluster.containerExited(pod, "deliverables", 0, null);
    Job check = awaitJob("drift-slot-drift");
    Pod checkPod = cluster.startPod(check);

    edit("slot-drift", p -> p.getSpec().variables.inline = "n = 2\n");
    awaitWaitingFor("slot-drift", "drift-slot-drift");
    assertThat(runJobsOfGeneration("slot-drift", 2)).as("nothing of generation 2 starts").isEmpty();

    cluster.containerExited(
        checkPod, "drift-slot-drift", 0, "gantry-plan/v1 0 " + SHA + "\nNo changes.\n");
    Job second = awaitNewJob("apply-slot-drift", apply);
    assertThat(second.getMetadata().getAnnotations()).containsEntry("gantry.dev/generation", "2");
  }

  @Test
  void anApplyWaitsForARunningDestroyPreview() {
    client
        .resource(
            ProvisionLifecycleIT.provision("slot-preview", ProvisionLifecycleIT.inline("n = 1\n")))
        .create();
    Job apply = awaitJob("apply-slot-preview");
    Pod pod = cluster.startPod(apply);
    cluster.containerExited(pod, "apply-slot-preview", 0, "gantry-deliverables/v1 0\n");
    awaitPhase("slot-preview", Phase.Ready);
    requestPreview("slot-preview", "t1");
    Job preview = awaitJob("preview-slot-preview");
    Pod previewPod = cluster.startPod(preview);

    edit("slot-preview", p -> p.getSpec().variables.inline = "n = 2\n");
    awaitWaitingFor("slot-preview", "preview-slot-preview");
    assertThat(runJobsOfGeneration("slot-preview", 2)).as("no apply beside the preview").isEmpty();

    cluster.containerExited(previewPod, "preview-slot-preview", 0, "gantry-preview/v1\n");
    Job second = awaitNewJob("apply-slot-preview", apply);
    assertThat(second.getMetadata().getAnnotations()).containsEntry("gantry.dev/generation", "2");
  }

  @Test
  void anApprovalPlanWaitsForARunningDriftCheck() {
    Provision p = ProvisionDriftIT.provision("slot-plan", "10m", false);
    p.getSpec().approval = dev.gantry.api.provision.ProvisionSpec.Approval.manual;
    client.resource(p).create();
    Job plan = awaitJob("plan-slot-plan");
    Pod planPod = cluster.startPod(plan);
    cluster.containerExited(
        planPod,
        "plan-slot-plan",
        0,
        "gantry-plan/v1 2 " + SHA + "\nPlan: 1 to add, 0 to change, 0 to destroy.\n");
    Provision awaiting = awaitPhase("slot-plan", Phase.AwaitingApproval);
    approve("slot-plan", awaiting.getStatus().plan.id);
    Job apply = awaitJob("apply-slot-plan");
    Pod pod = cluster.startPod(apply);
    cluster.containerExited(pod, "apply-slot-plan", 0, "gantry-deliverables/v1 0\n");
    awaitPhase("slot-plan", Phase.Ready);
    clock.advance(Duration.ofMinutes(11));
    cluster.advance(Duration.ofMinutes(11));
    cluster.containerExited(pod, "deliverables", 0, null);
    Job check = awaitJob("drift-slot-plan");
    Pod checkPod = cluster.startPod(check);

    edit("slot-plan", q -> q.getSpec().variables.inline = "n = 2\n");
    awaitWaitingFor("slot-plan", "drift-slot-plan");
    assertThat(runJobsOfGeneration("slot-plan", 2))
        .as("the plan of generation 2 waits, so the check cannot remove its plan file")
        .isEmpty();

    cluster.containerExited(
        checkPod, "drift-slot-plan", 0, "gantry-plan/v1 0 " + SHA + "\nNo changes.\n");
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                cluster.job(NS, "plan-slot-plan") != null
                    && "2"
                        .equals(
                            cluster
                                .job(NS, "plan-slot-plan")
                                .getMetadata()
                                .getAnnotations()
                                .get("gantry.dev/generation")));
  }

  /** The Applied condition names the Job the next run waits for. */
  private void awaitWaitingFor(String name, String job) {
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Provision p = get(name);
              assertThat(p.getStatus().observedGeneration).isEqualTo(2L);
              var applied = Conditions.find(p.getStatus().conditions, "Applied").orElseThrow();
              assertThat(applied.getReason()).isEqualTo("WaitingForRun");
              assertThat(applied.getMessage()).contains("Job " + job);
            });
  }

  private Stream<Job> runJobsOfGeneration(String name, long generation) {
    return client.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
        .filter(j -> j.getMetadata().getName().endsWith("-" + name))
        .filter(
            j ->
                String.valueOf(generation)
                    .equals(
                        j.getMetadata().getAnnotations() == null
                            ? null
                            : j.getMetadata().getAnnotations().get("gantry.dev/generation")));
  }

  private void requestPreview(String name, String token) {
    client
        .resources(Provision.class)
        .inNamespace(NS)
        .withName(name)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"gantry.dev/destroy-preview\":\"" + token + "\"}}}");
  }

  private void approve(String name, String plan) {
    edit(
        name,
        p -> {
          var annotations =
              p.getMetadata().getAnnotations() == null
                  ? new java.util.HashMap<String, String>()
                  : new java.util.HashMap<>(p.getMetadata().getAnnotations());
          annotations.put(Provision.APPROVED_PLAN_ANNOTATION, plan);
          p.getMetadata().setAnnotations(Map.copyOf(annotations));
        });
  }
}
