package dev.gantry.workers.runtime;

import dev.gantry.workers.model.WorkerKey;
import java.time.LocalDate;
import java.util.Optional;

/**
 * Runs workers. The embedded default runs local workerd processes behind a router; a Kubernetes
 * backend runs the same configuration in pods. The API talks only to this.
 */
public interface WorkerRuntime extends AutoCloseable {
  /**
   * Serves {@code desired} for {@code worker} (or stops serving it, when empty). Returns once
   * traffic goes to the new state; the old one keeps serving until then and drains after.
   */
  void apply(WorkerKey worker, Optional<ActiveWorker> desired);

  /**
   * Where the trace events of tailed workers go: for each event batch, the worker, the version that
   * served and the trace items as workerd gives them (a JSON array).
   */
  void onTraceEvents(TraceListener listener);

  /** Takes the trace events of tailed workers. */
  @FunctionalInterface
  interface TraceListener {
    void events(WorkerKey worker, String versionId, String traceItemsJson);
  }

  /** The newest compatibility date this runtime can run; a later one is refused at upload. */
  LocalDate newestCompatibilityDate();

  @Override
  void close();
}
