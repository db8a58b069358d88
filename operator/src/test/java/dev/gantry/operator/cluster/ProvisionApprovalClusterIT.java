package dev.gantry.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.provision.DriftDetectionSpec;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.operator.kube.Conditions;
import dev.gantry.operator.provision.DeliverablesFetchPod;
import dev.gantry.operator.runtime.GantryOperator;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real-cluster tier for Provision part 2, with the approval example: a real plan Job, an
 * approval, the apply of exactly that plan, outputs read by exec into the real sidecar, run logs
 * read off the volume after their pods are gone, a drift check, and the destroy.
 */
class ProvisionApprovalClusterIT {
  static final String NS = "gantry-cluster-approval";
  static RealCluster cluster;
  static GantryOperator operator;

  @BeforeAll
  static void start() throws Exception {
    cluster = RealCluster.withCrds();
    if (cluster == null) {
      return;
    }
    cluster.namespace(NS, Map.of());
    operator =
        new GantryOperator(
                cluster.client, cluster.operatorOptions(Set.of(), false, null), Clock.systemUTC())
            .start();
  }

  @AfterAll
  static void cleanUp() {
    if (operator != null) {
      // Provisions first, while the operator runs: a terminating namespace takes no destroy Job.
      var provisions = cluster.client.resources(Provision.class).inNamespace(NS);
      provisions.delete();
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> provisions.list().getItems().isEmpty());
      cluster.deleteNamespace(NS, Duration.ofMinutes(3));
      operator.close();
      cluster.deleteStaticVolumes();
      cluster.client.close();
    }
  }

  @Test
  void planAwaitsApprovalAppliesThatPlanPublishesOutputsKeepsLogsChecksDriftAndDestroys()
      throws Exception {
    Provision gated;
    try (var in =
        new FileInputStream(
            Path.of("..", "examples", "provision", "approval", "provision.yaml").toFile())) {
      gated = cluster.client.resources(Provision.class).load(in).item();
    }
    gated.getMetadata().setNamespace(NS);
    gated.getSpec().driftDetection = new DriftDetectionSpec();
    gated.getSpec().driftDetection.interval = "1m";
    // For the destroy preview: no Terraform in the busybox image, so the apply leaves a stand-in
    // for its state commands and a state of addresses on the volume.
    gated.getSpec().env =
        java.util.List.of(
            new io.fabric8.kubernetes.api.model.EnvVar(
                "GANTRY_TERRAFORM", "/deliverables/bin/terraform", null));
    gated.getSpec().destroy.retain = java.util.List.of("module.kept");
    java.util.List<String> applyCommand = new java.util.ArrayList<>(gated.getSpec().apply.command);
    applyCommand.set(
        2,
        "mkdir -p /deliverables/bin\n"
            + "cat > /deliverables/bin/terraform <<'TF'\n"
            + dev.gantry.operator.testing.FakeTerraform.script("/bin/sh")
            + "TF\n"
            + "chmod +x /deliverables/bin/terraform\n"
            + "printf 'module.nodes.vm.node[0]\\nmodule.kept.helm_release.rancher\\n' >"
            + " /deliverables/terraform.tfstate\n"
            + applyCommand.get(2));
    gated.getSpec().apply.command = applyCommand;
    cluster.staticVolumeFor(NS, "gated-deliverables", "64Mi");
    cluster.client.resource(gated).create();
    var resource = cluster.client.resources(Provision.class).inNamespace(NS).withName("gated");

    Provision waiting = awaitPhase(resource, Phase.AwaitingApproval, Duration.ofMinutes(3));
    assertThat(waiting.getStatus().plan.sha256).hasSize(64);
    assertThat(cluster.client.batch().v1().jobs().inNamespace(NS).withName("apply-gated").get())
        .as("nothing is applied before the approval")
        .isNull();
    String planId = waiting.getStatus().plan.id;

    resource.patch(
        PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\""
            + Provision.APPROVED_PLAN_ANNOTATION
            + "\":\""
            + planId
            + "\"}}}");
    Provision ready = awaitPhase(resource, Phase.Ready, Duration.ofMinutes(3));
    assertThat(ready.getStatus().plan.approved).isTrue();
    var apply = cluster.client.batch().v1().jobs().inNamespace(NS).withName("apply-gated").get();
    assertThat(apply.getMetadata().getAnnotations()).containsEntry("gantry.dev/plan", planId);

    // The outputs, read by exec into the real sidecar, in the Secret; only checksums in status.
    var secret = cluster.client.secrets().inNamespace(NS).withName("gated-outputs").get();
    assertThat(secret.getData()).containsKeys("cluster_url", "node_count", "kubeconfig");
    assertThat(decode(secret.getData().get("cluster_url")))
        .isEqualTo("https://gated.example.invalid:6443");
    assertThat(ready.getStatus().outputs.items).extracting(i -> i.name).contains("kubeconfig");

    // The plan's log, read off the volume through a fetch pod once its pod is gone.
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                cluster
                    .client
                    .pods()
                    .inNamespace(NS)
                    .withLabel("job-name", "plan-gated")
                    .list()
                    .getItems()
                    .isEmpty());
    assertThat(readFromVolume(resource.get(), "runs/" + planId + ".log"))
        .contains("# gantry: plan run " + planId, "to add")
        .contains("# gantry: exit code 2");

    // A drift check a minute after the apply: a plan, never an apply, and nothing has drifted.
    await()
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                Conditions.find(resource.get().getStatus().conditions, "Drifted")
                    .filter(c -> "NoDrift".equals(c.getReason()))
                    .isPresent());
    assertThat(cluster.client.batch().v1().jobs().inNamespace(NS).withName("apply-gated").get())
        .extracting(j -> j.getMetadata().getUid())
        .isEqualTo(apply.getMetadata().getUid());

    // What a delete would destroy and keep, planned in a real Job on a copy of the state.
    resource.patch(
        PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\""
            + Provision.DESTROY_PREVIEW_ANNOTATION
            + "\":\"t1\"}}}");
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              var preview = resource.get().getStatus().destroyPreview;
              return preview != null
                  && "t1".equals(preview.token)
                  && ("Succeeded".equals(preview.phase) || "Failed".equals(preview.phase));
            });
    var preview = resource.get().getStatus().destroyPreview;
    assertThat(preview.phase).as(preview.message).isEqualTo("Succeeded");
    assertThat(preview.kept).containsExactly("module.kept.helm_release.rancher");
    assertThat(preview.destroy).containsExactly("module.nodes.vm.node[0]");
    assertThat(readFromVolume(resource.get(), "terraform.tfstate"))
        .as("the preview changed nothing of the real state")
        .contains("module.kept.helm_release.rancher");

    resource.delete();
    await()
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> resource.get() == null);
    assertThat(cluster.client.secrets().inNamespace(NS).withName("gated-outputs").get()).isNull();
  }

  static Provision awaitPhase(
      io.fabric8.kubernetes.client.dsl.Resource<Provision> resource, Phase phase, Duration limit) {
    await()
        .atMost(limit)
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              Provision p = resource.get();
              assertThat(p.getStatus() == null ? null : p.getStatus().phase)
                  .as("phase of gated: %s", p.getStatus())
                  .isNotEqualTo(Phase.Failed);
              return p.getStatus() != null && p.getStatus().phase == phase;
            });
    return resource.get();
  }

  /** What gantry logs --run does: a read-only pod on the claim, and cat through exec. */
  static String readFromVolume(Provision p, String path) throws Exception {
    var pod = DeliverablesFetchPod.desired(p, cluster.toolsImage);
    pod.getSpec().getContainers().get(0).setImagePullPolicy(cluster.pullPolicy);
    var pods = cluster.client.pods().inNamespace(NS);
    pods.resource(pod).create();
    try {
      pods.withName(pod.getMetadata().getName())
          .waitUntilCondition(
              x -> x != null && x.getStatus() != null && "Running".equals(x.getStatus().getPhase()),
              2,
              TimeUnit.MINUTES);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (var watch =
          pods.withName(pod.getMetadata().getName())
              .inContainer(DeliverablesFetchPod.CONTAINER)
              .redirectingOutput()
              .exec("cat", "/deliverables/" + path)) {
        watch.getOutput().transferTo(out);
        watch.exitCode().get(1, TimeUnit.MINUTES);
      }
      return out.toString(StandardCharsets.UTF_8);
    } finally {
      pods.withName(pod.getMetadata().getName()).delete();
    }
  }

  static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
