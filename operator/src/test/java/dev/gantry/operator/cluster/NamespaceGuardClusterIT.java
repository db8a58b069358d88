package dev.gantry.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionSpec;
import dev.gantry.api.provision.VariablesSpec;
import dev.gantry.operator.provision.NamespaceGuard;
import dev.gantry.operator.runtime.GantryOperator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The namespace guard on a real API server: deleting a namespace that holds a Provision whose
 * destroy would run is refused, with what to do; the refusal goes once the Provision lets go, and a
 * namespace labelled out of the guard is deleted whatever it holds.
 */
class NamespaceGuardClusterIT {
  static final String NS = "gantry-cluster-guard";
  static final String HOST = System.getProperty("gantry.cluster.webhookHost", "127.0.0.1");
  static RealCluster cluster;
  static GantryOperator operator;

  @BeforeAll
  static void start() throws Exception {
    cluster = RealCluster.withCrds();
    cluster.namespace(NS, Map.of());
    operator =
        new GantryOperator(
                cluster.client,
                cluster.withWebhook(cluster.operatorOptions(Set.of(NS), false, null), NS, HOST),
                Clock.systemUTC())
            .start();
  }

  @AfterAll
  static void cleanUp() {
    if (operator != null) {
      var provisions = cluster.client.resources(Provision.class).inNamespace(NS);
      provisions.list().getItems().forEach(p -> letGo(p.getMetadata().getName()));
      cluster.deleteNamespace(NS, Duration.ofMinutes(2));
      operator.close();
      cluster.client.close();
    }
  }

  static void letGo(String name) {
    cluster
        .client
        .resources(Provision.class)
        .inNamespace(NS)
        .withName(name)
        .edit(
            p -> {
              p.getMetadata().setAnnotations(Map.of(Provision.SKIP_DESTROY_ANNOTATION, "true"));
              return p;
            });
  }

  @Test
  void aNamespaceHoldingALiveProvisionIsNotDeletedUntilTheProvisionLetsGo() {
    Provision held = new Provision();
    held.setMetadata(new ObjectMetaBuilder().withName("held").withNamespace(NS).build());
    held.setSpec(new ProvisionSpec());
    held.getSpec().image = cluster.toolsImage;
    held.getSpec().variables = new VariablesSpec();
    held.getSpec().variables.inline = "n = 1\n";
    cluster.client.resource(held).create();
    // Its apply started: the infrastructure may exist from now on.
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () -> {
              Provision p =
                  cluster.client.resources(Provision.class).inNamespace(NS).withName("held").get();
              return p.getStatus() != null && p.getStatus().run != null;
            });

    // A dry run asks the webhook too and deletes nothing: wait until the API server calls it.
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> refusal(true) != null);
    KubernetesClientException refused = refusal(false);
    assertThat(refused).as("the real delete is refused").isNotNull();
    assertThat(refused.getCode()).isEqualTo(403);
    assertThat(refused.getMessage())
        .contains(
            "holds Provision held",
            "gantry delete provision/held -n " + NS + " --wait",
            NamespaceGuard.OPT_OUT_LABEL + "=" + NamespaceGuard.OPT_OUT_VALUE);
    assertThat(cluster.client.namespaces().withName(NS).get().getMetadata().getDeletionTimestamp())
        .as("the namespace is not terminating")
        .isNull();

    // Let go without destroying: the namespace may go now.
    letGo("held");
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> refusal(true) == null);
  }

  /** The refusal of a namespace delete (a dry run changes nothing), or null when allowed. */
  static KubernetesClientException refusal(boolean dryRun) {
    var namespace = cluster.client.namespaces().withName(NS);
    return catchThrowableOfType(
        KubernetesClientException.class,
        () -> {
          if (dryRun) {
            namespace.dryRun().delete();
          } else {
            namespace.delete();
          }
        });
  }
}
