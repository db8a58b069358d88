package dev.gantry.bench;

import dev.gantry.operator.provision.ProvisionSettings;
import dev.gantry.operator.relations.InjectionSettings;
import dev.gantry.operator.relations.RelationsWebhook;
import dev.gantry.operator.relations.WebhookRegistration;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.runtime.OperatorOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.FileInputStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the relations webhook adds to a pod create on a real API server: the operator (webhook
 * included, registered by URL) runs in this JVM; pods that consume the demo's two relations are
 * created with {@code dryRun=All} (full admission, the webhook called, nothing stored) in a
 * namespace that opts in and, as the reference, in one that does not, in turn with a pod in the
 * opted-in namespace that consumes nothing (the webhook is called and answers without a patch). It
 * reports the first create after registration and, per paired run of {@code -Dbench.count} creates
 * of each, the added p50 and p99 of an injection and of a call alone, beside the webhook's own time
 * for those reviews from its metrics: the rest is the API server's side of the call.
 *
 * <p>{@code -Dgantry.cluster.webhookHost} (default 127.0.0.1) is where the API server reaches this
 * JVM.
 */
public final class WebhookClusterBench {
  static final String ON = "gantry-bench-webhook-on";
  static final String OFF = "gantry-bench-webhook-off";

  private WebhookClusterBench() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.getInteger("bench.count", 0) > 0 ? Integer.getInteger("bench.count") : 300;
    String host = System.getProperty("gantry.cluster.webhookHost", "127.0.0.1");
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      System.out.printf(
          "Webhook benchmark on %s (Kubernetes %s): %d dry-run pod creates per side per pair,"
              + " %d paired runs after a warm-up pair%n",
          client.getMasterUrl(),
          client.getKubernetesVersion().getGitVersion(),
          count,
          PairedRuns.count());
      ProvisionClusterBench.installCrds(client);
      namespace(client, ON, Map.of("tengu-injector", "enabled"));
      namespace(client, OFF, Map.of());
      try (var in =
          new FileInputStream(Path.of("..", "examples", "relations", "providers.yaml").toFile())) {
        for (HasMetadata p : client.load(in).items()) {
          p.getMetadata().setNamespace(ON);
          client.resource(p).createOr(r -> r.update());
        }
      }
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      OperatorOptions options =
          new OperatorOptions(Set.of(ON), false, null, -1, ProvisionSettings.defaults())
              .withWebhook(
                  new RelationsWebhook.Settings(
                      ON,
                      List.of(host),
                      "0.0.0.0",
                      port,
                      WebhookRegistration.Target.url("https://" + host + ":" + port),
                      InjectionSettings.defaults()));
      GantryOperator operator = new GantryOperator(client, options, Clock.systemUTC()).start();
      try {
        // The very first call of the API server to the webhook: its connection, TLS handshake
        // and the server's first requests (warmed up before registration).
        WebhookServerTimes.Mark beforeFirst =
            WebhookServerTimes.mark(operator.registry(), "patched");
        double first = createMillis(client, ON, "first", true);
        WebhookServerTimes.Served firstServed =
            WebhookServerTimes.between(
                beforeFirst, WebhookServerTimes.mark(operator.registry(), "patched"));
        double firstOff = createMillis(client, OFF, "first", true);
        System.out.printf(
            Locale.ROOT,
            "first create after registration: %.1f ms (opted-in namespace), %.1f ms (not); of"
                + " the first, %.2f ms in Gantry, over %.0f new TLS connection(s)%n",
            first,
            firstOff,
            firstServed.meanMillis(),
            firstServed.handshakes());
        PairedRuns p50 = new PairedRuns("added p50 (ms)", 5.0, false);
        PairedRuns p99 = new PairedRuns("added p99 (ms)", 5.0, false);
        // As the other benchmarks compare Gantry with the direct path: a pod create the webhook
        // injects against one it is not called for, at p50 and p99 (target at least 0.5).
        PairedRuns ratio50 = new PairedRuns("not called / injected, p50", 0.5);
        PairedRuns ratio99 = new PairedRuns("not called / injected, p99", 0.5);
        for (int run = 0; run < PairedRuns.total(); run++) {
          List<Double> on = new ArrayList<>();
          List<Double> called = new ArrayList<>();
          List<Double> off = new ArrayList<>();
          WebhookServerTimes.Mark patchedBefore =
              WebhookServerTimes.mark(operator.registry(), "patched");
          WebhookServerTimes.Mark unchangedBefore =
              WebhookServerTimes.mark(operator.registry(), "unchanged");
          for (int i = 0; i < count; i++) {
            on.add(createMillis(client, ON, "p" + i, true));
            called.add(createMillis(client, ON, "q" + i, false));
            off.add(createMillis(client, OFF, "p" + i, true));
          }
          WebhookServerTimes.Served patched =
              WebhookServerTimes.between(
                  patchedBefore, WebhookServerTimes.mark(operator.registry(), "patched"));
          WebhookServerTimes.Served unchanged =
              WebhookServerTimes.between(
                  unchangedBefore, WebhookServerTimes.mark(operator.registry(), "unchanged"));
          double added50 = WebhookBench.pct(on, 50) - WebhookBench.pct(off, 50);
          double added99 = WebhookBench.pct(on, 99) - WebhookBench.pct(off, 99);
          System.out.printf(
              Locale.ROOT,
              "  %s: injected p50 %.2f p99 %.2f ms | called, nothing to inject p50 %.2f p99 %.2f ms"
                  + " | not called p50 %.2f p99 %.2f ms | added by injection p50 %.2f p99 %.2f ms,"
                  + " by a call alone p50 %.2f p99 %.2f ms%n    %s%n    %s%n",
              run == 0 ? "warm-up pair (not counted)" : "pair " + run,
              WebhookBench.pct(on, 50),
              WebhookBench.pct(on, 99),
              WebhookBench.pct(called, 50),
              WebhookBench.pct(called, 99),
              WebhookBench.pct(off, 50),
              WebhookBench.pct(off, 99),
              added50,
              added99,
              WebhookBench.pct(called, 50) - WebhookBench.pct(off, 50),
              WebhookBench.pct(called, 99) - WebhookBench.pct(off, 99),
              patched.line("injecting"),
              unchanged.line("no-op"));
          if (run > 0) {
            p50.addValue(added50);
            p99.addValue(added99);
            ratio50.addValue(WebhookBench.pct(off, 50) / WebhookBench.pct(on, 50));
            ratio99.addValue(WebhookBench.pct(off, 99) / WebhookBench.pct(on, 99));
          }
        }
        System.out.println(p50.report());
        System.out.println(p99.report());
        System.out.println(ratio50.report());
        System.out.println(ratio99.report());
      } finally {
        operator.close();
        // failurePolicy Fail: a registration left behind would block pod writes there
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(WebhookRegistration.NAME)
            .delete();
        client.namespaces().withName(ON).delete();
        client.namespaces().withName(OFF).delete();
      }
    }
  }

  /**
   * One pod create with dryRun=All, timed; the pod is checked to be injected exactly when it
   * consumes relations in the opted-in namespace.
   */
  static double createMillis(KubernetesClient client, String ns, String name, boolean consumes) {
    Map<String, String> annotations =
        consumes
            ? Map.of(
                "tengu.io/consumes", "sse,db", "tengu.io/relations", "sse-endpoint,db-endpoint")
            : Map.of();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("consumer-" + name)
            .withNamespace(ns)
            .addToAnnotations(annotations)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("busybox:1.36")
            .withCommand("sleep", "3600")
            .endContainer()
            .endSpec()
            .build();
    long start = System.nanoTime();
    Pod created = client.resource(pod).dryRun().create();
    double millis = (System.nanoTime() - start) / 1e6;
    boolean injected =
        created.getSpec().getContainers().get(0).getEnv().stream()
            .anyMatch(e -> e.getName().equals("SSE"));
    if (injected != (consumes && ns.equals(ON))) {
      throw new IllegalStateException(
          "pod in " + ns + (injected ? " was" : " was not") + " injected: the benchmark is wrong");
    }
    return millis;
  }

  static void namespace(KubernetesClient client, String name, Map<String, String> labels)
      throws InterruptedException {
    ProvisionClusterBench.namespace(client, name);
    client
        .namespaces()
        .withName(name)
        .edit(
            n -> new NamespaceBuilder(n).editMetadata().addToLabels(labels).endMetadata().build());
  }
}
