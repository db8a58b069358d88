package dev.gantry.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.operator.relations.AdmissionHandler;
import dev.gantry.operator.relations.AdmissionHandler.Outcome;
import dev.gantry.operator.relations.AdmissionServer;
import dev.gantry.operator.relations.CertificateRotation;
import dev.gantry.operator.relations.InjectionSettings;
import dev.gantry.operator.relations.ProviderLookup;
import dev.gantry.operator.relations.Resolution;
import dev.gantry.operator.relations.WebhookMetrics;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * Webhook latency over TLS at a fixed 200 requests/s (bench/README.md): the injection handler
 * against a no-op handler on the same server code, for 1 KB and 16 KB pods. Latency is measured
 * from each request's scheduled send time, so a slow answer delays no later measurement.
 */
public final class WebhookBench {
  static final int RATE = 200;
  static final int WARM_UP_SECONDS = Integer.getInteger("bench.warmup", 10);

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("serve")) {
      serve();
      return;
    }
    if (args.length > 0 && args[0].equals("load")) {
      System.out.printf("Webhook benchmark (separate client process): %d requests/s%n", RATE);
      measure(
          Files.readString(Path.of(args[3])),
          Integer.parseInt(args[1]),
          Integer.parseInt(args[2]),
          Integer.parseInt(args[4]));
      return;
    }
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    System.out.printf(
        "Webhook benchmark: %d requests/s for %d s per case over TLS (ECDSA P-256); %d cores%n",
        RATE, seconds, Runtime.getRuntime().availableProcessors());
    try (Servers servers = Servers.start()) {
      measure(servers.caBundle, servers.injecting.port(), servers.idle.port(), seconds);
    }
  }

  /**
   * Separate-process mode: {@code serve} starts both servers and prints their ports and the CA
   * file; {@code load <injectPort> <noopPort> <caFile> <seconds>} drives them from another JVM, so
   * the load generator's own garbage collection does not land in the servers' latency.
   */
  static void serve() throws Exception {
    Servers servers = Servers.start();
    Path ca = Files.createTempFile("gantry-bench-ca", ".pem");
    Files.writeString(ca, servers.caBundle);
    System.out.println(
        "SERVING " + servers.injecting.port() + " " + servers.idle.port() + " " + ca);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  /** The injecting server and the no-op one, with one Gantry-made certificate. */
  record Servers(AdmissionServer injecting, AdmissionServer idle, String caBundle)
      implements AutoCloseable {
    static Servers start() {
      var state =
          CertificateRotation.next(
              null,
              List.of("localhost"),
              Instant.now(),
              CertificateRotation.CA_VALIDITY,
              CertificateRotation.SERVING_VALIDITY);
      AdmissionHandler inject = new AdmissionHandler(new Providers(), InjectionSettings.defaults());
      AdmissionHandler noop =
          new AdmissionHandler(new Providers(), InjectionSettings.defaults()) {
            @Override
            public Answer handle(byte[] body) {
              return new Answer(
                  200,
                  "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                      + "\"response\":{\"uid\":\"x\",\"allowed\":true}}",
                  "Pod",
                  Outcome.UNCHANGED);
            }
          };
      return new Servers(
          new AdmissionServer(inject, state.serving(), "127.0.0.1", 0, WebhookMetrics.unscraped())
              .start(),
          new AdmissionServer(noop, state.serving(), "127.0.0.1", 0, WebhookMetrics.unscraped())
              .start(),
          state.caBundle());
    }

    @Override
    public void close() {
      injecting.close();
      idle.close();
    }
  }

  /** Both pod sizes against both servers, each after a warm-up; one line per size. */
  static void measure(String caBundle, int injectPort, int noopPort, int seconds) throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(trusting(caBundle))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    int[] sizes = {1, 16};
    // Warm every case up before measuring any: an operator that answers admissions has long
    // compiled both paths, and a case measured while the other's code still compiles would carry
    // the JIT in its tail.
    for (int kib : sizes) {
      byte[] body = review(kib * 1024);
      run(client, injectPort, body, WARM_UP_SECONDS);
      run(client, noopPort, body, WARM_UP_SECONDS);
    }
    for (int kib : sizes) {
      byte[] body = review(kib * 1024);
      List<Double> a = run(client, injectPort, body, seconds);
      List<Double> b = run(client, noopPort, body, seconds);
      System.out.printf(
          "%2d KiB pod (%d-byte review): inject p50 %.2f ms p99 %.2f ms max %.2f ms | no-op p50 %.2f ms"
              + " p99 %.2f ms | ratio p50 %.2f p99 %.2f (target: p99 <= 5 ms)%n",
          kib,
          body.length,
          pct(a, 50),
          pct(a, 99),
          pct(a, 100),
          pct(b, 50),
          pct(b, 99),
          pct(a, 50) / pct(b, 50),
          pct(a, 99) / pct(b, 99));
    }
  }

  /** Connections the client keeps, like the API server's bounded pool toward a webhook. */
  static final int CONNECTIONS = 8;

  /**
   * Sends at a fixed rate through {@link #CONNECTIONS} senders that each reuse one keep-alive
   * connection. Latency counts from the scheduled send time, so a backlog shows in the numbers
   * instead of vanishing (no coordinated omission), and a pause cannot snowball into new
   * handshakes.
   */
  static List<Double> run(HttpClient client, int port, byte[] body, int seconds) throws Exception {
    URI uri = URI.create("https://localhost:" + port + AdmissionServer.PATH);
    int total = RATE * seconds;
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.ExecutorService senders = Executors.newFixedThreadPool(CONNECTIONS);
    List<java.util.concurrent.Future<?>> pending = new ArrayList<>();
    long start = System.nanoTime() + 50_000_000L;
    long periodNanos = 1_000_000_000L / RATE;
    java.util.concurrent.atomic.AtomicInteger next =
        new java.util.concurrent.atomic.AtomicInteger();
    for (int w = 0; w < CONNECTIONS; w++) {
      pending.add(
          senders.submit(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < total) {
                  long due = start + i * periodNanos;
                  long wait = due - System.nanoTime();
                  if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                  }
                  HttpRequest request =
                      HttpRequest.newBuilder(uri)
                          .header("Content-Type", "application/json")
                          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                          .build();
                  HttpResponse<String> r =
                      client.send(request, HttpResponse.BodyHandlers.ofString());
                  if (r.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
                  }
                  latencies.add((System.nanoTime() - due) / 1e6);
                }
                return null;
              }));
    }
    for (var f : pending) {
      f.get(seconds + 60L, TimeUnit.SECONDS);
    }
    senders.shutdown();
    return new ArrayList<>(latencies);
  }

  static double pct(List<Double> values, int p) {
    List<Double> sorted = values.stream().sorted().toList();
    int index = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
    return sorted.get(Math.max(index, 0));
  }

  /** An AdmissionReview for a pod of about {@code size} bytes that consumes sse and db. */
  static byte[] review(int size) {
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("consumer")
            .withNamespace("bench")
            .addToAnnotations("tengu.io/consumes", "sse,db")
            .addToAnnotations("tengu.io/relations", "sse-endpoint,db-endpoint")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("tutum/curl")
            .endContainer()
            .endSpec()
            .build();
    int i = 0;
    while (Serialization.asJson(pod).length() < size - 200) {
      pod.getSpec()
          .getContainers()
          .get(0)
          .getEnv()
          .add(new io.fabric8.kubernetes.api.model.EnvVar("PAD_" + i++, "x".repeat(40), null));
    }
    ObjectNode review = Serialization.jsonMapper().createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request");
    request.put("uid", "bench").put("operation", "CREATE").put("namespace", "bench");
    request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
    request.set("object", Serialization.jsonMapper().valueToTree(pod));
    return review.toString().getBytes(StandardCharsets.UTF_8);
  }

  static SSLContext trusting(String bundle) throws Exception {
    return dev.gantry.operator.relations.CaBundleTrust.of(bundle);
  }

  /** The demo's two ExternalName providers, in memory. */
  static final class Providers implements ProviderLookup {
    final Map<String, Service> services =
        Map.of(
            "sse-endpoint", provider("sse-endpoint", "sse", "idlab-iot.tengu.io"),
            "db-endpoint", provider("db-endpoint", "db", "db.tengu.io"));

    static Service provider(String name, String iface, String host) {
      return new ServiceBuilder()
          .withNewMetadata()
          .withName(name)
          .withNamespace("bench")
          .addToLabels("tengu.io/provides", iface)
          .endMetadata()
          .withNewSpec()
          .withType("ExternalName")
          .withExternalName(host)
          .endSpec()
          .build();
    }

    @Override
    public Optional<Service> service(String namespace, String name) {
      return Optional.ofNullable(services.get(name));
    }

    @Override
    public dev.gantry.operator.relations.Credentials credentials(String namespace, String name) {
      return dev.gantry.operator.relations.Credentials.NONE;
    }

    @Override
    public Resolution.Explicit explicitBindings(
        String namespace, String kind, String name, Map<String, String> labels) {
      return Resolution.Explicit.NONE;
    }
  }
}
