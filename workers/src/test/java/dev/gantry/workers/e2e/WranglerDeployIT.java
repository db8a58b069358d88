package dev.gantry.workers.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real wrangler 4 (Node 22) against Gantry's API, and requests through the router. */
class WranglerDeployIT {
  static final String TOML =
      """
      main = "src/index.js"
      compatibility_date = "2026-11-01"
      workers_dev = true

      [vars]
      GREETING = "%s"
      """;
  static final String SOURCE =
      """
      export default {
        async fetch(request, env) {
          return new Response(`${env.GREETING} from %s; secret=${env.API_KEY ?? "none"}`);
        },
      };
      """;

  @TempDir Path temp;
  WorkersHarness workers;

  @BeforeEach
  void start() {
    workers = new WorkersHarness(temp.resolve("data"), null);
  }

  @AfterEach
  void stop() {
    workers.close();
  }

  @Test
  void deployServesThePlainTextVarThenASecondDeployChangesTheAnswer() throws Exception {
    Path project =
        WorkersHarness.project(
            temp.resolve("hello"), "hello", TOML.formatted("hello"), SOURCE.formatted("v1"));
    Wrangler wrangler = workers.wrangler(project);
    var first = wrangler.ok("deploy");
    assertThat(first.output()).contains("Current Version ID");
    var response = workers.get("hello", "/");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("hello from v1; secret=none");

    WorkersHarness.project(project, "hello", TOML.formatted("hi"), SOURCE.formatted("v2"));
    wrangler.ok("deploy");
    assertThat(workers.get("hello", "/").body()).isEqualTo("hi from v2; secret=none");
  }

  @Test
  void secretPutListDeleteAndBulkReachTheWorkerAndValuesAreNeverReturned() throws Exception {
    Path project =
        WorkersHarness.project(
            temp.resolve("sec"), "sec", TOML.formatted("hello"), SOURCE.formatted("v1"));
    Wrangler wrangler = workers.wrangler(project);
    wrangler.ok("deploy");
    wrangler.okWithInput("s3cr3t-value\n", "secret", "put", "API_KEY");
    assertThat(workers.get("sec", "/").body()).isEqualTo("hello from v1; secret=s3cr3t-value");
    var list = wrangler.ok("secret", "list");
    assertThat(list.output()).contains("API_KEY").doesNotContain("s3cr3t-value");
    wrangler.ok("secret", "delete", "API_KEY");
    assertThat(workers.get("sec", "/").body()).isEqualTo("hello from v1; secret=none");

    java.nio.file.Files.writeString(
        project.resolve("secrets.json"), "{\"API_KEY\": \"from-bulk\"}");
    wrangler.ok("secret", "bulk", "secrets.json");
    assertThat(workers.get("sec", "/").body()).isEqualTo("hello from v1; secret=from-bulk");
  }

  @Test
  void versionsUploadThenDeployFiftyFiftyServesBothThenRollbackAndDelete() throws Exception {
    Path project =
        WorkersHarness.project(
            temp.resolve("split"), "split", TOML.formatted("hello"), SOURCE.formatted("v1"));
    Wrangler wrangler = workers.wrangler(project);
    wrangler.ok("deploy");
    String v1 = workers.server.service().versions(key("split")).get(0).id();

    WorkersHarness.project(project, "split", TOML.formatted("hello"), SOURCE.formatted("v2"));
    var upload = wrangler.ok("versions", "upload");
    assertThat(upload.output()).contains("Worker Version ID");
    assertThat(workers.get("split", "/").body()).isEqualTo("hello from v1; secret=none");
    String v2 = workers.server.service().versions(key("split")).get(1).id();

    wrangler.ok("versions", "deploy", v1 + "@50%", v2 + "@50%", "--yes");
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200 && seen.size() < 2; i++) {
      seen.add(workers.get("split", "/").body());
    }
    assertThat(seen)
        .containsExactlyInAnyOrder("hello from v1; secret=none", "hello from v2; secret=none");

    wrangler.ok("deploy");
    wrangler.ok("rollback", v1, "--message", "back to v1", "--yes");
    for (int i = 0; i < 20; i++) {
      assertThat(workers.get("split", "/").body()).isEqualTo("hello from v1; secret=none");
    }

    var delete = wrangler.ok("delete", "--force");
    assertThat(delete.output()).contains("Successfully deleted").doesNotContain("WARNING");
    assertThat(workers.get("split", "/").statusCode()).isEqualTo(404);
    assertThat(workers.server.service().script(key("split"))).isEmpty();
  }

  @Test
  void wrangler486OnTheMachinesNode20Deploys() throws Exception {
    Path project =
        WorkersHarness.project(
            temp.resolve("old"), "old", TOML.formatted("hello"), SOURCE.formatted("4.86"));
    workers.wrangler486(project).ok("deploy");
    assertThat(workers.get("old", "/").body()).isEqualTo("hello from 4.86; secret=none");
  }

  static dev.gantry.workers.model.WorkerKey key(String script) {
    return new dev.gantry.workers.model.WorkerKey(WorkersHarness.ACCOUNT, script);
  }

  @Test
  void tailStreamsTheWorkersLogsAndEndsItsSessionWhenWranglerStops() throws Exception {
    Path project =
        WorkersHarness.project(
            temp.resolve("tailed"),
            "tailed",
            TOML.formatted("hello"),
            """
            export default {
              async fetch(request) {
                console.log(`tail-me ${new URL(request.url).pathname}`);
                return new Response("logged");
              },
            };
            """);
    Wrangler wrangler = workers.wrangler(project);
    wrangler.ok("deploy");
    StringBuffer output = new StringBuffer();
    Process tail = wrangler.start(output, "tail", "--format", "json");
    try {
      // Until wrangler's socket is up and the worker's new process sends events, requests go
      // untraced; keep asking.
      int[] n = {0};
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                assertThat(workers.get("tailed", "/n" + n[0]++).body()).isEqualTo("logged");
                return output.toString().contains("tail-me /n");
              });
      assertThat(output.toString())
          .contains("\"scriptName\": \"tailed\"")
          .contains("\"outcome\": \"ok\"");
      assertThat(workers.server.service().tails(key("tailed"))).hasSize(1);

      // A deploy while tailed keeps the tail: the new version's events come through it.
      WorkersHarness.project(
          project,
          "tailed",
          TOML.formatted("hello"),
          """
          export default {
            async fetch(request) {
              console.log(`tail-me-again ${new URL(request.url).pathname}`);
              return new Response("logged again");
            },
          };
          """);
      wrangler.ok("deploy");
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                assertThat(workers.get("tailed", "/m" + n[0]++).body()).isEqualTo("logged again");
                return output.toString().contains("tail-me-again /m");
              });
    } finally {
      tail.destroy(); // SIGTERM: wrangler deletes its tail as it stops
      tail.waitFor(30, TimeUnit.SECONDS);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> workers.server.service().tails(key("tailed")).isEmpty());
    assertThat(workers.get("tailed", "/after").body()).isEqualTo("logged again");
  }

  @Test
  void theHelloExampleDeploysAsItsReadmeSays() throws Exception {
    Path example = Path.of("..", "examples", "workers", "hello");
    Path project = temp.resolve("example");
    java.nio.file.Files.createDirectories(project.resolve("src"));
    for (String file : new String[] {"wrangler.toml", "src/index.js"}) {
      java.nio.file.Files.copy(example.resolve(file), project.resolve(file));
    }
    Wrangler wrangler = workers.wrangler(project);
    wrangler.ok("deploy");
    assertThat(workers.get("hello", "/").body())
        .isEqualTo("hello from hello.acme.workers.localhost, without a secret\n");
    wrangler.okWithInput("s3cr3t\n", "secret", "put", "API_KEY");
    assertThat(workers.get("hello", "/").body())
        .isEqualTo("hello from hello.acme.workers.localhost, with a secret\n");
  }
}
