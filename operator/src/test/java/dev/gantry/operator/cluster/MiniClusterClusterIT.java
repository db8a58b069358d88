package dev.gantry.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.operator.kube.Conditions;
import dev.gantry.operator.runtime.GantryOperator;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real-cluster tier for MiniCluster: the CRD is accepted by the API server (its CEL rules
 * within the cost budget), the indexed Job's pods come up as ranks that resolve each other through
 * the headless Service, and a resize within maxSize adds a rank. No Flux runs: the ranks' images
 * need only /bin/bash and a resolver ({@code gantry.cluster.bashImage}, default ubuntu:noble), and
 * each rank stops in commands.init after it resolved every host, so no flux view image is pulled.
 */
class MiniClusterClusterIT {
  static final String NS = "gantry-cluster-minicluster";
  static final String IMAGE = System.getProperty("gantry.cluster.bashImage", "ubuntu:noble");
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
      cluster.client.close();
    }
  }

  static MiniCluster ranks() {
    // Each rank resolves ranks 0 .. GANTRY_TEST_SIZE-1 through the headless Service, then stays.
    String resolveAll =
        "i=0; while [ $i -lt $GANTRY_TEST_SIZE ]; do h=ranks-$i.ranks."
            + NS
            + ".svc.cluster.local; until getent hosts $h >/dev/null 2>&1 || nslookup $h"
            + " >/dev/null 2>&1; do sleep 1; done; i=$((i+1)); done; echo resolved every rank;"
            + " sleep 3600";
    MiniCluster mc =
        Serialization.unmarshal(
            """
            apiVersion: flux-framework.org/v1alpha2
            kind: MiniCluster
            metadata: {name: ranks}
            spec:
              size: 2
              maxSize: 3
              flux:
                container: {disable: true}
              containers:
              - image: %s
                imagePullPolicy: %s
                environment: {GANTRY_TEST_SIZE: "2"}
                command: echo never reached
            """
                .formatted(IMAGE, cluster.pullPolicy),
            MiniCluster.class);
    mc.getMetadata().setNamespace(NS);
    mc.getSpec().containers.get(0).commands =
        new dev.gantry.api.minicluster.MiniClusterContainer.Commands();
    mc.getSpec().containers.get(0).commands.init = resolveAll;
    return mc;
  }

  @Test
  void ranksComeUpResolveEachOtherAndAResizeAddsOne() {
    cluster.client.resource(ranks()).create();
    var resource = cluster.client.resources(MiniCluster.class).inNamespace(NS).withName("ranks");

    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              MiniCluster mc = resource.get();
              return mc.getStatus() != null
                  && Conditions.isTrue(mc.getStatus().conditions, "Ready")
                  && mc.getStatus().readyRanks == 2;
            });
    assertThat(resource.get().getStatus().hosts).containsExactly("ranks-0", "ranks-1");
    var leader =
        cluster
            .client
            .pods()
            .inNamespace(NS)
            .withLabel("batch.kubernetes.io/job-completion-index", "0")
            .list()
            .getItems();
    assertThat(leader).hasSize(1);
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                cluster
                    .client
                    .pods()
                    .inNamespace(NS)
                    .withName(leader.get(0).getMetadata().getName())
                    .inContainer("ranks")
                    .getLog()
                    .contains("resolved every rank"));

    resource.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"size\":3}}");
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              MiniCluster mc = resource.get();
              return mc.getStatus() != null && mc.getStatus().readyRanks == 3;
            });
    assertThat(
            cluster
                .client
                .batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withName("ranks")
                .get()
                .getSpec()
                .getParallelism())
        .isEqualTo(3);
  }
}
