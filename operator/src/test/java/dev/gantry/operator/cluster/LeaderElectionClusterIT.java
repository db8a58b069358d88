package dev.gantry.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.runtime.OperatorOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real-cluster tier for leader election: two operators against one API server, one holds the
 * Lease, and when it stops cleanly the other takes over well before the Lease would expire.
 */
class LeaderElectionClusterIT {
  static final String NS = "gantry-cluster-leader";
  static RealCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = RealCluster.withCrds();
    if (cluster != null) {
      cluster.namespace(NS, Map.of());
    }
  }

  @AfterAll
  static void cleanUp() {
    if (cluster != null) {
      cluster.deleteNamespace(NS, Duration.ofMinutes(2));
      cluster.client.close();
    }
  }

  String holder() {
    var lease = cluster.client.leases().inNamespace(NS).withName(OperatorOptions.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  @Test
  void aLeaderThatStopsHandsTheLeaseOverBeforeItExpires() {
    OperatorOptions options = cluster.operatorOptions(Set.of(NS), true, NS);
    GantryOperator first = new GantryOperator(cluster.client, options, Clock.systemUTC()).start();
    GantryOperator second = new GantryOperator(cluster.client, options, Clock.systemUTC()).start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> holder() != null && !holder().isEmpty());
      GantryOperator leader = holder().equals(first.identity()) ? first : second;
      GantryOperator follower = leader == first ? second : first;
      leader.close();
      long start = System.nanoTime();
      await().atMost(Duration.ofSeconds(10)).until(() -> follower.identity().equals(holder()));
      // The Lease lasts 15 s; released, it changes hands within a retry period or two.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    } finally {
      first.close();
      second.close();
    }
  }
}
