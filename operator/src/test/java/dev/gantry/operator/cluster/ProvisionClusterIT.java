package dev.gantry.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.operator.kube.Conditions;
import dev.gantry.operator.runtime.GantryOperator;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.FileInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real-cluster tier (./mvnw verify -Pcluster) for Provision: the hello example against the
 * current kube context with real Jobs, pods, volumes, garbage collection and namespace deletion. It
 * needs no default StorageClass and no registry (see {@link RealCluster}). Without a reachable
 * cluster it is reported as skipped, never as passed.
 */
class ProvisionClusterIT {
  static final String NS = "gantry-cluster-provision";
  static final String DOOMED = "gantry-cluster-doomed";
  static final String SEED = "gantry-cluster-seed";
  static final String KUBECTL = System.getProperty("gantry.cluster.kubectl", "kubectl");
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
      operator.close();
      cluster.deleteNamespace(NS, Duration.ofMinutes(2));
      cluster.deleteNamespace(SEED, Duration.ofMinutes(2));
      cluster.deleteStaticVolumes();
      cluster.client.close();
    }
  }

  static Provision hello(String namespace) throws Exception {
    Provision hello;
    try (var in =
        new FileInputStream(
            Path.of("..", "examples", "provision", "hello", "provision.yaml").toFile())) {
      hello = cluster.client.resources(Provision.class).load(in).item();
    }
    hello.getMetadata().setNamespace(namespace);
    cluster.staticVolumeFor(namespace, "hello-deliverables", "64Mi");
    return hello;
  }

  static Provision awaitReady(String namespace) {
    var resource =
        cluster.client.resources(Provision.class).inNamespace(namespace).withName("hello");
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              Provision p = resource.get();
              assertThat(p.getStatus() == null ? null : p.getStatus().phase)
                  .as("phase of %s/hello: %s", namespace, p.getStatus())
                  .isNotEqualTo(Phase.Failed);
              return p.getStatus() != null && p.getStatus().phase == Phase.Ready;
            });
    return resource.get();
  }

  @Test
  void helloAppliesDestroysWithReadableOutputAndLeavesNoClaim() throws Exception {
    cluster.client.resource(hello(NS)).create();
    var resource = cluster.client.resources(Provision.class).inNamespace(NS).withName("hello");

    Provision ready = awaitReady(NS);
    assertThat(ready.getStatus().deliverables.files)
        .extracting(f -> f.name)
        .containsExactlyInAnyOrder("id_rsa", "id_rsa.pub", "kubeconfig", "terraform.tfstate");
    // Every image of the run pod follows the configured pull policy (no pull on air-gapped nodes).
    var job = cluster.client.batch().v1().jobs().inNamespace(NS).withName("apply-hello").get();
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getInitContainers())
        .allMatch(c -> cluster.pullPolicy.equals(c.getImagePullPolicy()));
    assertThat(pod.getContainers())
        .filteredOn(c -> c.getName().equals("deliverables"))
        .allMatch(c -> cluster.pullPolicy.equals(c.getImagePullPolicy()));

    resource.delete();
    // The destroy's output is read while it runs: its Job goes with the Provision.
    StringBuilder destroyLog = new StringBuilder();
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              var pods =
                  cluster
                      .client
                      .pods()
                      .inNamespace(NS)
                      .withLabel("job-name", "destroy-hello")
                      .list()
                      .getItems();
              if (pods.isEmpty()) {
                return false;
              }
              String log =
                  cluster
                      .client
                      .pods()
                      .inNamespace(NS)
                      .withName(pods.get(0).getMetadata().getName())
                      .inContainer("destroy-hello")
                      .getLog();
              destroyLog.setLength(0);
              destroyLog.append(log);
              return log.contains("destroy complete");
            });
    assertThat(destroyLog).contains("destroying {\"version\": 4");
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> resource.get() == null);
    // The claim is deleted after the destroy; pvc-protection lets it go once no pod uses it.
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                cluster
                        .client
                        .persistentVolumeClaims()
                        .inNamespace(NS)
                        .withName("hello-deliverables")
                        .get()
                    == null);
  }

  @Test
  void deletedWithItsNamespaceAProvisionReportsDestroyBlockedAndGoesWhenSkipped() throws Exception {
    cluster.namespace(DOOMED, Map.of());
    try {
      cluster.client.resource(hello(DOOMED)).create();
      awaitReady(DOOMED);
      var resource =
          cluster.client.resources(Provision.class).inNamespace(DOOMED).withName("hello");

      cluster.client.namespaces().withName(DOOMED).delete();
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                Provision p = resource.get();
                return p != null
                    && p.getStatus() != null
                    && Conditions.find(p.getStatus().conditions, "Destroyed")
                        .filter(c -> "DestroyBlocked".equals(c.getReason()))
                        .isPresent();
              });
      // The state survives while the namespace terminates.
      assertThat(
              cluster
                  .client
                  .persistentVolumeClaims()
                  .inNamespace(DOOMED)
                  .withName("hello-deliverables")
                  .get())
          .isNotNull();
      assertThat(cluster.client.namespaces().withName(DOOMED).get().getStatus().getPhase())
          .isEqualTo("Terminating");

      resource.patch(
          PatchContext.of(PatchType.JSON_MERGE),
          "{\"metadata\":{\"annotations\":{\""
              + Provision.SKIP_DESTROY_ANNOTATION
              + "\":\"true\"}}}");
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> cluster.client.namespaces().withName(DOOMED).get() == null);
    } finally {
      if (cluster.client.namespaces().withName(DOOMED).get() != null) {
        cluster
            .client
            .resources(Provision.class)
            .inNamespace(DOOMED)
            .withName("hello")
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
      }
    }
  }

  /** Runs kubectl (the user's, from PATH or -Dgantry.cluster.kubectl) and returns its output. */
  static String kubectl(java.nio.file.Path dir, String... args) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(KUBECTL));
    command.addAll(java.util.List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(3, java.util.concurrent.TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError("kubectl " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  static boolean kubectlRuns() {
    try {
      return new ProcessBuilder(KUBECTL, "version", "--client")
              .redirectErrorStream(true)
              .start()
              .waitFor()
          == 0;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * The seed's client flow, with the real kubectl and nothing of Gantry's on the client: the apply
   * pod found by job-name, its log followed, the deliverables copied out of the sidecar, and the
   * run ended by copying in done (the hold is long, so only the signal ends it this soon).
   */
  @Test
  void theSeedsKubectlFlowFollowsTheLogCopiesTheDeliverablesAndEndsTheRunWithDone(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    assertThat(kubectlRuns())
        .as("the seed's client flow needs kubectl (PATH or -Dgantry.cluster.kubectl)")
        .isTrue();
    cluster.namespace(SEED, Map.of());
    Provision hello = hello(SEED);
    hello.getSpec().deliverables.holdSeconds = 600;
    // the seed had no destroy on delete; this test leaves by deleting without one
    hello.getMetadata().setAnnotations(Map.of(Provision.SKIP_DESTROY_ANNOTATION, "true"));
    // runner settings, through the real API server's schema (it prunes what it does not know)
    hello.getSpec().runner = new dev.gantry.api.provision.RunnerPodSpec();
    hello.getSpec().runner.podLabels = Map.of("team", "platform");
    hello.getSpec().runner.volumes =
        java.util.List.of(
            new io.fabric8.kubernetes.api.model.VolumeBuilder()
                .withName("scratch")
                .withNewEmptyDir()
                .endEmptyDir()
                .build());
    hello.getSpec().runner.volumeMounts =
        java.util.List.of(
            new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                .withName("scratch")
                .withMountPath("/scratch")
                .build());
    cluster.client.resource(hello).create();

    await("the apply pod")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                !kubectl(
                        dir,
                        "get",
                        "pods",
                        "-n",
                        SEED,
                        "-l",
                        "job-name=apply-hello,team=platform",
                        "-o",
                        "name")
                    .isBlank());
    String pod =
        kubectl(
                dir,
                "get",
                "pods",
                "-n",
                SEED,
                "-l",
                "job-name=apply-hello",
                "-o",
                "jsonpath={.items[0].metadata.name}")
            .trim();
    await("the apply container running or done")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () ->
                !kubectl(
                        dir,
                        "get",
                        "pod",
                        pod,
                        "-n",
                        SEED,
                        "-o",
                        "jsonpath={.status.containerStatuses[?(@.name==\"apply-hello\")].state.running}"
                            + "{.status.containerStatuses[?(@.name==\"apply-hello\")].state.terminated}")
                    .isBlank());
    String log = kubectl(dir, "logs", "-f", pod, "-n", SEED, "-c", "apply-hello");
    assertThat(log).contains("applying with").contains("creating node hello-2");
    await("apply-hello Completed")
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                kubectl(
                        dir,
                        "get",
                        "pod",
                        pod,
                        "-n",
                        SEED,
                        "-o",
                        "jsonpath={.status.containerStatuses[?(@.name==\"apply-hello\")].state.terminated.reason}")
                    .contains("Completed"));

    assertThat(
            kubectl(
                dir,
                "get",
                "pod",
                pod,
                "-n",
                SEED,
                "-o",
                "jsonpath={.spec.containers[?(@.name==\"apply-hello\")].volumeMounts[*].mountPath}"))
        .contains("/scratch");
    kubectl(dir, "cp", "-c", "deliverables", SEED + "/" + pod + ":/deliverables", "deliverables");
    assertThat(dir.resolve("deliverables/kubeconfig")).exists();
    assertThat(dir.resolve("deliverables/id_rsa")).exists();
    assertThat(dir.resolve("deliverables/id_rsa.pub")).exists();
    assertThat(dir.resolve("deliverables/terraform.tfstate")).exists();

    java.nio.file.Files.writeString(dir.resolve("done"), "");
    kubectl(dir, "cp", "-c", "deliverables", "done", SEED + "/" + pod + ":/deliverables/done");
    await("the sidecar ends on done, long before its hold")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              // Ended by the signal, not gone: the pod is there, its sidecar exited 0.
              var p = cluster.client.pods().inNamespace(SEED).withName(pod).get();
              return p != null
                  && "Succeeded".equals(p.getStatus().getPhase())
                  && p.getStatus().getContainerStatuses().stream()
                      .filter(c -> c.getName().equals("deliverables"))
                      .anyMatch(
                          c ->
                              c.getState().getTerminated() != null
                                  && c.getState().getTerminated().getExitCode() == 0);
            });
    assertThat(awaitReady(SEED).getStatus().phase).isEqualTo(Phase.Ready);

    // gone while the operator runs, so the namespace can go after it
    cluster.client.resources(Provision.class).inNamespace(SEED).withName("hello").delete();
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                cluster.client.resources(Provision.class).inNamespace(SEED).withName("hello").get()
                    == null);
  }
}
