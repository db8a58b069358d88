package dev.gantry.bench;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionSpec;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.api.provision.VariablesSpec;
import dev.gantry.operator.provision.DeliverablesClaim;
import dev.gantry.operator.provision.ProvisionSettings;
import dev.gantry.operator.provision.RunId;
import dev.gantry.operator.provision.RunJob;
import dev.gantry.operator.provision.VariablesSecret;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.runtime.OperatorOptions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * The Provision benchmarks of bench/README.md, against the in-process fabric8 mock API server:
 * convergence throughput against direct writes, writes per no-op reconcile, and operator heap.
 */
public final class ProvisionBench {
  private static final Duration LIMIT = Duration.ofMinutes(10);

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int heapCount = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int writers = 8;

    System.out.printf(
        "Provision benchmark: %d Provisions (throughput), %d (heap); %d client threads; %d cores;"
            + " %d paired runs (direct, then the operator)%n",
        count, heapCount, writers, Runtime.getRuntime().availableProcessors(), PairedRuns.count());

    PairedRuns runs = new PairedRuns("direct / operator", 0.5);
    double writesPerNoOp = Double.NaN;
    for (int i = 0; i < PairedRuns.total(); i++) {
      double direct = direct(count, writers);
      // the restart's no-op reconciles are counted once, after the warm-up pair's clock stopped
      Result operator = throughCount(count, writers, i == 0);
      runs.add(i, direct, operator.seconds);
      if (i == 0) {
        writesPerNoOp = operator.writesPerNoOp;
      }
    }
    System.out.println(runs.report());
    System.out.printf(
        "API writes per no-op reconcile after a restart: %.3f (target 0)%n", writesPerNoOp);

    heap(heapCount, writers);
  }

  record Result(double seconds, double writesPerNoOp) {}

  /** The same client writes what the operator would: the Provision, its Secret, claim and Job. */
  static double direct(int count, int writers) throws Exception {
    KubernetesMockServer server = server(new CountingDispatcher());
    try (KubernetesClient client = server.createClient()) {
      installCrd(client);
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      long start = System.nanoTime();
      List<? extends Future<?>> work =
          IntStream.range(0, count)
              .mapToObj(
                  i ->
                      pool.submit(
                          () -> {
                            Provision p = client.resource(provision("direct-" + i)).create();
                            client.resource(VariablesSecret.desired(p).orElseThrow()).create();
                            client.resource(DeliverablesClaim.desired(p)).create();
                            client
                                .resource(
                                    RunJob.apply(p, ProvisionSettings.defaults(), new RunId(1, 1)))
                                .create();
                            p.setStatus(new ProvisionStatus());
                            p.getStatus().phase = ProvisionStatus.Phase.Applying;
                            client.resource(p).patchStatus();
                          }))
              .toList();
      for (Future<?> f : work) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      pool.shutdown();
      return seconds;
    } finally {
      server.destroy();
    }
  }

  static Result throughCount(int count, int writers, boolean restart) throws Exception {
    CountingDispatcher dispatcher = new CountingDispatcher();
    KubernetesMockServer server = server(dispatcher);
    try (KubernetesClient client = server.createClient()) {
      installCrd(client);
      GantryOperator operator = operator(client);
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      long start = System.nanoTime();
      for (Future<?> f :
          IntStream.range(0, count)
              .mapToObj(i -> pool.submit(() -> client.resource(provision("p-" + i)).create()))
              .toList()) {
        f.get();
      }
      awaitApplying(client, count);
      double seconds = (System.nanoTime() - start) / 1e9;
      pool.shutdown();

      if (!restart) {
        operator.close();
        return new Result(seconds, Double.NaN);
      }
      // A restart reconciles every Provision once; each pass finds nothing to do.
      operator.close();
      Thread.sleep(2000);
      long before = dispatcher.writes();
      GantryOperator restarted = operator(client);
      Thread.sleep(Math.max(5000, count * 10L));
      long writes = dispatcher.writes() - before;
      double reconciles =
          restarted.registry().find("operator.sdk.reconciliations.started").counters().stream()
              .mapToDouble(c -> c.count())
              .sum();
      restarted.close();
      System.out.printf("after a restart: %.0f reconciles, %d API writes%n", reconciles, writes);
      return new Result(seconds, reconciles == 0 ? Double.NaN : writes / reconciles);
    } finally {
      server.destroy();
    }
  }

  static void heap(int count, int writers) throws Exception {
    KubernetesMockServer server = server(new CountingDispatcher());
    try (KubernetesClient client = server.createClient()) {
      installCrd(client);
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      // The cluster's state, as the operator would leave it, written before the operator starts.
      for (Future<?> f :
          IntStream.range(0, count)
              .mapToObj(
                  i ->
                      pool.submit(
                          () -> {
                            Provision p = client.resource(provision("h-" + i)).create();
                            client.resource(VariablesSecret.desired(p).orElseThrow()).create();
                            client.resource(DeliverablesClaim.desired(p)).create();
                            client
                                .resource(
                                    RunJob.apply(p, ProvisionSettings.defaults(), new RunId(1, 1)))
                                .create();
                          }))
              .toList()) {
        f.get();
      }
      pool.shutdown();
      long baseline = usedHeap();
      GantryOperator operator = operator(client);
      awaitApplying(client, count);
      long withOperator = usedHeap();
      System.out.printf(
          "heap with %d Provisions: %.1f MB used by the operator (%.1f MB in all, %.1f MB before it started)%n",
          count, (withOperator - baseline) / 1e6, withOperator / 1e6, baseline / 1e6);
      System.out.println(
          "  (target <= 256 MB; the in-process mock server's own store is in the baseline)");
      operator.close();
    } finally {
      server.destroy();
    }
  }

  static GantryOperator operator(KubernetesClient client) {
    return new GantryOperator(
            client,
            new OperatorOptions(Set.of(), false, null, -1, ProvisionSettings.defaults()),
            Clock.systemUTC())
        .start();
  }

  static void awaitApplying(KubernetesClient client, int count) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      List<Provision> all = client.resources(Provision.class).inAnyNamespace().list().getItems();
      long applying =
          all.stream()
              .filter(
                  p ->
                      p.getStatus() != null
                          && p.getStatus().phase == ProvisionStatus.Phase.Applying)
              .count();
      if (applying >= count) {
        long jobs = client.batch().v1().jobs().inAnyNamespace().list().getItems().size();
        long claims = client.persistentVolumeClaims().inAnyNamespace().list().getItems().size();
        long secrets =
            client
                .secrets()
                .inAnyNamespace()
                .withLabel("app.kubernetes.io/component", "variables")
                .list()
                .getItems()
                .size();
        if (jobs >= count && claims >= count && secrets >= count) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("not converged within " + LIMIT);
  }

  static Provision provision(String name) {
    Provision p = new Provision();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("bench").build());
    p.setSpec(new ProvisionSpec());
    p.getSpec().image = "ez-rancher:latest";
    p.getSpec().variables = new VariablesSpec();
    p.getSpec().variables.inline = "vm_count = 3\n";
    return p;
  }

  static KubernetesMockServer server(CountingDispatcher dispatcher) {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            new HashMap<>(),
            dispatcher,
            false);
    server.init();
    return server;
  }

  static void installCrd(KubernetesClient client) throws Exception {
    try (InputStream in =
        new FileInputStream(
            Path.of(root(), "deploy", "crds", "provisions.gantry.dev-v1.yml").toFile())) {
      client.apiextensions().v1().customResourceDefinitions().load(in).create();
    }
  }

  static String root() {
    Path here = Path.of("").toAbsolutePath();
    return here.endsWith("bench") ? here.getParent().toString() : here.toString();
  }

  static long usedHeap() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(300);
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
