package dev.gantry.workers.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
}
