package dev.gantry.operator.provision;

import dev.gantry.operator.provision.OutputsRead.Request;
import dev.gantry.operator.provision.OutputsSecret.ReadFile;
import dev.gantry.operator.provision.VolumeReader.VolumeReadException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads a successful apply's outputs off the reconcile thread: a read is an exec into a pod, which
 * can take seconds, and a reconcile must not wait on it. The planner asks for a read; the read runs
 * here; its result is kept per Provision and announced through an event source, and the next pass
 * finds it. One result per Provision: a later run's request replaces it.
 */
public final class OutputsReads implements AutoCloseable {
  /** A failed read is tried again this long after it failed, at the earliest. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  private final VolumeReader reader;
  private final Clock clock;
  private final Map<String, OutputsRead> results = new ConcurrentHashMap<>();
  private final SimpleInboundEventSource<dev.gantry.api.provision.Provision> events =
      new SimpleInboundEventSource<>("outputs-reads");
  private final ExecutorService readers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "gantry-outputs-reader");
            t.setDaemon(true);
            return t;
          });

  public OutputsReads(VolumeReader reader, Clock clock) {
    this.reader = reader;
    this.clock = clock;
  }

  /** The event source a finished read wakes its Provision through. */
  SimpleInboundEventSource<dev.gantry.api.provision.Provision> eventSource() {
    return events;
  }

  /** The latest read asked for this Provision, whichever run it was for. */
  Optional<OutputsRead> latest(String uid) {
    return Optional.ofNullable(results.get(uid));
  }

  /**
   * Starts the read unless the same one is going or done, or failed less than {@link #RETRY_AFTER}
   * ago.
   */
  void request(Request request, KubernetesClient client) {
    OutputsRead[] started = new OutputsRead[1];
    results.compute(
        request.uid(),
        (uid, current) -> {
          if (current != null && current.request().equals(request)) {
            boolean retry =
                current instanceof OutputsRead.Failed failed
                    && !clock.instant().isBefore(failed.at().plus(RETRY_AFTER));
            if (!retry) {
              return current;
            }
          }
          started[0] = new OutputsRead.Reading(request);
          return started[0];
        });
    if (started[0] != null) {
      readers.execute(() -> read(request, client));
    }
  }

  /** Drops what is kept for a Provision that is gone. */
  void forget(String uid) {
    results.remove(uid);
  }

  private void read(Request request, KubernetesClient client) {
    OutputsRead result;
    try {
      Map<String, ReadFile> files =
          reader.read(
              client,
              request.namespace(),
              request.pod(),
              request.container(),
              request.mountPath(),
              request.paths(),
              request.limit());
      result = new OutputsRead.Read(request, files);
    } catch (VolumeReadException e) {
      result = new OutputsRead.Failed(request, e.getMessage(), clock.instant());
    } catch (RuntimeException e) {
      result = new OutputsRead.Failed(request, e.toString(), clock.instant());
    }
    OutputsRead done = result;
    // Kept only if it is still the read asked for (not replaced by a later run's).
    results.computeIfPresent(
        request.uid(), (uid, current) -> current.request().equals(request) ? done : current);
    try {
      events.propagateEvent(new ResourceID(request.provision(), request.namespace()));
    } catch (RuntimeException e) {
      // Not started (the operator stops): the next pass finds the result anyway.
    }
  }

  @Override
  public void close() {
    readers.shutdownNow();
  }
}
