package dev.gantry.workers.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.workers.model.WorkerKey;
import dev.gantry.workers.upload.Multipart;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real `gantry workers serve` process killed with {@code kill -9} while a deploy waits for its
 * worker to start: the upload was never acknowledged, so it is not kept, and the server's workerd
 * processes end with it instead of serving on unsupervised.
 */
class ServerKillIT {
  static final WorkerKey KEY = new WorkerKey(WorkersHarness.ACCOUNT, "steady");
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path temp;
  ServerProcess server;
  List<ProcessHandle> workerds = List.of();

  @AfterEach
  void cleanUp() {
    if (server != null) {
      server.process.destroyForcibly();
    }
    workerds.forEach(ProcessHandle::destroyForcibly); // whatever a failed check left running
  }

  static byte[] worker(String source) {
    return new Multipart()
        .metadata("{\"main_module\":\"index.js\",\"compatibility_date\":\"2024-09-23\"}")
        .file("index.js", "application/javascript+module", source)
        .build();
  }

  /**
   * Deploys {@code steady} (answering "v1"), starts a deploy of a version whose start-up never
   * ends, and kills the server with SIGKILL while it waits for that worker; returns its workerd
   * processes as they were just before.
   */
  List<ProcessHandle> killDuringADeploy() throws Exception {
    Path data = temp.resolve("data");
    server = ServerProcess.start(data, temp.resolve("server.log"));
    Api api = new Api(server.apiBase(), WorkersHarness.ACCOUNT, server.token);
    String script = "/accounts/{account}/workers/scripts/steady";
    var first =
        api.send(
            "PUT",
            script,
            Multipart.CONTENT_TYPE,
            worker("export default { fetch() { return new Response('v1') } }"));
    assertThat(first.status()).as(first.body().toString()).isEqualTo(200);
    api.json("POST", script + "/subdomain", "{\"enabled\":true}");
    assertThat(get(server.routerPort)).isEqualTo("v1");

    // never answered: the server dies while workerd runs this version's top-level code
    HTTP.sendAsync(
        HttpRequest.newBuilder(
                URI.create(server.apiBase() + script.replace("{account}", WorkersHarness.ACCOUNT)))
            .header("Authorization", "Bearer " + server.token)
            .header("Content-Type", Multipart.CONTENT_TYPE)
            .PUT(
                HttpRequest.BodyPublishers.ofByteArray(
                    worker(
                        "for (;;) {}\nexport default { fetch() { return new Response('v2') } }")))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    await("the second version's workerd is starting")
        .atMost(Duration.ofSeconds(15))
        .until(() -> server.workerds().size() == 2);
    workerds = server.workerds();
    server.process.destroyForcibly(); // SIGKILL: no shutdown hook, nothing of the JVM runs
    assertThat(server.process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    return workerds;
  }

  static String get(int routerPort) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + routerPort + "/"))
                .header("Host", "steady." + WorkersHarness.SUBDOMAIN + ".workers.localhost")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void theWorkerdProcessesOfAKilledServerEndWithIt() throws Exception {
    List<ProcessHandle> left = killDuringADeploy();
    await("every workerd of the killed server ended")
        .atMost(Duration.ofSeconds(10))
        .until(() -> left.stream().noneMatch(ProcessHandle::isAlive));
  }

  @Test
  void anUploadNeverAcknowledgedBeforeTheKillIsNotListedOrKeptAfterARestart() throws Exception {
    killDuringADeploy();
    try (WorkersHarness restarted = new WorkersHarness(temp.resolve("data"), null)) {
      assertThat(restarted.get("steady", "/").body()).isEqualTo("v1");
      Api api = new Api(restarted.apiBase(), WorkersHarness.ACCOUNT, restarted.token);
      var versions = api.json("GET", "/accounts/{account}/workers/scripts/steady/versions", null);
      assertThat(versions.body().path("result").path("items")).hasSize(1);
      assertThat(restarted.server.service().versions(KEY)).hasSize(1);
      assertThat(restarted.server.service().deployments(KEY)).hasSize(1);
      try (var objects = Files.walk(restarted.data.resolve("objects"))) {
        assertThat(objects.filter(Files::isRegularFile)).hasSize(1); // v1's module alone
      }
      assertThat(
              Api.JSON.readTree(restarted.data.resolve("metadata.json").toFile()).path("pending"))
          .isEmpty();
    }
  }
}
