package dev.gantry.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.FileInputStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real-cluster tier (./mvnw verify -Pcluster): the hello example against the current kube
 * context (kind, minikube), with real Jobs, pods, busybox and volumes. Without a reachable cluster
 * it is reported as skipped, never as passed.
 */
class ProvisionClusterIT {
  static final String NS = "gantry-cluster-test";
  static KubernetesClient client;
  static GantryOperator operator;
  static String unreachable;

  @BeforeAll
  static void cluster() throws Exception {
    client = new KubernetesClientBuilder().build();
    try {
      new KubernetesClientBuilder()
          .withConfig(
              new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration())
                  .withConnectionTimeout(3000)
                  .withRequestRetryBackoffLimit(0)
                  .build())
          .build()
          .getKubernetesVersion();
    } catch (RuntimeException e) {
      client.close();
      unreachable =
          "no cluster reachable from the current kube context (" + client.getMasterUrl() + ")";
      return;
    }
    OperatorHarness.installCrds(client);
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .createOr(r -> r.update());
    operator = OperatorHarness.start(client, -1);
  }

  @AfterAll
  static void cleanUp() {
    if (operator != null) {
      operator.close();
      client.namespaces().withName(NS).delete();
      client.close();
    }
  }

  @Test
  void helloExampleAppliesListsItsFourDeliverablesAndDestroys() throws Exception {
    Assumptions.assumeTrue(unreachable == null, () -> unreachable);
    Provision hello;
    try (var in =
        new FileInputStream(
            Path.of("..", "examples", "provision", "hello", "provision.yaml").toFile())) {
      hello = client.resources(Provision.class).load(in).item();
    }
    hello.getMetadata().setNamespace(NS);
    client.resource(hello).create();
    var resource = client.resources(Provision.class).inNamespace(NS).withName("hello");

    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              Provision p = resource.get();
              assertThat(p.getStatus() == null ? null : p.getStatus().phase)
                  .isNotEqualTo(Phase.Failed);
              return p.getStatus() != null && p.getStatus().phase == Phase.Ready;
            });
    assertThat(resource.get().getStatus().deliverables.files)
        .extracting(f -> f.name)
        .containsExactlyInAnyOrder("id_rsa", "id_rsa.pub", "kubeconfig", "terraform.tfstate");

    resource.delete();
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> resource.get() == null);
    assertThat(client.persistentVolumeClaims().inNamespace(NS).withName("hello-deliverables").get())
        .isNull();
  }
}
