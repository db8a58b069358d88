package dev.gantry.operator.kube;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events about a primary resource; an Event that cannot be written is logged. The
 * write runs beside the reconcile, not in it: an Event is news for a person, and a pass should not
 * wait a round trip to the API server for it (a full queue makes the caller write it itself).
 */
public class EventRecorder {
  private static final java.util.concurrent.ExecutorService WRITERS =
      new java.util.concurrent.ThreadPoolExecutor(
          2,
          2,
          30,
          java.util.concurrent.TimeUnit.SECONDS,
          new java.util.concurrent.ArrayBlockingQueue<>(1000),
          r -> {
            Thread t = new Thread(r, "gantry-events");
            t.setDaemon(true);
            return t;
          },
          new java.util.concurrent.ThreadPoolExecutor.CallerRunsPolicy());

  /** Events handed over and not written yet. */
  private static final Object PENDING_LOCK = new Object();

  private static int pending;

  /**
   * Waits until every Event handed over so far is written (or refused), at most {@code timeout}:
   * before the operator closes its client, so its last Events are not lost.
   */
  public static void awaitWritten(java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (PENDING_LOCK) {
      while (pending > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(PENDING_LOCK, left);
      }
    }
  }

  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final String COMPONENT = "gantry-operator";

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(HasMetadata about, String reason, String message) {
    record(about, NORMAL, reason, message);
  }

  public void warning(HasMetadata about, String reason, String message) {
    record(about, WARNING, reason, message);
  }

  private void record(HasMetadata about, String type, String reason, String message) {
    var meta = about.getMetadata();
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(meta.getName() + "." + UUID.randomUUID().toString().substring(0, 8))
            .withNamespace(meta.getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(about.getApiVersion())
                    .withKind(about.getKind())
                    .withName(meta.getName())
                    .withNamespace(meta.getNamespace())
                    .withUid(meta.getUid())
                    .withResourceVersion(meta.getResourceVersion())
                    .build())
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    synchronized (PENDING_LOCK) {
      pending++;
    }
    WRITERS.execute(
        () -> {
          try {
            write(event, meta, reason);
          } finally {
            synchronized (PENDING_LOCK) {
              pending--;
              PENDING_LOCK.notifyAll();
            }
          }
        });
    // The message can carry a tool's own error text (a failed run's output); it belongs to those
    // who may read the object's Events, not to everyone who reads the operator's log.
    LOG.info("{}/{} {} ({} Event recorded)", meta.getNamespace(), meta.getName(), reason, type);
    LOG.debug("{}/{} {}: {}", meta.getNamespace(), meta.getName(), reason, message);
  }

  private void write(
      io.fabric8.kubernetes.api.model.Event event,
      io.fabric8.kubernetes.api.model.ObjectMeta meta,
      String reason) {
    try {
      client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      if (NamespaceTermination.refused(e)) {
        // Expected while a namespace goes: the status conditions carry the same news.
        LOG.debug("no event {} in terminating namespace {}", reason, meta.getNamespace());
      } else {
        LOG.warn(
            "could not record event {} on {}/{}: {}",
            reason,
            meta.getNamespace(),
            meta.getName(),
            e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage());
      }
    } catch (RuntimeException e) {
      // The client closed (the operator stopping): the Event is lost, as any best-effort news.
      LOG.debug("could not record event {}: {}", reason, e.toString());
    }
  }
}
