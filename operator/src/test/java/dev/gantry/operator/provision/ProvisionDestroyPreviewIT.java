package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.provision.DestroySpec;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.testing.OperatorHarness;
import dev.gantry.operator.testing.SimulatedCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Destroy previews and spec.destroy.retain on the mock API server with the simulated cluster. */
@EnableKubernetesMockClient(crud = true)
class ProvisionDestroyPreviewIT extends ProvisionSteps {
  @Override
  KubernetesClient client() {
    return client;
  }

  @Override
  SimulatedCluster cluster() {
    return cluster;
  }

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
  void aPreviewRequestRunsOnceTheApplyEndedAndListsWhatIsDestroyedAndWhatKept() {
    Provision p = ProvisionLifecycleIT.provision("kept", ProvisionLifecycleIT.inline("n = 1\n"));
    p.getSpec().destroy = new DestroySpec();
    p.getSpec().destroy.retain = List.of("module.rancher");
    client.resource(p).create();
    Job apply = awaitJob("apply-kept");
    Pod pod = cluster.startPod(apply);

    request("kept", "t1");
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                get("kept").getStatus().destroyPreview != null
                    && "Waiting".equals(get("kept").getStatus().destroyPreview.phase));
    assertThat(cluster.job(NS, "preview-kept")).as("not while the apply runs").isNull();

    cluster.containerExited(pod, "apply-kept", 0, "gantry-deliverables/v1 0\n");
    Job preview = awaitJob("preview-kept");
    assertThat(preview.getMetadata().getAnnotations())
        .containsEntry("gantry.dev/destroy-preview", "t1")
        .containsEntry("gantry.dev/run", "2");
    var tool = preview.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(tool.getEnv())
        .anyMatch(e -> e.getName().equals("GANTRY_RETAIN") && e.getValue().equals("module.rancher"))
        .anyMatch(e -> e.getName().equals("GANTRY_RUN") && e.getValue().equals("preview"));
    Pod previewPod = cluster.startPod(preview);
    cluster.containerExited(
        previewPod,
        "preview-kept",
        0,
        "gantry-preview/v1\n# gantry: kept: module.rancher.helm_release.rancher\n"
            + "  # module.nodes.vsphere_vm.node[0] will be destroyed\n"
            + "Plan: 0 to add, 0 to change, 1 to destroy.\n");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var status = get("kept").getStatus().destroyPreview;
              assertThat(status.phase).isEqualTo("Succeeded");
              assertThat(status.destroy).containsExactly("module.nodes.vsphere_vm.node[0]");
              assertThat(status.kept).containsExactly("module.rancher.helm_release.rancher");
              assertThat(status.run).isEqualTo("1-2");
            });
    assertThat(get("kept").getStatus().phase).isEqualTo(Phase.Ready);

    // The destroy forgets the retained addresses first.
    cluster.containerExited(pod, "deliverables", 0, null);
    cluster.jobSucceeded(apply);
    cluster.jobSucceeded(preview);
    client.resource(get("kept")).delete();
    Job destroy = awaitJob("destroy-kept");
    assertThat(destroy.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anyMatch(
            e -> e.getName().equals("GANTRY_RETAIN") && e.getValue().equals("module.rancher"));
    assertThat(cluster.job(NS, "preview-kept"))
        .as("the preview Job goes before the destroy")
        .isNull();
  }

  void request(String name, String token) {
    client
        .resources(Provision.class)
        .inNamespace(NS)
        .withName(name)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"gantry.dev/destroy-preview\":\"" + token + "\"}}}");
  }
}
