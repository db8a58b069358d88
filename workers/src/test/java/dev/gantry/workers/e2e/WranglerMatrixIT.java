package dev.gantry.workers.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.workers.model.WorkerKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The command set users run, on every wrangler release Gantry stays compatible with: deploy,
 * secrets (bulk too), versions, a split, deployments, rollback, tail, and delete with and without
 * --force. Each step checks what the worker then serves or what the API then holds.
 */
class WranglerMatrixIT {
  static final String TOML =
      """
      main = "src/index.js"
      compatibility_date = "2026-11-01"
      workers_dev = true
      """;
  static final String SOURCE =
      """
      export default {
        async fetch(request, env) {
          console.log(`matrix ${new URL(request.url).pathname}`);
          return new Response(`%s; secret=${env.API_KEY ?? "none"}`);
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

  @ParameterizedTest
  @EnumSource(WranglerRelease.class)
  void theWholeCommandSetWorks(WranglerRelease release) throws Exception {
    String name = "m-" + release.name().toLowerCase().replace('_', '-');
    Path project = WorkersHarness.project(temp.resolve(name), name, TOML, SOURCE.formatted("v1"));
    Wrangler wrangler = workers.wrangler(release, project);

    wrangler.ok("deploy");
    assertThat(body(name)).isEqualTo("v1; secret=none");

    // secrets, one and in bulk; values never shown
    wrangler.okWithInput("first-value\n", "secret", "put", "API_KEY");
    assertThat(body(name)).isEqualTo("v1; secret=first-value");
    Files.writeString(
        project.resolve("bulk.json"), "{\"API_KEY\": \"bulk-value\", \"OTHER\": \"o\"}");
    wrangler.ok("secret", "bulk", "bulk.json");
    assertThat(body(name)).isEqualTo("v1; secret=bulk-value");
    assertThat(workers.server.service().secretNames(key(name))).containsExactly("API_KEY", "OTHER");
    assertThat(wrangler.ok("secret", "list").output())
        .contains("API_KEY", "OTHER")
        .doesNotContain("bulk-value");

    // versions: upload without serving, view with the secrets' names only
    String v1 = workers.server.service().versions(key(name)).get(0).id();
    WorkersHarness.project(project, name, TOML, SOURCE.formatted("v2"));
    wrangler.ok("versions", "upload");
    assertThat(body(name)).isEqualTo("v1; secret=bulk-value");
    String v2 = workers.server.service().versions(key(name)).get(1).id();
    assertThat(wrangler.ok("versions", "list").output()).contains(v1, v2);
    assertThat(wrangler.ok("versions", "view", v2).output())
        .contains("API_KEY", "OTHER")
        .doesNotContain("bulk-value");

    // a secret through the versions commands: Gantry's secrets are the worker's
    wrangler.okWithInput("versioned\n", "versions", "secret", "put", "FROM_VERSIONS");
    assertThat(workers.server.service().secretNames(key(name))).contains("FROM_VERSIONS");
    assertThat(body(name)).isEqualTo("v1; secret=bulk-value");

    // a split, the deployments, a rollback
    wrangler.ok("versions", "deploy", v1 + "@50%", v2 + "@50%", "--yes");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200 && seen.size() < 2; i++) {
      seen.add(body(name));
    }
    assertThat(seen).containsExactlyInAnyOrder("v1; secret=bulk-value", "v2; secret=bulk-value");
    assertThat(wrangler.ok("deployments", "list").output()).contains(v1, v2);
    wrangler.ok("rollback", v2, "--message", "all on v2", "--yes");
    for (int i = 0; i < 10; i++) {
      assertThat(body(name)).isEqualTo("v2; secret=bulk-value");
    }
    wrangler.ok("secret", "delete", "OTHER");
    assertThat(workers.server.service().secretNames(key(name))).doesNotContain("OTHER");

    tailShowsARequest(wrangler, name);

    // a secret for a worker that does not exist yet makes it, as on Cloudflare
    String fresh = name + "-fresh";
    wrangler.okWithInput("new-value\n", "secret", "put", "NEW_KEY", "--name", fresh);
    assertThat(workers.server.service().secretNames(key(fresh))).containsExactly("NEW_KEY");

    // delete without --force asks what depends on the worker, then deletes
    var deleted = wrangler.ok("delete", "--name", fresh);
    assertThat(deleted.output()).contains("Successfully deleted");
    assertThat(workers.server.service().script(key(fresh))).isEmpty();

    wrangler.ok("delete", "--force");
    assertThat(workers.get(name, "/").statusCode()).isEqualTo(404);
    assertThat(workers.server.service().script(key(name))).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(WranglerRelease.class)
  void textAndHtmlFilesTheWorkerImportsAreBundledDeployedAndServed(WranglerRelease release)
      throws Exception {
    String name = "i-" + release.name().toLowerCase().replace('_', '-');
    Path project =
        WorkersHarness.project(
            temp.resolve(name),
            name,
            TOML,
            """
            import text from "./page.txt";
            import html from "./page.html";
            export default {
              fetch() {
                return new Response(`${text.trim()} | ${html.trim()}`);
              },
            };
            """);
    Files.writeString(project.resolve("src/page.txt"), "plain text from a file\n");
    Files.writeString(project.resolve("src/page.html"), "<p>html from a file</p>\n");
    // wrangler's default rules bundle both as text modules, each named ./<hash>-<file>
    workers.wrangler(release, project).ok("deploy");
    assertThat(body(name)).isEqualTo("plain text from a file | <p>html from a file</p>");
  }

  private void tailShowsARequest(Wrangler wrangler, String name) throws Exception {
    StringBuffer output = new StringBuffer();
    Process tail = wrangler.start(output, "tail", "--format", "json");
    try {
      int[] n = {0};
      // until wrangler's socket is up, requests go untraced: keep asking
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                body(name + "", "/t" + n[0]++);
                return output.toString().contains("matrix /t");
              });
    } finally {
      tail.destroy();
      tail.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private String body(String name) throws Exception {
    return body(name, "/");
  }

  private String body(String name, String path) throws Exception {
    var response = workers.get(name, path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  static WorkerKey key(String script) {
    return new WorkerKey(WorkersHarness.ACCOUNT, script);
  }
}
