package dev.gantry.operator.cluster;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * The real-cluster tier's view of the current kube context, and what it needs to run on any
 * cluster: the tools image and pull policy to use (for clusters that cannot pull; images imported),
 * and static volumes where no default StorageClass provisions claims.
 *
 * <p>System properties: {@code gantry.cluster.toolsImage} (default busybox:1.36), {@code
 * gantry.cluster.pullPolicy} (default IfNotPresent), {@code gantry.cluster.staticVolumes}
 * (true/false; default: true when the cluster has no default StorageClass).
 */
final class RealCluster {
  final KubernetesClient client;
  final String toolsImage = System.getProperty("gantry.cluster.toolsImage", "busybox:1.36");
  final String pullPolicy = System.getProperty("gantry.cluster.pullPolicy", "IfNotPresent");

  private RealCluster(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The current kube context's cluster. The tier runs only when asked for (-Pcluster), so a cluster
   * that does not answer fails it: a tier that was asked for never passes as skipped.
   */
  static RealCluster connect() {
    KubernetesClient client = new KubernetesClientBuilder().build();
    try (KubernetesClient probe =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration())
                    .withConnectionTimeout(3000)
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build()) {
      probe.getKubernetesVersion();
    } catch (RuntimeException e) {
      client.close();
      throw new AssertionError(unreachable() + ": " + e.getMessage(), e);
    }
    return new RealCluster(client);
  }

  /** {@link #connect()}, with Gantry's CRDs installed as `gantry install` does. */
  static RealCluster withCrds() throws java.io.IOException {
    RealCluster cluster = connect();
    if (cluster != null) {
      dev.gantry.operator.testing.OperatorHarness.installCrds(cluster.client);
    }
    return cluster;
  }

  /** How the tier's operators run: the configured tools image and pull policy, no HTTP port. */
  dev.gantry.operator.runtime.OperatorOptions operatorOptions(
      java.util.Set<String> namespaces, boolean leaderElection, String leaseNamespace) {
    return new dev.gantry.operator.runtime.OperatorOptions(
        namespaces,
        leaderElection,
        leaseNamespace,
        -1,
        new dev.gantry.operator.provision.ProvisionSettings(
            toolsImage, Duration.ofSeconds(5), pullPolicy));
  }

  /**
   * {@code options} with the webhook server on a free port of this JVM, registered by URL at {@code
   * host} (where the API server reaches this machine), its certificates kept in {@code namespace}.
   */
  dev.gantry.operator.runtime.OperatorOptions withWebhook(
      dev.gantry.operator.runtime.OperatorOptions options, String namespace, String host)
      throws java.io.IOException {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    return options.withWebhook(
        new dev.gantry.operator.relations.RelationsWebhook.Settings(
            namespace,
            java.util.List.of(host),
            "0.0.0.0",
            port,
            dev.gantry.operator.relations.WebhookRegistration.Target.url(
                "https://" + host + ":" + port),
            new dev.gantry.operator.relations.InjectionSettings(toolsImage, pullPolicy)));
  }

  static String unreachable() {
    return "the real-cluster tier was asked for (-Pcluster), but no cluster answers at the current"
        + " kube context (set KUBECONFIG or a context)";
  }

  void namespace(String name, Map<String, String> labels) {
    client
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .createOr(r -> r.update());
  }

  /** Deletes a namespace and waits until it is gone, so the next run starts clean. */
  void deleteNamespace(String name, Duration timeout) {
    client.namespaces().withName(name).delete();
    Awaitility.await()
        .atMost(timeout)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> client.namespaces().withName(name).get() == null);
  }

  boolean staticVolumes() {
    String told = System.getProperty("gantry.cluster.staticVolumes");
    if (told != null && !told.isBlank()) {
      return Boolean.parseBoolean(told);
    }
    return client.storage().v1().storageClasses().list().getItems().stream()
        .noneMatch(
            sc ->
                sc.getMetadata().getAnnotations() != null
                    && "true"
                        .equals(
                            sc.getMetadata()
                                .getAnnotations()
                                .get("storageclass.kubernetes.io/is-default-class")));
  }

  /**
   * A hostPath volume bound in advance to one claim (the node's own disk; one-node clusters), when
   * no StorageClass would provision it. Released volumes are deleted by the caller's cleanup.
   */
  void staticVolumeFor(String namespace, String claim, String size) {
    if (!staticVolumes()) {
      return;
    }
    String name = "gantry-test-" + namespace + "-" + claim;
    client.persistentVolumes().withName(name).delete();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.persistentVolumes().withName(name).get() == null);
    client
        .resource(
            new PersistentVolumeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(Map.of("app.kubernetes.io/part-of", "gantry-cluster-test"))
                .endMetadata()
                .withNewSpec()
                .withCapacity(Map.of("storage", new Quantity(size)))
                .withAccessModes("ReadWriteOnce")
                .withPersistentVolumeReclaimPolicy("Retain")
                .withNewHostPath()
                .withPath("/tmp/" + name)
                .withType("DirectoryOrCreate")
                .endHostPath()
                .withNewClaimRef()
                .withNamespace(namespace)
                .withName(claim)
                .endClaimRef()
                .endSpec()
                .build())
        .create();
  }

  void deleteStaticVolumes() {
    client
        .persistentVolumes()
        .withLabel("app.kubernetes.io/part-of", "gantry-cluster-test")
        .delete();
  }
}
