package dev.gantry.operator.minicluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.minicluster.MiniCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.FileInputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Flux Operator manifests parse into Gantry's types and give the documented objects. */
class MiniClusterManifestsTest {
  static MiniCluster load(String path) throws Exception {
    try (var in = new FileInputStream(Path.of(path).toFile())) {
      MiniCluster mc = Serialization.unmarshal(in, MiniCluster.class);
      mc.getMetadata().setNamespace("default");
      mc.getMetadata().setUid("uid-" + mc.getMetadata().getName());
      return mc;
    }
  }

  static MiniCluster example(String name) throws Exception {
    return load("../examples/minicluster/" + name);
  }

  static MiniCluster fluxOperator(String name) throws Exception {
    return load("src/test/resources/minicluster/" + name);
  }

  static String runner(MiniCluster mc) {
    ConfigMap cm = MiniClusterObjects.entrypoint(mc, mc.getSpec().maxSizeOrDefault());
    return cm.getData().get("wait-" + EntrypointScripts.runnerIndexes(mc).get(0));
  }

  @Test
  void helloWorldSubmitsEchoOnceOverFourRanks() throws Exception {
    MiniCluster mc = example("hello-world.yaml");
    assertThat(SpecCheck.problems(mc)).isEmpty();
    Job job = RankJob.desired(mc, 4);
    assertThat(job.getMetadata().getName()).isEqualTo("flux-sample");
    assertThat(job.getSpec().getCompletions()).isEqualTo(4);
    assertThat(job.getSpec().getParallelism()).isEqualTo(4);
    assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(100);
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(31_500_000L);
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getSubdomain()).isEqualTo("flux-sample");
    assertThat(pod.getSetHostnameAsFQDN()).isFalse();
    assertThat(pod.getRestartPolicy()).isEqualTo("OnFailure");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getInitContainers())
        .singleElement()
        .satisfies(
            init -> {
              assertThat(init.getName()).isEqualTo("flux-view");
              assertThat(init.getImage())
                  .isEqualTo("ghcr.io/converged-computing/flux-view-ubuntu:tag-noble");
              assertThat(init.getCommand())
                  .containsExactly("/bin/bash", "/flux_operator/flux-init.sh");
            });
    Container runner = pod.getContainers().get(0);
    assertThat(runner.getName()).isEqualTo("flux-sample");
    assertThat(runner.getCommand()).containsExactly("/bin/bash", "/flux_operator/wait-0.sh");
    assertThat(runner.getVolumeMounts())
        .extracting(m -> m.getMountPath())
        .contains("/mnt/flux", "/flux_operator", "/home/flux-operator", "/opt/software");
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("hpa-selector", "flux-sample")
        .containsEntry("app.kubernetes.io/name", "flux-sample")
        .containsEntry("gantry.dev/minicluster", "flux-sample");
    assertThat(pod.getAffinity().getPodAntiAffinity()).isNotNull();

    assertThat(runner(mc))
        .contains(
            "flux start -o --config ${cfg} ${brokeroptions} flux submit -n1 --quiet --watch echo hello world")
        .contains("-Slog-stderr-level=0")
        .contains("if [ \"$(hostname)\" = \"flux-sample-0\" ]")
        .contains("say() { :; }");
    ConfigMap cm = MiniClusterObjects.entrypoint(mc, 4);
    assertThat(cm.getData()).containsOnlyKeys("wait-0", "flux-init");
    assertThat(cm.getData().get("flux-init"))
        .contains("{ host = \"flux-sample-[0-3]\" }")
        .contains("default_connect = \"tcp://%h.flux-sample.default.svc.cluster.local:%p\"")
        .contains("curve_cert = \"/mnt/flux/config/curve/curve.cert\"");
  }

  @Test
  void interactiveStartsABrokerWithoutAJob() throws Exception {
    MiniCluster mc = example("interactive.yaml");
    assertThat(runner(mc))
        .contains("flux broker --config-path ${cfg} ${brokeroptions}")
        .contains("-Sbroker.rc2_none")
        .doesNotContain("flux submit");
  }

  @Test
  void lammpsRegistersMaxSizeHostsAndUsesQuorum() throws Exception {
    MiniCluster mc = example("mpi-lammps.yaml");
    ConfigMap cm = MiniClusterObjects.entrypoint(mc, 8);
    assertThat(cm.getData().get("flux-init")).contains("lammps-[0-7]");
    assertThat(runner(mc))
        .contains("-Sbroker.quorum=4")
        .contains("flux submit -n2 --quiet --watch lmp -v x 2");
    Job job = RankJob.desired(mc, 8);
    assertThat(job.getSpec().getParallelism()).isEqualTo(4);
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getWorkingDir())
        .isEqualTo("/opt/lammps/examples/reaxff/HNS");
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("app", "flux-operator")
        .containsKey("namespace");
  }

  @Test
  void batchWritesOneSubmitPerLineAndWaits() throws Exception {
    MiniCluster mc = fluxOperator("batch.yaml");
    String script = runner(mc);
    assertThat(script)
        .contains(
            "flux submit --flags waitable --error=${FLUX_OUTPUT_DIR}/job-0.err --output=${FLUX_OUTPUT_DIR}/job-0.out echo hello world 1")
        .contains("job-5.out echo hello world 5")
        .contains("flux batch -n1 --flags waitable ./flux-job.batch && flux job wait --all")
        .contains("cat /tmp/fluxout/job-0.out");
    var volumes = RankJob.desired(mc, 4).getSpec().getTemplate().getSpec().getVolumes();
    assertThat(volumes)
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("data");
              assertThat(v.getHostPath().getPath()).isEqualTo("/tmp/fluxout");
            });
  }

  @Test
  void sidecarWithPortsGetsItsServiceAndKeepsItsEntrypoint() throws Exception {
    MiniCluster mc = fluxOperator("nginx-sidecar-service.yaml");
    assertThat(SpecCheck.problems(mc)).isEmpty();
    var services = MiniClusterObjects.containerServices(mc);
    assertThat(services)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getMetadata().getName()).isEqualTo("nginx");
              assertThat(s.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(80);
            });
    var containers = RankJob.desired(mc, 2).getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers)
        .extracting(Container::getName)
        .containsExactly("flux-sample-services", "nginx");
    assertThat(containers.get(1).getCommand()).isEmpty();
    assertThat(runner(mc))
        .contains("apt-get update")
        .contains("flux submit -n1 --quiet --watch curl -s localhost");
    assertThat(MiniClusterObjects.entrypoint(mc, 2).getData()).doesNotContainKey("start-1");
  }

  @Test
  void rankServiceIsHeadlessAndPublishesNotReadyAddresses() throws Exception {
    MiniCluster mc = example("hello-world.yaml");
    var service = MiniClusterObjects.rankService(mc);
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(service.getSpec().getSelector())
        .containsEntry("gantry.dev/minicluster", "flux-sample");
    mc.getSpec().flux = new dev.gantry.api.minicluster.FluxSpec();
    mc.getSpec().flux.minimalService = true;
    var minimal = MiniClusterObjects.rankService(mc);
    assertThat(minimal.getSpec().getClusterIP()).isNull();
    assertThat(minimal.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(8050);
    assertThat(minimal.getSpec().getSelector())
        .containsEntry("batch.kubernetes.io/job-completion-index", "0");
  }

  @Test
  void curveCertificateIsMountedBesideTheScriptsOwnerReadOnly() throws Exception {
    MiniCluster mc = example("hello-world.yaml");
    var volume =
        RankJob.desired(mc, 4).getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals("flux-operator-entrypoint"))
            .findFirst()
            .orElseThrow();
    var secret = volume.getProjected().getSources().get(1).getSecret();
    assertThat(secret.getName()).isEqualTo("flux-sample-curve");
    assertThat(secret.getItems().get(0).getMode()).isEqualTo(0400);
    assertThat(MiniClusterObjects.curve(mc, "cert").getData()).containsKey("curve.cert");
  }

  @Test
  void disabledFluxViewTakesFluxFromTheApplicationImage() throws Exception {
    MiniCluster mc = example("hello-world.yaml");
    mc.getSpec().flux = new dev.gantry.api.minicluster.FluxSpec();
    mc.getSpec().flux.container = new dev.gantry.api.minicluster.FluxContainer();
    mc.getSpec().flux.container.disable = true;
    var init = RankJob.desired(mc, 4).getSpec().getTemplate().getSpec().getInitContainers().get(0);
    assertThat(init.getImage()).isEqualTo("ubuntu:noble");
    assertThat(EntrypointScripts.init(mc, 4))
        .contains("/opt/view")
        .doesNotContain("/opt/views/._view");
  }

  @Test
  void upstreamFieldsReachTheRankPodsAndTheRestAreReportedUnsupported() throws Exception {
    MiniCluster mc = fluxOperator("upstream-fields.yaml");
    assertThat(SpecCheck.problems(mc)).isEmpty();
    assertThat(SpecCheck.unsupported(mc)).containsExactly("spec.services", "spec.flux.arch");

    var pod = RankJob.desired(mc, 2).getSpec().getTemplate().getSpec();
    assertThat(pod.getShareProcessNamespace()).isTrue();
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(2000L);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("view-pull");
    Container init = pod.getInitContainers().get(0);
    assertThat(init.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
    // Told never to pull its image, the cluster does not pull the flux view either.
    assertThat(init.getImagePullPolicy()).isEqualTo("Never");
    Container runner = pod.getContainers().get(0);
    assertThat(runner.getImagePullPolicy()).isEqualTo("Never");
    assertThat(runner.getLifecycle().getPostStart().getExec().getCommand())
        .containsExactly("/usr/local/bin/warm-up");
    assertThat(runner.getLifecycle().getPreStop().getExec().getCommand())
        .containsExactly("/usr/local/bin/drain");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("scratch"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getCsi().getDriver()).isEqualTo("csi.example.com");
              assertThat(v.getCsi().getVolumeAttributes()).containsEntry("size", "1Gi");
            });
    assertThat(runner.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/scratch"));
  }
}
