package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.provision.OutputFile;
import dev.gantry.api.provision.OutputsSpec;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.operator.kube.Conditions;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.testing.OperatorHarness;
import dev.gantry.operator.testing.SimulatedCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs on the mock API server with the simulated cluster; the volumes are directories read by
 * Gantry's listing script under the real busybox (exec is the one part the mock cannot play).
 */
@EnableKubernetesMockClient(crud = true)
class ProvisionOutputsIT extends ProvisionSteps {
  @Override
  KubernetesClient client() {
    return client;
  }

  @Override
  SimulatedCluster cluster() {
    return cluster;
  }

  static final String KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\n";
  static final String OUTPUTS_JSON =
      "{\"rancher_url\": {\"sensitive\": false, \"type\": \"string\", \"value\":"
          + " \"https://rancher.example\"},"
          + " \"node_ips\": {\"sensitive\": false, \"type\": [\"list\", \"string\"], \"value\":"
          + " [\"10.0.0.1\", \"10.0.0.2\"]},"
          + " \"admin_token\": {\"sensitive\": true, \"type\": \"string\", \"value\":"
          + " \"token-s3cr3t\"}}";

  static KubernetesClient client;
  @TempDir Path volumes;
  DirectoryVolumes reader;
  GantryOperator operator;
  SimulatedCluster cluster;

  @BeforeEach
  void start() throws Exception {
    dev.gantry.operator.testing.RequiredProgram.busybox();
    OperatorHarness.installCrds(client);
    reader = new DirectoryVolumes(volumes);
    operator =
        OperatorHarness.start(
            client,
            -1,
            new ProvisionSettings(ProvisionSettings.DEFAULT_TOOLS_IMAGE, Duration.ofSeconds(1))
                .withVolumeReader(reader));
    cluster = new SimulatedCluster(client);
  }

  @AfterEach
  void stop() {
    operator.close();
  }

  @Test
  void outputsJsonAndTheKubeconfigArePublishedRefreshedAfterEveryApplyAndGoOnDelete()
      throws Exception {
    Path volume = reader.claim(NS, "rancher-deliverables");
    Files.writeString(volume.resolve("outputs.json"), OUTPUTS_JSON);
    Files.writeString(volume.resolve("kubeconfig"), KUBECONFIG);
    client.resource(provision("rancher", List.of(new OutputFile("kubeconfig", null)))).create();

    Job apply = awaitJob("apply-rancher");
    var sidecar =
        apply.getSpec().getTemplate().getSpec().getContainers().stream()
            .filter(c -> c.getName().equals("deliverables"))
            .findFirst()
            .orElseThrow();
    assertThat(sidecar.getEnv())
        .anyMatch(e -> e.getName().equals("GANTRY_OUTPUTS"))
        .anyMatch(e -> e.getName().equals("GANTRY_OUTPUTS_WAIT"));
    Pod pod = cluster.startPod(apply);
    cluster.containerExited(pod, "apply-rancher", 0, manifest(volume));

    Provision ready = awaitPhase("rancher", Phase.Ready);
    Secret secret = client.secrets().inNamespace(NS).withName("rancher-outputs").get();
    assertThat(decoded(secret))
        .containsEntry("rancher_url", "https://rancher.example")
        .containsEntry("node_ips", "[\"10.0.0.1\",\"10.0.0.2\"]")
        .containsEntry("admin_token", "token-s3cr3t")
        .containsEntry("kubeconfig", KUBECONFIG);
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(ready.getMetadata().getUid()));
    assertThat(ready.getStatus().outputs.secretName).isEqualTo("rancher-outputs");
    assertThat(ready.getStatus().outputs.run).isEqualTo("1-1");
    assertThat(ready.getStatus().outputs.items)
        .extracting(i -> i.name)
        .containsExactly("rancher_url", "node_ips", "admin_token", "kubeconfig");
    assertThat(ready.getStatus().outputs.items)
        .filteredOn(i -> i.name.equals("kubeconfig"))
        .singleElement()
        .satisfies(i -> assertThat(i.sha256).isEqualTo(sha256(KUBECONFIG)));
    assertThat(ready.getStatus().outputs.items)
        .filteredOn(i -> i.name.equals("admin_token"))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.sensitive).isTrue();
              assertThat(i.sha256).as("no digest to confirm a guess against").isNull();
            });
    assertThat(Serialization.asJson(ready.getStatus()))
        .as("no digest of a sensitive value anywhere in status")
        .doesNotContain(sha256("token-s3cr3t"));
    assertThat(Serialization.asJson(ready.getStatus()))
        .as("status lists names and checksums, never values")
        .doesNotContain("token-s3cr3t", "rancher.example", "kind: Config");
    assertThat(Conditions.isTrue(ready.getStatus().conditions, "OutputsPublished")).isTrue();
    assertThat(reader.readThrough).containsExactly(pod.getMetadata().getName() + "/deliverables");

    // The next generation's apply refreshes the Secret; an output it no longer writes goes.
    cluster.containerExited(pod, "deliverables", 0, null);
    cluster.jobSucceeded(apply);
    Files.writeString(
        volume.resolve("outputs.json"),
        "{\"rancher_url\": {\"value\": \"https://rancher2.example\", \"type\": \"string\"}}");
    edit("rancher", p -> p.getSpec().backoffLimit = 1);
    Job second = awaitNewJob("apply-rancher", apply);
    Pod pod2 = cluster.startPod(second);
    cluster.containerExited(pod2, "apply-rancher", 0, manifest(volume));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        decoded(client.secrets().inNamespace(NS).withName("rancher-outputs").get()))
                    .containsOnlyKeys("rancher_url", "kubeconfig")
                    .containsEntry("rancher_url", "https://rancher2.example"));
    assertThat(awaitPhase("rancher", Phase.Ready).getStatus().outputs.run).isEqualTo("2-1");
    assertThat(reader.reads.get()).as("each run's outputs are read once").isEqualTo(2);

    // Deleted: the destroy runs, then the outputs go with the variables and the volume.
    cluster.containerExited(pod2, "deliverables", 0, null);
    cluster.jobSucceeded(second);
    client.resource(get("rancher")).delete();
    Job destroy = awaitJob("destroy-rancher");
    Pod destroyPod = cluster.startPod(destroy);
    cluster.containerExited(destroyPod, "destroy-rancher", 0, "");
    cluster.jobSucceeded(destroy);
    await().atMost(TIMEOUT).until(() -> get("rancher") == null);
    assertThat(client.secrets().inNamespace(NS).withName("rancher-outputs").get()).isNull();
  }

  @Test
  void aStalledOutputsReadHoldsNoReconcile() throws Exception {
    java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
    operator.close();
    operator =
        OperatorHarness.start(
            client,
            -1,
            new ProvisionSettings(ProvisionSettings.DEFAULT_TOOLS_IMAGE, Duration.ofSeconds(1))
                .withVolumeReader(
                    (c, namespace, pod, container, mountPath, paths, limit) -> {
                      try {
                        never.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      throw new VolumeReader.VolumeReadException("stalled");
                    }));
    try {
      client.resource(provision("stalled", List.of())).create();
      Job apply = awaitJob("apply-stalled");
      Pod pod = cluster.startPod(apply);
      cluster.containerExited(
          pod,
          "apply-stalled",
          0,
          "gantry-deliverables/v1 1\n10 " + "a".repeat(64) + " outputs.json\n");

      // The read never ends; the next generation is applied all the same.
      edit("stalled", p -> p.getSpec().backoffLimit = 1);
      Job second = awaitNewJob("apply-stalled", apply);
      assertThat(second.getMetadata().getAnnotations()).containsEntry("gantry.dev/generation", "2");
    } finally {
      never.countDown();
    }
  }

  @Test
  void anApplyPodThatEndedUnreadIsReadThroughAReaderPodWhichThenGoes() throws Exception {
    Path volume = reader.claim(NS, "late-deliverables");
    Files.writeString(volume.resolve("kubeconfig"), KUBECONFIG);
    client.resource(provision("late", List.of(new OutputFile("kubeconfig", "config")))).create();
    Job apply = awaitJob("apply-late");
    Pod pod = cluster.startPod(apply);
    // The sidecar is gone by the time the operator sees the success (it was down meanwhile).
    cluster.containerExited(pod, "deliverables", 0, null);
    cluster.containerExited(pod, "apply-late", 0, manifest(volume));
    cluster.jobSucceeded(apply);

    await()
        .atMost(TIMEOUT)
        .until(() -> client.pods().inNamespace(NS).withName("outputs-late").get() != null);
    Provision publishing = get("late");
    assertThat(publishing.getStatus().phase).isEqualTo(Phase.Applying);
    assertThat(
            Conditions.find(publishing.getStatus().conditions, "Ready").orElseThrow().getReason())
        .isEqualTo("PublishingOutputs");
    Pod readerPod = client.pods().inNamespace(NS).withName("outputs-late").get();
    assertThat(readerPod.getSpec().getVolumes())
        .anyMatch(
            v ->
                v.getPersistentVolumeClaim() != null
                    && v.getPersistentVolumeClaim().getClaimName().equals("late-deliverables")
                    && Boolean.TRUE.equals(v.getPersistentVolumeClaim().getReadOnly()));
    cluster.runPod(readerPod);

    Provision ready = awaitPhase("late", Phase.Ready);
    assertThat(decoded(client.secrets().inNamespace(NS).withName("late-outputs").get()))
        .containsOnlyKeys("config");
    assertThat(ready.getStatus().outputs.items)
        .extracting(i -> i.source)
        .containsExactly("kubeconfig");
    assertThat(reader.readThrough).containsExactly("outputs-late/fetch");
    await()
        .atMost(TIMEOUT)
        .until(() -> client.pods().inNamespace(NS).withName("outputs-late").get() == null);
  }

  @Test
  void anOutputOverTheSecretLimitIsRefusedNamingItAndNothingIsPublished() throws Exception {
    Path volume = reader.claim(NS, "big-deliverables");
    Files.writeString(volume.resolve("kubeconfig"), KUBECONFIG);
    Files.write(volume.resolve("state-dump.json"), new byte[(int) OutputsSecret.SECRET_LIMIT + 1]);
    client
        .resource(
            provision(
                "big",
                List.of(
                    new OutputFile("kubeconfig", null), new OutputFile("state-dump.json", null))))
        .create();
    Job apply = awaitJob("apply-big");
    Pod pod = cluster.startPod(apply);
    cluster.containerExited(pod, "apply-big", 0, manifest(volume));

    Provision failed = awaitPhase("big", Phase.Failed);
    var published =
        Conditions.find(failed.getStatus().conditions, "OutputsPublished").orElseThrow();
    assertThat(published.getStatus()).isEqualTo("False");
    assertThat(published.getReason()).isEqualTo("OutputTooLarge");
    assertThat(published.getMessage())
        .contains(
            "spec.outputs.files[1]",
            "state-dump.json",
            "1.0 MiB",
            "stays on the deliverables volume");
    assertThat(Conditions.isTrue(failed.getStatus().conditions, "Applied")).isTrue();
    assertThat(client.secrets().inNamespace(NS).withName("big-outputs").get()).isNull();
    assertThat(reader.reads.get()).as("the file list told its size: nothing read").isZero();
  }

  @Test
  void aNamedOutputTheApplyDidNotWriteIsRefusedNamingTheField() throws Exception {
    Path volume = reader.claim(NS, "absent-deliverables");
    Files.writeString(volume.resolve("outputs.json"), OUTPUTS_JSON);
    client.resource(provision("absent", List.of(new OutputFile("kubeconfig", null)))).create();
    Job apply = awaitJob("apply-absent");
    Pod pod = cluster.startPod(apply);
    cluster.containerExited(pod, "apply-absent", 0, manifest(volume));

    Provision failed = awaitPhase("absent", Phase.Failed);
    var published =
        Conditions.find(failed.getStatus().conditions, "OutputsPublished").orElseThrow();
    assertThat(published.getReason()).isEqualTo("OutputMissing");
    assertThat(published.getMessage()).contains("spec.outputs.files[0]", "kubeconfig");
    assertThat(client.secrets().inNamespace(NS).withName("absent-outputs").get()).isNull();
  }

  static Provision provision(String name, List<OutputFile> files) {
    Provision p = ProvisionLifecycleIT.provision(name, ProvisionLifecycleIT.inline("x = 1\n"));
    p.getSpec().outputs = new OutputsSpec();
    p.getSpec().outputs.files = files;
    return p;
  }

  /** The file list the apply wrapper would write for this volume. */
  static String manifest(Path volume) throws Exception {
    List<Path> files;
    try (var walk = Files.walk(volume)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    StringBuilder m = new StringBuilder("gantry-deliverables/v1 " + files.size() + "\n");
    for (Path f : files) {
      m.append(Files.size(f))
          .append(' ')
          .append(sha256(Files.readAllBytes(f)))
          .append(' ')
          .append(volume.relativize(f))
          .append('\n');
    }
    return m.toString();
  }

  static Map<String, String> decoded(Secret secret) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    secret
        .getData()
        .forEach(
            (k, v) ->
                out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return out;
  }

  static String sha256(String text) throws Exception {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
