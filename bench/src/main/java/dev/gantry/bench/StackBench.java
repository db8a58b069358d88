package dev.gantry.bench;

import dev.gantry.api.stack.Stack;
import dev.gantry.api.stack.StackStatus;
import dev.gantry.operator.provision.ProvisionSettings;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.runtime.OperatorOptions;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Stack benchmarks of bench/README.md, against the in-process fabric8 mock API server with the
 * real operator in the same JVM and a simulated Deployment controller (each Deployment available a
 * fixed delay after it is created): a Stack of {@code width × depth} components, each layer
 * depending on every component of the one before, against its critical path (depth × delay); many
 * such Stacks at once against one; API writes per steady-state reconcile; operator heap.
 */
public final class StackBench {
  private static final Duration LIMIT = Duration.ofMinutes(10);

  public static void main(String[] args) throws Exception {
    try {
      measure();
    } finally {
      // The operator's and the mock server's pools are not all daemon threads.
      System.exit(0);
    }
  }

  static void measure() throws Exception {
    int width = Integer.getInteger("bench.width", 6);
    int depth = Integer.getInteger("bench.depth", 10);
    long delayMs = Long.getLong("bench.delay", 1000);
    int count = Integer.getInteger("bench.count", 0) > 0 ? Integer.getInteger("bench.count") : 100;
    int runs = Integer.getInteger("bench.runs", 5);
    double criticalPath = depth * delayMs / 1000.0;

    System.out.printf(
        Locale.ROOT,
        "Stack benchmark: %d components (width %d, depth %d), each Ready %d ms after it is"
            + " created; critical path %.1f s; %d Stacks at once; %d cores%n",
        width * depth,
        width,
        depth,
        delayMs,
        criticalPath,
        count,
        Runtime.getRuntime().availableProcessors());

    // 1. One Stack against its critical path: a warm-up run, then `runs` counted.
    List<Double> ratios = new ArrayList<>();
    List<Double> singles = new ArrayList<>();
    for (int i = 0; i <= runs; i++) {
      double seconds = run(1, width, depth, delayMs, false).seconds;
      double ratio = seconds / criticalPath;
      System.out.printf(
          Locale.ROOT,
          "%s one Stack Ready in %.2f s: %.3f × the critical path%n",
          i == 0 ? "warm-up" : "run " + i + ":",
          seconds,
          ratio);
      if (i > 0) {
        ratios.add(ratio);
        singles.add(seconds);
      }
    }
    report("one Stack / critical path", ratios, 1.2);

    // 2. Many at once, then the restart (writes per steady-state pass) and the heap.
    double single = median(singles);
    Result many = run(count, width, depth, delayMs, true);
    System.out.printf(
        Locale.ROOT,
        "%d Stacks (%d Deployments) Ready in %.2f s: %.2f × one Stack's median (%.2f s); target"
            + " <= 2: %s%n",
        count,
        count * width * depth,
        many.seconds,
        many.seconds / single,
        single,
        many.seconds / single <= 2 ? "met" : "NOT met");
    System.out.printf(
        Locale.ROOT,
        "after a restart: %.0f reconciles, %d API writes: %.3f writes per steady-state reconcile"
            + " (target 0)%n",
        many.reconciles,
        many.writes,
        many.reconciles == 0 ? Double.NaN : many.writes / many.reconciles);
    System.out.printf(
        Locale.ROOT,
        "operator heap with %d Stacks: %.1f MB (target <= 256 MB; %.1f MB in all, %.1f MB the"
            + " mock server's store and the JVM before it started)%n",
        count,
        (many.heapWith - many.heapWithout) / 1e6,
        many.heapWith / 1e6,
        many.heapWithout / 1e6);
  }

  record Result(double seconds, double reconciles, long writes, long heapWith, long heapWithout) {}

  /** {@code count} Stacks created at once; the clock stops when every one is Ready. */
  static Result run(int count, int width, int depth, long delayMs, boolean restart)
      throws Exception {
    var responses =
        new java.util.HashMap<
            io.fabric8.mockwebserver.ServerRequest,
            java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
    CountingDispatcher dispatcher = new CountingDispatcher(responses);
    KubernetesMockServer server =
        new KubernetesMockServer(
            new io.fabric8.mockwebserver.Context(Serialization.jsonMapper()),
            new io.fabric8.mockwebserver.MockWebServer(),
            responses,
            dispatcher,
            false);
    server.init();
    answerDiscoveryAndAccessReviews(server);
    ScheduledExecutorService controller = Executors.newScheduledThreadPool(4);
    try (KubernetesClient client = server.createClient()) {
      installCrds(client);
      Watch rollouts = simulateRollouts(client, controller, delayMs);
      GantryOperator operator = operator(client);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      long start = System.nanoTime();
      List<Future<?>> created = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = "s" + i;
        created.add(pool.submit(() -> client.resource(stack(name, width, depth)).create()));
      }
      for (Future<?> f : created) {
        f.get();
      }
      awaitReady(client, count);
      double seconds = (System.nanoTime() - start) / 1e9;
      pool.shutdown();
      if (!restart) {
        operator.close();
        rollouts.close();
        return new Result(seconds, 0, 0, 0, 0);
      }
      // A restart reconciles every Stack once; each pass finds everything as declared. The first
      // operator's Events are written beside its passes: all of them first, so none is counted.
      operator.close();
      dev.gantry.operator.kube.EventRecorder.awaitWritten(Duration.ofMinutes(5));
      Thread.sleep(2000);
      long heapWithout = ProvisionBench.usedHeap();
      long before = dispatcher.writes();
      var beforeByKind = dispatcher.writesByKind();
      GantryOperator restarted = operator(client);
      long deadline = System.nanoTime() + LIMIT.toNanos();
      double reconciles = 0;
      while (System.nanoTime() < deadline && reconciles < count) {
        Thread.sleep(500);
        reconciles = reconciles(restarted);
      }
      // Passes started by the restart finish, and any write they would make is made.
      Thread.sleep(Math.max(5000, count * 20L));
      reconciles = reconciles(restarted);
      long writes = dispatcher.writes() - before;
      dispatcher
          .writesByKind()
          .forEach(
              (kind, n) -> {
                long since = n - beforeByKind.getOrDefault(kind, 0L);
                if (since > 0) {
                  System.out.println("  after the restart: " + since + " × " + kind);
                }
              });
      long heapWith = ProvisionBench.usedHeap();
      restarted.close();
      rollouts.close();
      return new Result(seconds, reconciles, writes, heapWith, heapWithout);
    } finally {
      controller.shutdownNow();
      server.destroy();
    }
  }

  static double reconciles(GantryOperator operator) {
    return operator.registry().find("operator.sdk.reconciliations.started").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  /**
   * The Deployment controller, simulated: a Deployment created (or written with a new generation)
   * is rolled out {@code delayMs} later, all its replicas available.
   */
  static Watch simulateRollouts(
      KubernetesClient client, ScheduledExecutorService controller, long delayMs) {
    Set<String> scheduled = ConcurrentHashMap.newKeySet();
    return client
        .apps()
        .deployments()
        .inAnyNamespace()
        .watch(
            new Watcher<>() {
              @Override
              public void eventReceived(Action action, Deployment d) {
                if (action == Action.DELETED) {
                  return;
                }
                String key =
                    d.getMetadata().getNamespace()
                        + "/"
                        + d.getMetadata().getName()
                        + "@"
                        + d.getMetadata().getGeneration();
                if (!scheduled.add(key)) {
                  return;
                }
                controller.schedule(() -> rollOut(client, d), delayMs, TimeUnit.MILLISECONDS);
              }

              @Override
              public void onClose(WatcherException cause) {}
            });
  }

  static void rollOut(KubernetesClient client, Deployment created) {
    try {
      client
          .apps()
          .deployments()
          .inNamespace(created.getMetadata().getNamespace())
          .withName(created.getMetadata().getName())
          .editStatus(
              d -> {
                int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                d.setStatus(new DeploymentStatus());
                d.getStatus().setObservedGeneration(d.getMetadata().getGeneration());
                d.getStatus().setReplicas(want);
                d.getStatus().setUpdatedReplicas(want);
                d.getStatus().setReadyReplicas(want);
                d.getStatus().setAvailableReplicas(want);
                return d;
              });
    } catch (KubernetesClientException e) {
      System.err.println("rollout of " + created.getMetadata().getName() + ": " + e.getMessage());
    }
  }

  /** Layer l's components each depend on every component of layer l-1. */
  static Stack stack(String name, int width, int depth) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("apiVersion: gantry.dev/v1alpha1\nkind: Stack\n")
        .append("metadata: {name: ")
        .append(name)
        .append(", namespace: bench}\n")
        .append("spec:\n  networkPolicies: Disabled\n  components:\n");
    for (int l = 0; l < depth; l++) {
      for (int c = 0; c < width; c++) {
        String component = "l" + l + "c" + c;
        yaml.append("  - name: ").append(component).append('\n');
        if (l > 0) {
          yaml.append("    dependsOn: [");
          for (int p = 0; p < width; p++) {
            yaml.append(p == 0 ? "" : ", ").append("l").append(l - 1).append("c").append(p);
          }
          yaml.append("]\n");
        }
        String object = name + "-" + component.toLowerCase(Locale.ROOT);
        yaml.append("    template:\n")
            .append("      apiVersion: apps/v1\n      kind: Deployment\n")
            .append("      metadata: {name: ")
            .append(object)
            .append("}\n")
            .append("      spec:\n        replicas: 1\n")
            .append("        selector: {matchLabels: {app: ")
            .append(object)
            .append("}}\n")
            .append("        template:\n          metadata: {labels: {app: ")
            .append(object)
            .append("}}\n")
            .append("          spec: {containers: [{name: app, image: app}]}\n");
      }
    }
    return Serialization.unmarshal(yaml.toString(), Stack.class);
  }

  static void awaitReady(KubernetesClient client, int count) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    long nextReport = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      List<Stack> stacks = client.resources(Stack.class).inNamespace("bench").list().getItems();
      if (System.nanoTime() > nextReport) {
        // Slow: say where the first Stack that is not Ready stands.
        nextReport = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        stacks.stream()
            .filter(s -> s.getStatus() == null || s.getStatus().phase != StackStatus.Phase.Ready)
            .findFirst()
            .ifPresent(
                s ->
                    System.out.println(
                        "  still waiting: "
                            + s.getMetadata().getName()
                            + " "
                            + (s.getStatus() == null
                                ? "no status"
                                : s.getStatus().readyComponents
                                    + " "
                                    + s.getStatus().conditions.get(0).getMessage())));
      }
      long ready =
          stacks.stream()
              .filter(
                  s ->
                      s.getStatus() != null
                          && s.getStatus().phase == StackStatus.Phase.Ready
                          && s.getMetadata()
                              .getGeneration()
                              .equals(s.getStatus().observedGeneration))
              .count();
      if (ready >= count) {
        return;
      }
      // Listing many Stacks with their status is work for the in-process server: not too often.
      Thread.sleep(count == 1 ? 20 : 1000);
    }
    throw new IllegalStateException("not Ready within " + LIMIT);
  }

  /** What a Stack's Deployments need of an API server that the mock does not answer itself. */
  static void answerDiscoveryAndAccessReviews(KubernetesMockServer server) {
    server
        .expect()
        .get()
        .withPath("/apis/apps/v1")
        .andReturn(
            200,
            new APIResourceListBuilder()
                .withGroupVersion("apps/v1")
                .addToResources(
                    new APIResourceBuilder()
                        .withKind("Deployment")
                        .withName("deployments")
                        .withNamespaced(true)
                        .withVerbs("create", "delete", "get", "list", "patch", "update", "watch")
                        .build())
                .build())
        .always();
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        .andReply(
            201,
            request -> {
              SelfSubjectAccessReview review =
                  Serialization.unmarshal(
                      request.getBody().readUtf8(), SelfSubjectAccessReview.class);
              review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(true).build());
              return review;
            })
        .always();
  }

  static GantryOperator operator(KubernetesClient client) {
    return new GantryOperator(
            client,
            new OperatorOptions(Set.of(), false, null, -1, ProvisionSettings.defaults()),
            Clock.systemUTC())
        .start();
  }

  static void installCrds(KubernetesClient client) throws Exception {
    for (String crd : List.of("provisions.gantry.dev-v1.yml", "stacks.gantry.dev-v1.yml")) {
      try (InputStream in =
          new FileInputStream(Path.of(ProvisionBench.root(), "deploy", "crds", crd).toFile())) {
        client.apiextensions().v1().customResourceDefinitions().load(in).create();
      }
    }
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static void report(String what, List<Double> ratios, double target) {
    double lowest = ratios.stream().mapToDouble(d -> d).min().orElse(Double.NaN);
    double highest = ratios.stream().mapToDouble(d -> d).max().orElse(Double.NaN);
    boolean met = highest <= target;
    System.out.printf(
        Locale.ROOT,
        "%s: median %.3f (%.3f–%.3f over %d runs); target <= %.1f: %s%n",
        what,
        median(ratios),
        lowest,
        highest,
        ratios.size(),
        target,
        met ? "met" : "NOT met");
  }
}
