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
import org.junit.jupiter.api.Assumptions;
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
    Assumptions.assumeTrue(cluster != null, RealCluster::unreachable);
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
    Assumptions.assumeTrue(cluster != null, RealCluster::unreachable);
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
}
