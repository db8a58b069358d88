package dev.gantry.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workers.model.Split;
import dev.gantry.workers.model.Version;
import dev.gantry.workers.model.WorkerKey;
import dev.gantry.workers.runtime.ActiveWorker;
import dev.gantry.workers.runtime.WorkerRuntime;
import dev.gantry.workers.store.FileObjectStore;
import dev.gantry.workers.store.MetadataStore;
import dev.gantry.workers.store.SecretStore;
import dev.gantry.workers.upload.Multipart;
import dev.gantry.workers.upload.Upload;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the service does between the API and the runtime, with a runtime that only remembers. */
class WorkersServiceTest {
  static final WorkerKey WORKER = new WorkerKey("acct", "hello");

  @TempDir Path data;

  /** Remembers what it was last asked to serve. */
  static class RecordingRuntime implements WorkerRuntime {
    volatile Optional<ActiveWorker> serving = Optional.empty();

    @Override
    public void apply(WorkerKey worker, Optional<ActiveWorker> desired) {
      serving = desired;
    }

    @Override
    public void onTraceEvents(TraceListener listener) {}

    @Override
    public LocalDate newestCompatibilityDate() {
      return LocalDate.of(2026, 11, 17);
    }

    @Override
    public void close() {}
  }

  /**
   * Switches traffic as soon as it is asked and then takes a while to return, as a runtime that
   * drains the old process does; the first deployment waits for a second one to arrive, up to a
   * limit, which is where two deployments could overtake each other.
   */
  static final class SlowRuntime extends RecordingRuntime {
    final CountDownLatch secondArrived = new CountDownLatch(1);
    final CountDownLatch firstInRuntime = new CountDownLatch(1);
    int calls;

    @Override
    public void apply(WorkerKey worker, Optional<ActiveWorker> desired) {
      super.apply(worker, desired);
      if (++calls == 1) {
        firstInRuntime.countDown();
        try {
          secondArrived.await(300, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else {
        secondArrived.countDown();
      }
    }
  }

  WorkersService service(WorkerRuntime runtime) {
    return new WorkersService(
        new MetadataStore(data),
        new SecretStore(data),
        new FileObjectStore(data.resolve("objects")),
        runtime,
        Clock.systemUTC());
  }

  static Upload upload(String body) {
    return Upload.parse(
        Multipart.CONTENT_TYPE,
        new Multipart()
            .metadata("{\"main_module\":\"index.js\",\"compatibility_date\":\"2026-11-01\"}")
            .file(
                "index.js",
                "application/javascript+module",
                "export default { fetch() { return new Response('" + body + "') } }")
            .build(),
        new Upload.Limits(1 << 20, LocalDate.of(2026, 11, 17)));
  }

  @Test
  void concurrentDeploymentsOfOneWorkerLeaveTheRuntimeServingTheLastOneRecorded() throws Exception {
    SlowRuntime runtime = new SlowRuntime();
    WorkersService service = service(runtime);
    service.createToken("acct", "acct");
    Version a = service.createVersion(WORKER, upload("a"), Map.of());
    Version b = service.createVersion(WORKER, upload("b"), Map.of());

    CompletableFuture<?> first =
        CompletableFuture.runAsync(
            () -> service.deploy(WORKER, List.of(new Split(a.id(), 100)), Map.of(), "test"));
    // The second starts only once the first is in the runtime, so their order is fixed.
    assertThat(runtime.firstInRuntime.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<?> second =
        CompletableFuture.runAsync(
            () -> service.deploy(WORKER, List.of(new Split(b.id(), 100)), Map.of(), "test"));
    CompletableFuture.allOf(first, second).get(10, TimeUnit.SECONDS);

    String recorded = service.activeDeployment(WORKER).orElseThrow().versions().get(0).versionId();
    String served = runtime.serving.orElseThrow().versions().get(0).id();
    assertThat(served).isEqualTo(recorded).isEqualTo(b.id());
  }
}
