package dev.gantry.operator.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.gantry.api.stack.Stack;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.testing.OperatorHarness;
import dev.gantry.operator.testing.RequiredProgram;
import dev.gantry.operator.testing.SimulatedCluster;
import dev.gantry.operator.testing.StackApiAnswers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's) with http_sd_configs pointed at the operator's /discovery/stacks
 * finds a Stack's metrics target, labelled with the Stack, component and pod, and scrapes it. The
 * test plays the cluster: the pod is ready at 127.0.0.1, where the test serves its metrics.
 */
@EnableKubernetesMockClient(crud = true)
class StackDiscoveryPrometheusIT {
  static final String NS = "monitoring";
  static KubernetesClient client;
  static KubernetesMockServer server;
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  GantryOperator operator;
  HttpServer metrics;
  Process prometheus;

  @BeforeEach
  void start() throws Exception {
    RequiredProgram.prometheus();
    OperatorHarness.installCrds(client);
    StackApiAnswers.serveDiscovery(server);
    StackApiAnswers.answerAccessReviews(server, permission -> true);
    operator = OperatorHarness.start(client, 0);
    metrics = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    metrics.createContext(
        "/metrics",
        exchange -> {
          byte[] body = "media_sessions 3\n".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    metrics.start();
  }

  @AfterEach
  void stop() {
    if (prometheus != null) {
      prometheus.destroy();
    }
    metrics.stop(0);
    operator.close();
  }

  String get(String url) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void prometheusFindsTheStacksTargetThroughGantryAndScrapesIt() throws Exception {
    String discovery = "http://127.0.0.1:" + operator.httpPort() + "/discovery/stacks";
    assertThat(get(discovery)).isEqualTo("[]");

    Stack stack =
        Serialization.unmarshal(
            """
            apiVersion: gantry.dev/v1alpha1
            kind: Stack
            metadata: {name: conference, namespace: monitoring}
            spec:
              components:
              - name: media
                metrics: {port: %d}
                template:
                  apiVersion: apps/v1
                  kind: Deployment
                  metadata: {name: media}
                  spec:
                    selector: {matchLabels: {app: media}}
                    template:
                      metadata: {labels: {app: media}}
                      spec: {containers: [{name: bbb, image: bbb}]}
            """
                .formatted(metrics.getAddress().getPort()),
            Stack.class);
    client.resource(stack).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.apps().deployments().inNamespace(NS).withName("media").get() != null);
    var labels =
        client
            .apps()
            .deployments()
            .inNamespace(NS)
            .withName("media")
            .get()
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getLabels();
    new SimulatedCluster(client).readyPod(NS, "media-7d9f-abcde", "127.0.0.1", labels);
    await().atMost(Duration.ofSeconds(30)).until(() -> get(discovery).contains("127.0.0.1:"));

    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global: {scrape_interval: 1s, evaluation_interval: 1s}
        scrape_configs:
          - job_name: gantry-stacks
            http_sd_configs:
              - url: %s
                refresh_interval: 1s
        """
            .formatted(discovery));
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    prometheus =
        new ProcessBuilder(
                RequiredProgram.prometheus().toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    String api = "http://127.0.0.1:" + port + "/api/v1/targets";
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () -> {
              JsonNode target = JSON.readTree(get(api)).at("/data/activeTargets/0");
              return "up".equals(target.path("health").asText());
            });
    JsonNode target = JSON.readTree(get(api)).at("/data/activeTargets/0");
    assertThat(target.at("/labels/stack").asText()).isEqualTo("conference");
    assertThat(target.at("/labels/component").asText()).isEqualTo("media");
    assertThat(target.at("/labels/pod").asText()).isEqualTo("media-7d9f-abcde");
    assertThat(target.at("/labels/namespace").asText()).isEqualTo(NS);
    assertThat(target.path("scrapeUrl").asText())
        .isEqualTo("http://127.0.0.1:" + metrics.getAddress().getPort() + "/metrics");

    // The pod goes: the target list empties.
    client.pods().inNamespace(NS).withName("media-7d9f-abcde").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> get(discovery).equals("[]"));
  }
}
