package dev.gantry.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.workers.model.ModuleRef;
import dev.gantry.workers.model.Split;
import dev.gantry.workers.model.Version;
import dev.gantry.workers.model.WorkerKey;
import dev.gantry.workers.store.FileObjectStore;
import dev.gantry.workers.upload.ModuleKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local runtime with the real workerd, below the API. */
class LocalRuntimeIT {
  static final Path WORKERD =
      Path.of(System.getProperty("gantry.tools", "tools"), "node_modules/.bin/workerd")
          .toAbsolutePath();

  @TempDir Path temp;
  FileObjectStore objects;

  @BeforeEach
  void stores() {
    objects = new FileObjectStore(temp.resolve("objects"));
  }

  @Test
  void whatAWorkerLogsIsKeptUnderItsNameAndTheRuntimeFilesArePrivate() throws Exception {
    byte[] source =
        "export default { fetch() { console.log('seen-by-gantry'); return new Response('ok') } }"
            .getBytes(StandardCharsets.UTF_8);
    objects.put("scripts/acct/logger/1", source);
    Version v =
        new Version(
            "11111111-2222-3333-4444-555555555555",
            1,
            "2026-12-01T00:00:00Z",
            "index.js",
            false,
            "2024-09-23",
            List.of(),
            List.of(),
            List.of(
                new ModuleRef(
                    "index.js", ModuleKind.ES_MODULE, "scripts/acct/logger/1", "1", source.length)),
            new ObjectMapper().createObjectNode(),
            Map.of());
    WorkerKey key = new WorkerKey("acct", "logger");
    try (var runtime = runtime()) {
      runtime.apply(
          key,
          Optional.of(
              new ActiveWorker(
                  key,
                  "acct",
                  true,
                  List.of(new Split(v.id(), 100)),
                  List.of(v),
                  Map.of(),
                  false)));
      assertThat(get(runtime, "logger")).isEqualTo("ok");
      WorkerdProcess process = runtime.process(key).orElseThrow();
      assertThat(process.label()).isEqualTo("acct/logger");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> process.output().contains("seen-by-gantry"));
      // Rendered configurations carry secrets: only the server's user can read them.
      assertThat(Files.getPosixFilePermissions(temp.resolve("runtime")))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.OWNER_EXECUTE);
    }
  }

  /** How many workerd configurations are written below {@code directory}. */
  static long configurationsUnder(Path directory) throws java.io.IOException {
    if (!java.nio.file.Files.isDirectory(directory)) {
      return 0;
    }
    try (var files = java.nio.file.Files.walk(directory)) {
      return files.filter(f -> f.getFileName().toString().equals("config.capnp")).count();
    }
  }

  LocalRuntime runtime() {
    return new LocalRuntime(
        new LocalRuntime.Settings(
            WORKERD, temp.resolve("runtime"), "127.0.0.1", 0, "workers.localhost"),
        objects);
  }

  /** The body a script of account acct answers through the runtime's router. */
  static String get(LocalRuntime runtime, String script) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.port() + "/"))
                .header("Host", script + ".acct.workers.localhost")
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** A worker of one ES module, as the runtime is given it. */
  ActiveWorker worker(WorkerKey key, String id, String source) throws Exception {
    byte[] bytes = source.getBytes(StandardCharsets.UTF_8);
    String objectKey = "scripts/" + key.account() + "/" + key.script() + "/" + id;
    objects.put(objectKey, bytes);
    Version v =
        new Version(
            id,
            1,
            "2026-12-01T00:00:00Z",
            "index.js",
            false,
            "2024-09-23",
            List.of(),
            List.of(),
            List.of(new ModuleRef("index.js", ModuleKind.ES_MODULE, objectKey, id, bytes.length)),
            new ObjectMapper().createObjectNode(),
            Map.of());
    return new ActiveWorker(
        key, key.account(), true, List.of(new Split(v.id(), 100)), List.of(v), Map.of(), false);
  }

  @Test
  void aWorkerThatIsSlowToStartHoldsUpNoOtherWorkersDeployment() throws Exception {
    WorkerKey slowKey = new WorkerKey("acct", "slow");
    WorkerKey quickKey = new WorkerKey("acct", "quick");
    // About 1.5 s of top-level work here before the worker can answer.
    ActiveWorker slow =
        worker(
            slowKey,
            "aaaaaaaa-0000-0000-0000-000000000001",
            "let x = 0;\nfor (let i = 0; i < 4e8; i++) x = (x * 31 + i) % 1000003;\n"
                + "export default { fetch() { return new Response('slow ' + x) } }");
    ActiveWorker quick =
        worker(
            quickKey,
            "bbbbbbbb-0000-0000-0000-000000000002",
            "export default { fetch() { return new Response('quick') } }");
    try (var runtime = runtime()) {
      var slowStarted = CompletableFuture.runAsync(() -> runtime.apply(slowKey, Optional.of(slow)));
      // The slow one is starting: its workerd configuration is written.
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(20))
          .until(() -> configurationsUnder(temp.resolve("runtime")) > 0);
      runtime.apply(quickKey, Optional.of(quick));
      assertThat(slowStarted).as("the slow worker is still starting").isNotDone();
      slowStarted.get(30, TimeUnit.SECONDS);
      assertThat(runtime.process(slowKey)).isPresent();
      assertThat(runtime.process(quickKey)).isPresent();
    }
  }

  @Test
  void aWorkerThatDoesNotStartLeavesNoFilesBehind() throws Exception {
    WorkerKey key = new WorkerKey("acct", "broken");
    ActiveWorker broken =
        worker(
            key,
            "cccccccc-0000-0000-0000-000000000003",
            "throw new Error('not today');\nexport default { fetch() { return new Response('x') } }");
    try (var runtime = runtime()) {
      assertThatThrownBy(() -> runtime.apply(key, Optional.of(broken)))
          .isInstanceOf(WorkerStartException.class)
          .hasMessageContaining("not today");
      try (var files = Files.walk(temp.resolve("runtime"))) {
        assertThat(files.filter(Files::isRegularFile).toList())
            .as("its configuration (which would hold its secrets) and modules are gone")
            .isEmpty();
      }
      assertThat(runtime.process(key)).isEmpty();
    }
  }

  @Test
  void aTailedWorkersLogsReachTheTraceListenerWithItsVersion() throws Exception {
    WorkerKey key = new WorkerKey("acct", "traced");
    ActiveWorker plain =
        worker(
            key,
            "dddddddd-0000-0000-0000-000000000004",
            "export default { fetch() { console.log('seen-in-tail'); return new Response('ok') } }");
    ActiveWorker tailed =
        new ActiveWorker(
            key, plain.subdomain(), true, plain.split(), plain.versions(), plain.secrets(), true);
    var received = new CopyOnWriteArrayList<String>();
    try (var runtime = runtime()) {
      runtime.onTraceEvents(
          (worker, version, json) -> received.add(worker + " " + version + " " + json));
      runtime.apply(key, Optional.of(plain));
      get(runtime, "traced");
      runtime.apply(key, Optional.of(tailed));
      assertThat(get(runtime, "traced")).isEqualTo("ok");
      await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
      assertThat(received)
          .as("only the request made while tailed")
          .singleElement()
          .asString()
          .startsWith("acct/traced dddddddd-0000-0000-0000-000000000004 [")
          .contains("seen-in-tail")
          .contains("\"outcome\":\"ok\"");
    }
  }

  @Test
  void aPortTakenBeforeWorkerdBindsItIsReplacedAndTheWorkerStarts() throws Exception {
    WorkerKey key = new WorkerKey("acct", "crowded");
    ActiveWorker crowded =
        worker(
            key,
            "eeeeeeee-0000-0000-0000-000000000005",
            "export default { fetch() { return new Response('made room') } }");
    try (ServerSocket taken = new ServerSocket(0)) {
      // The first workerd gets a free version port and, for its readiness socket, a taken one.
      var given = new AtomicInteger();
      IntSupplier ports =
          () -> {
            if (given.incrementAndGet() == 2) {
              return taken.getLocalPort();
            }
            try (ServerSocket free = new ServerSocket(0)) {
              return free.getLocalPort();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          };
      try (var runtime =
          new LocalRuntime(
              new LocalRuntime.Settings(
                  WORKERD, temp.resolve("runtime"), "127.0.0.1", 0, "workers.localhost"),
              objects,
              ports)) {
        runtime.apply(key, Optional.of(crowded));
        assertThat(given.get()).as("a second start, on two new ports").isEqualTo(4);
        assertThat(get(runtime, "crowded")).isEqualTo("made room");
      }
    }
  }
}
