package dev.gantry.operator.relations;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;

/**
 * What the webhook puts on the operator's {@code /metrics}: how long each admission review takes
 * inside Gantry (body read to answer), by kind and outcome, and the TLS handshakes the API server
 * made. The API server waits for every review inside a user's request, so these say how much of a
 * slow pod create is Gantry's; a handshake count that keeps rising under steady load says the API
 * server is not reusing its connections, and pays a handshake per review.
 */
public final class WebhookMetrics {
  static final String ADMISSION = "gantry.webhook.admission";
  static final String HANDSHAKES = "gantry.webhook.tls.handshakes";

  private final MeterRegistry registry;
  private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();
  static final String REGISTRATION_CHECKS = "gantry.webhook.registration.checks";
  static final String REGISTRATION_WRITES = "gantry.webhook.registration.writes";

  private final Counter handshakes;
  private final Counter failedHandshakes;
  private final Counter registrationChecks;
  private final Counter registrationWrites;

  public WebhookMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.handshakes =
        Counter.builder(HANDSHAKES)
            .description("TLS handshakes of callers of the admission webhook")
            .tag("result", "succeeded")
            .register(registry);
    this.failedHandshakes =
        Counter.builder(HANDSHAKES)
            .description("TLS handshakes of callers of the admission webhook")
            .tag("result", "failed")
            .register(registry);
    this.registrationChecks =
        Counter.builder(REGISTRATION_CHECKS)
            .description("Checks of the webhook's certificates and registrations (one a minute)")
            .register(registry);
    this.registrationWrites =
        Counter.builder(REGISTRATION_WRITES)
            .description(
                "Writes of the webhook registrations: only when missing or differing in a field"
                    + " Gantry sets")
            .register(registry);
  }

  void registrationChecked() {
    registrationChecks.increment();
  }

  void registrationWritten() {
    registrationWrites.increment();
  }

  /** Metrics nobody scrapes: for a webhook served outside the operator (tests, benchmarks). */
  public static WebhookMetrics unscraped() {
    return new WebhookMetrics(new SimpleMeterRegistry());
  }

  /** Records one review that took {@code took}. */
  void admission(String kind, AdmissionHandler.Outcome outcome, Duration took) {
    // any kind the handler does not inject into is "other": the tags stay bounded
    String kindTag =
        kind != null
                && (AdmissionHandler.KINDS.contains(kind)
                    || "Namespace".equals(kind)
                    || "Stack".equals(kind))
            ? kind
            : "other";
    timers
        .computeIfAbsent(
            kindTag + "/" + outcome,
            key ->
                Timer.builder(ADMISSION)
                    .description("Time an admission review spends in Gantry, body read to answer")
                    .tag("kind", kindTag)
                    .tag("outcome", outcome.tag())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(100_000))
                    .maximumExpectedValue(Duration.ofSeconds(5))
                    .register(registry))
        .record(took);
  }

  /** Counts the handshakes of the connector it is added to as a bean. */
  SslHandshakeListener handshakeListener() {
    return new SslHandshakeListener() {
      @Override
      public void handshakeSucceeded(Event event) {
        handshakes.increment();
      }

      @Override
      public void handshakeFailed(Event event, Throwable failure) {
        failedHandshakes.increment();
      }
    };
  }

  /** Succeeded handshakes so far. */
  public double handshakes() {
    return handshakes.count();
  }

  /** Reviews recorded so far, of every kind and outcome. */
  public long admissions() {
    return registry.find(ADMISSION).timers().stream().mapToLong(Timer::count).sum();
  }

  /** The registry the meters live in. */
  public MeterRegistry registry() {
    return registry;
  }
}
