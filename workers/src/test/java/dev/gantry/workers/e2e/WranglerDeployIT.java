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

/**
 * The real wrangler 4 (Node 22) against Gantry's API, and requests through the router: deploys,
 * tail, the example. {@link WranglerMatrixIT} runs the whole command set on every release.
 */
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
  void wranglerGetsCloudflaresErrorForASecretNamedLikeAVarAndForAVarNamedLikeASecret()
      throws Exception {
    Path project =
        WorkersHarness.project(
            temp.resolve("names"), "names", TOML.formatted("hello"), SOURCE.formatted("v1"));
    Wrangler wrangler = workers.wrangler(project);
    wrangler.ok("deploy");

    var secret = wrangler.runWithInput("shadow\n", "secret", "put", "GREETING");
    assertThat(secret.exitCode()).as(secret.output()).isNotZero();
    assertThat(secret.output())
        .contains("Binding name 'GREETING' already in use")
        .contains("[code: 10053]");
    assertThat(workers.server.service().secretNames(key("names"))).isEmpty();

    wrangler.okWithInput("s3cr3t\n", "secret", "put", "API_KEY");
    WorkersHarness.project(
        project,
        "names",
        TOML.formatted("hello") + "API_KEY = \"plain\"\n",
        SOURCE.formatted("v2"));
    var var = wrangler.run("deploy");
    assertThat(var.exitCode()).as(var.output()).isNotZero();
    assertThat(var.output())
        .contains("Binding name 'API_KEY' already in use")
        .contains("[code: 10053]");
    assertThat(workers.get("names", "/").body()).isEqualTo("hello from v1; secret=s3cr3t");
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
