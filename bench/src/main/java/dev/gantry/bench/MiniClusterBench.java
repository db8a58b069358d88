package dev.gantry.bench;

import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.api.minicluster.MiniClusterContainer;
import dev.gantry.api.minicluster.MiniClusterSpec;
import dev.gantry.operator.minicluster.CurveCertificate;
import dev.gantry.operator.minicluster.MiniClusterObjects;
import dev.gantry.operator.minicluster.RankJob;
import dev.gantry.operator.provision.ProvisionSettings;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.runtime.OperatorOptions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * MiniCluster convergence (bench/README.md): 100 MiniClusters of size 8 until each has its
 * ConfigMap, CURVE Secret, headless Service and indexed Job, against direct writes of the same.
 */
public final class MiniClusterBench {
  private static final Duration LIMIT = Duration.ofMinutes(10);

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int writers = 8;
    System.out.printf(
        "MiniCluster benchmark: %d MiniClusters of size 8; %d client threads; %d cores;"
            + " %d paired runs (direct, then the operator)%n",
        count, writers, Runtime.getRuntime().availableProcessors(), PairedRuns.count());
    PairedRuns runs = new PairedRuns("direct / operator", 0.5);
    for (int i = 0; i < PairedRuns.total(); i++) {
      runs.add(i, direct(count, writers), throughOperator(count, writers));
    }
    System.out.println(runs.report());
  }

  static double direct(int count, int writers) throws Exception {
    KubernetesMockServer server = ProvisionBench.server(new CountingDispatcher());
    try (KubernetesClient client = server.createClient()) {
      installCrd(client);
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      SecureRandom random = new SecureRandom();
      long start = System.nanoTime();
      for (Future<?> f :
          IntStream.range(0, count)
              .mapToObj(
                  i ->
                      pool.submit(
                          () -> {
                            MiniCluster mc = client.resource(miniCluster("direct-" + i)).create();
                            client
                                .resource(
                                    MiniClusterObjects.curve(
                                        mc,
                                        CurveCertificate.generate(
                                                random, mc.getMetadata().getName() + "-0")
                                            .text()))
                                .create();
                            client.resource(MiniClusterObjects.entrypoint(mc, 8)).create();
                            client.resource(MiniClusterObjects.rankService(mc)).create();
                            client.resource(RankJob.desired(mc, 8)).create();
                          }))
              .toList()) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      pool.shutdown();
      return seconds;
    } finally {
      server.destroy();
    }
  }

  static double throughOperator(int count, int writers) throws Exception {
    KubernetesMockServer server = ProvisionBench.server(new CountingDispatcher());
    try (KubernetesClient client = server.createClient()) {
      installCrd(client);
      GantryOperator operator =
          new GantryOperator(
                  client,
                  new OperatorOptions(Set.of(), false, null, -1, ProvisionSettings.defaults()),
                  Clock.systemUTC())
              .start();
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      long start = System.nanoTime();
      for (Future<?> f :
          IntStream.range(0, count)
              .mapToObj(i -> pool.submit(() -> client.resource(miniCluster("mc-" + i)).create()))
              .toList()) {
        f.get();
      }
      long deadline = System.nanoTime() + LIMIT.toNanos();
      while (System.nanoTime() < deadline) {
        long jobs = client.batch().v1().jobs().inNamespace("bench").list().getItems().size();
        long maps = client.configMaps().inNamespace("bench").list().getItems().size();
        long secrets = client.secrets().inNamespace("bench").list().getItems().size();
        long services = client.services().inNamespace("bench").list().getItems().size();
        if (jobs >= count && maps >= count && secrets >= count && services >= count) {
          break;
        }
        Thread.sleep(100);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      pool.shutdown();
      operator.close();
      return seconds;
    } finally {
      server.destroy();
    }
  }

  static MiniCluster miniCluster(String name) {
    MiniCluster mc = new MiniCluster();
    mc.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("bench").build());
    mc.setSpec(new MiniClusterSpec());
    mc.getSpec().size = 8;
    MiniClusterContainer c = new MiniClusterContainer();
    c.image = "ubuntu:noble";
    c.command = "echo hello world";
    mc.getSpec().containers = List.of(c);
    return mc;
  }

  static void installCrd(KubernetesClient client) throws Exception {
    Path here = Path.of("").toAbsolutePath();
    Path root = here.endsWith("bench") ? here.getParent() : here;
    try (InputStream in =
        new FileInputStream(
            root.resolve("deploy/crds/miniclusters.flux-framework.org-v1.yml").toFile())) {
      client.apiextensions().v1().customResourceDefinitions().load(in).create();
    }
  }
}
