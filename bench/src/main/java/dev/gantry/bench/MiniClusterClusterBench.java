package dev.gantry.bench;

import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.operator.minicluster.CurveCertificate;
import dev.gantry.operator.minicluster.MiniClusterObjects;
import dev.gantry.operator.minicluster.RankJob;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.security.SecureRandom;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The MiniCluster convergence benchmark against the current kube context, next to {@link
 * MiniClusterBench} on the mock: the same client threads write a MiniCluster's objects directly
 * (the MiniCluster, its CURVE Secret, entrypoint ConfigMap, headless Service and indexed Job), then
 * create only the MiniClusters with the operator running, until every child exists. Paired runs,
 * with the operator's requests counted for the first counted pair.
 *
 * <p>A ResourceQuota of zero pods in each benchmark namespace keeps the Job controller from
 * starting ranks (both paths alike), so a small node is not flooded with hundreds of pods.
 */
public final class MiniClusterClusterBench {
  private MiniClusterClusterBench() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.getInteger("bench.count", 0) > 0 ? Integer.getInteger("bench.count") : 100;
    int writers =
        Integer.getInteger("bench.writers", 0) > 0 ? Integer.getInteger("bench.writers") : 8;
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      System.out.printf(
          "MiniCluster benchmark on %s (Kubernetes %s): %d MiniClusters of size 8, %d client"
              + " threads, %d paired runs (direct, then the operator) after a warm-up pair%n",
          client.getMasterUrl(),
          client.getKubernetesVersion().getGitVersion(),
          count,
          writers,
          PairedRuns.count());
      ProvisionClusterBench.installCrds(client);
      PairedRuns runs = new PairedRuns("direct / operator", 0.5);
      Map<String, Long> atConvergence = new TreeMap<>();
      for (int i = 0; i < PairedRuns.total(); i++) {
        double direct = direct(client, count, writers);
        Map<String, LongAdder> requests = new ConcurrentHashMap<>();
        try (KubernetesClient counted = ProvisionClusterBench.counting(requests)) {
          Map<String, Long> counts = i == 1 ? atConvergence : new TreeMap<>();
          runs.add(i, direct, throughOperator(client, counted, count, writers, requests, counts));
        }
      }
      System.out.println(runs.report());
      System.out.println(
          "the operator's requests until convergence in the first counted pair, by verb and"
              + " resource (its watches and initial lists included):");
      atConvergence.forEach(
          (k, v) ->
              System.out.printf("  %-40s %6d  (%.2f per MiniCluster)%n", k, v, v / (double) count));
    }
  }

  static double direct(KubernetesClient client, int count, int writers) throws Exception {
    String ns = namespace(client, "gantry-bench-mc-direct");
    SecureRandom random = new SecureRandom();
    try {
      return ProvisionClusterBench.timed(
          count,
          writers,
          i -> {
            MiniCluster mc = client.resource(miniCluster(ns, "direct-" + i)).create();
            client
                .resource(
                    MiniClusterObjects.curve(
                        mc,
                        CurveCertificate.generate(random, mc.getMetadata().getName() + "-0")
                            .text()))
                .create();
            client.resource(MiniClusterObjects.entrypoint(mc, 8)).create();
            client.resource(MiniClusterObjects.rankService(mc)).create();
            client.resource(RankJob.desired(mc, 8)).create();
          });
    } finally {
      client.namespaces().withName(ns).delete();
    }
  }

  static double throughOperator(
      KubernetesClient client,
      KubernetesClient operatorClient,
      int count,
      int writers,
      Map<String, LongAdder> requests,
      Map<String, Long> atConvergence)
      throws Exception {
    String ns = namespace(client, "gantry-bench-mc-operator");
    return ProvisionClusterBench.underOperator(
        client,
        operatorClient,
        ns,
        requests,
        atConvergence,
        () -> {
          ProvisionClusterBench.timed(
              count, writers, i -> client.resource(miniCluster(ns, "mc-" + i)).create());
          awaitChildren(client, ns, count);
        });
  }

  /** Until every MiniCluster has its Job, ConfigMap, Secret and Service. */
  static void awaitChildren(KubernetesClient client, String ns, int count) throws Exception {
    long deadline = System.nanoTime() + ProvisionClusterBench.LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (client.batch().v1().jobs().inNamespace(ns).list().getItems().size() >= count
          && client
                  .configMaps()
                  .inNamespace(ns)
                  .withLabel(MANAGED, "gantry")
                  .list()
                  .getItems()
                  .size()
              >= count
          && client.secrets().inNamespace(ns).withLabel(MANAGED, "gantry").list().getItems().size()
              >= count
          && client.services().inNamespace(ns).list().getItems().size() >= count) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("not converged within " + ProvisionClusterBench.LIMIT);
  }

  static final String MANAGED = "app.kubernetes.io/managed-by";

  /** A benchmark namespace where no pod may start: the Jobs exist, their ranks do not. */
  static String namespace(KubernetesClient client, String name) throws InterruptedException {
    String ns = ProvisionClusterBench.namespace(client, name);
    client
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("no-pods")
                .withNamespace(ns)
                .endMetadata()
                .withNewSpec()
                .addToHard("pods", new Quantity("0"))
                .endSpec()
                .build())
        .create();
    return ns;
  }

  static MiniCluster miniCluster(String ns, String name) {
    MiniCluster mc = MiniClusterBench.miniCluster(name);
    mc.getMetadata().setNamespace(ns);
    return mc;
  }
}
