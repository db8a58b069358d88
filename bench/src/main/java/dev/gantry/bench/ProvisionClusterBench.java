package dev.gantry.bench;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.operator.provision.DeliverablesClaim;
import dev.gantry.operator.provision.ProvisionSettings;
import dev.gantry.operator.provision.RunId;
import dev.gantry.operator.provision.RunJob;
import dev.gantry.operator.provision.VariablesSecret;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.runtime.OperatorOptions;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

/**
 * The Provision convergence benchmark against the current kube context (a real API server), next to
 * {@link ProvisionBench} on the mock: the same client threads write the objects directly, then
 * create only the Provisions with the operator running; the ratio is direct time / operator time.
 * It also counts the operator's own requests by verb and resource, which is where its time goes.
 *
 * <p>{@code cd bench && ../mvnw -q exec:exec -Dbench.main=dev.gantry.bench.ProvisionClusterBench
 * -Dbench.count=100 -Dbench.writers=8}: Provisions, client threads. It uses namespaces
 * gantry-bench-*, deleted after; the Provisions skip their destroy, and their pods stay Pending (no
 * volume is bound).
 */
public final class ProvisionClusterBench {
  static final Duration LIMIT = Duration.ofMinutes(10);

  private ProvisionClusterBench() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.getInteger("bench.count", 0) > 0 ? Integer.getInteger("bench.count") : 100;
    int writers =
        Integer.getInteger("bench.writers", 0) > 0 ? Integer.getInteger("bench.writers") : 8;
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      System.out.printf(
          "Provision benchmark on %s (Kubernetes %s): %d Provisions, %d client threads%n",
          client.getMasterUrl(), client.getKubernetesVersion().getGitVersion(), count, writers);
      installCrds(client);
      PairedRuns runs = new PairedRuns("direct / operator", 0.5);
      Map<String, Long> atConvergence = new TreeMap<>();
      for (int i = 0; i < PairedRuns.total(); i++) {
        double direct = direct(client, count, writers);
        Map<String, LongAdder> requests = new ConcurrentHashMap<>();
        try (KubernetesClient counted = counting(requests)) {
          // the operator's requests are reported for the first counted pair
          Map<String, Long> counts = i == 1 ? atConvergence : new TreeMap<>();
          runs.add(i, direct, throughOperator(client, counted, count, writers, requests, counts));
        }
      }
      System.out.println(runs.report());
      System.out.println(
          "the operator's requests until convergence in the first counted pair, by verb and resource (its"
              + " watches and initial lists included):");
      atConvergence.forEach(
          (k, v) ->
              System.out.printf("  %-40s %6d  (%.2f per Provision)%n", k, v, v / (double) count));
    }
  }

  /** Creates or updates every CRD of deploy/crds, as `gantry install` does. */
  static void installCrds(KubernetesClient client) throws java.io.IOException {
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of("..", "deploy", "crds"))) {
      for (var f : files.filter(x -> x.toString().endsWith(".yml")).sorted().toList()) {
        try (var in = java.nio.file.Files.newInputStream(f)) {
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .load(in)
              .createOr(c -> c.update());
        }
      }
    }
  }

  static double direct(KubernetesClient client, int count, int writers) throws Exception {
    String ns = namespace(client, "gantry-bench-direct");
    try {
      return timed(
          count,
          writers,
          i -> {
            Provision p = client.resource(provision(ns, "direct-" + i)).create();
            client.resource(VariablesSecret.desired(p).orElseThrow()).create();
            var claim = DeliverablesClaim.desired(p);
            // No operator runs here to release the claim, so it goes without its finalizer.
            claim.getMetadata().setFinalizers(null);
            client.resource(claim).create();
            client
                .resource(RunJob.apply(p, ProvisionSettings.defaults(), new RunId(1, 1)))
                .create();
            p.setStatus(new ProvisionStatus());
            p.getStatus().phase = ProvisionStatus.Phase.Applying;
            client.resource(p).patchStatus();
          });
    } finally {
      // No operator runs here: the finalizer-less direct objects go with the namespace.
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
    String ns = namespace(client, "gantry-bench-operator");
    return underOperator(
        client,
        operatorClient,
        ns,
        requests,
        atConvergence,
        () -> {
          timed(count, writers, i -> client.resource(provision(ns, "p-" + i)).create());
          awaitApplying(client, ns, count);
        });
  }

  interface Convergence {
    void run() throws Exception;
  }

  /**
   * Seconds {@code convergence} takes with an operator watching {@code ns} (its requests copied
   * into {@code atConvergence} when it is done); the namespace goes after, while the operator still
   * runs, so nothing is left holding a finalizer.
   */
  static double underOperator(
      KubernetesClient client,
      KubernetesClient operatorClient,
      String ns,
      Map<String, LongAdder> requests,
      Map<String, Long> atConvergence,
      Convergence convergence)
      throws Exception {
    GantryOperator operator =
        new GantryOperator(
                operatorClient,
                new OperatorOptions(Set.of(ns), false, null, -1, ProvisionSettings.defaults()),
                Clock.systemUTC())
            .start();
    try {
      long start = System.nanoTime();
      convergence.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      requests.forEach((k, v) -> atConvergence.put(k, v.sum()));
      return seconds;
    } finally {
      client.namespaces().withName(ns).delete();
      long deadline = System.nanoTime() + LIMIT.toNanos();
      while (client.namespaces().withName(ns).get() != null && System.nanoTime() < deadline) {
        Thread.sleep(1000);
      }
      operator.close();
    }
  }

  interface Work {
    void run(int i) throws Exception;
  }

  static double timed(int count, int writers, Work work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    long start = System.nanoTime();
    List<? extends Future<?>> futures =
        IntStream.range(0, count)
            .mapToObj(
                i ->
                    pool.submit(
                        () -> {
                          work.run(i);
                          return null;
                        }))
            .toList();
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    return (System.nanoTime() - start) / 1e9;
  }

  static void awaitApplying(KubernetesClient client, String ns, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      long applying =
          client.resources(Provision.class).inNamespace(ns).list().getItems().stream()
              .filter(
                  p ->
                      p.getStatus() != null
                          && p.getStatus().phase == ProvisionStatus.Phase.Applying)
              .count();
      if (applying >= count
          && client.batch().v1().jobs().inNamespace(ns).list().getItems().size() >= count) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("not converged within " + LIMIT);
  }

  static String namespace(KubernetesClient client, String name) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (client.namespaces().withName(name).get() != null && System.nanoTime() < deadline) {
      Thread.sleep(1000); // a previous run's namespace still terminating
    }
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  static Provision provision(String ns, String name) {
    Provision p = ProvisionBench.provision(name);
    p.getMetadata().setNamespace(ns);
    // So that deleting the namespace afterwards runs no destroy.
    p.getMetadata().setAnnotations(Map.of(Provision.SKIP_DESTROY_ANNOTATION, "true"));
    return p;
  }

  /** A client for the operator that counts each request as "VERB resource". */
  static KubernetesClient counting(Map<String, LongAdder> requests) {
    return new KubernetesClientBuilder()
        .withHttpClientBuilderConsumer(
            b ->
                b.addOrReplaceInterceptor(
                    "count",
                    new Interceptor() {
                      @Override
                      public void before(
                          BasicBuilder builder, HttpRequest request, RequestTags tags) {
                        requests
                            .computeIfAbsent(
                                request.method() + " " + resource(request), k -> new LongAdder())
                            .increment();
                      }
                    }))
        .build();
  }

  static String resource(HttpRequest request) {
    String path = request.uri().getPath();
    String query = request.uri().getQuery() == null ? "" : request.uri().getQuery();
    String[] parts = path.replaceFirst("^/(api|apis/[^/]+)/[^/]+/?", "").split("/");
    String resource;
    if (parts.length >= 3 && parts[0].equals("namespaces")) {
      resource = parts[2] + (parts.length >= 5 ? "/" + parts[4] : "");
    } else {
      resource = parts[0];
    }
    return resource + (query.contains("watch=true") ? " (watch)" : "");
  }
}
