package dev.gantry.operator.relations;

import dev.gantry.operator.stack.StackAdmission;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the admission webhook: certificates from (or into) their Secret, the HTTPS server, and the
 * MutatingWebhookConfiguration with the current caBundle; checks every minute whether a rotation is
 * due or another replica changed the certificates.
 */
public final class RelationsWebhook implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RelationsWebhook.class);

  /** Also how fast replicas converge on the certificates in the Secret (one GET a minute). */
  static final Duration CHECK_EVERY = Duration.ofMinutes(1);

  /**
   * @param namespace where the certificate Secret lives (the operator's namespace)
   * @param dnsNames names the serving certificate must carry (the Service's DNS names, or the host)
   * @param target where the API server reaches the webhook
   */
  public record Settings(
      String namespace,
      List<String> dnsNames,
      String bindHost,
      int port,
      WebhookRegistration.Target target,
      InjectionSettings injection) {}

  private final KubernetesClient client;
  private final Settings settings;
  private final Clock clock;
  private final CertificateStore store;
  private final WebhookMetrics metrics;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "gantry-webhook-certificates");
            t.setDaemon(true);
            return t;
          });
  private final CachedProviderLookup lookup;
  private final NamespaceGuardHandler guard;
  private final StackAdmission stacks;
  private AdmissionServer server;
  private CertificateRotation.State state;

  /**
   * @param lookup the cache the webhook answers from, shared with the Relations controllers; it is
   *     the caller's to close
   */
  public RelationsWebhook(
      KubernetesClient client,
      Settings settings,
      Clock clock,
      WebhookMetrics metrics,
      CachedProviderLookup lookup) {
    this(client, settings, clock, metrics, lookup, null);
  }

  /**
   * @param guard answers namespace deletions (served and registered beside the relations webhook),
   *     or null when Provisions do not run here
   */
  public RelationsWebhook(
      KubernetesClient client,
      Settings settings,
      Clock clock,
      WebhookMetrics metrics,
      CachedProviderLookup lookup,
      NamespaceGuardHandler guard) {
    this(client, settings, clock, metrics, lookup, guard, null);
  }

  /**
   * @param stacks answers Stack creations and edits (served and registered beside the relations
   *     webhook), or null when Stacks do not run here
   */
  public RelationsWebhook(
      KubernetesClient client,
      Settings settings,
      Clock clock,
      WebhookMetrics metrics,
      CachedProviderLookup lookup,
      NamespaceGuardHandler guard,
      StackAdmission stacks) {
    this.client = client;
    this.lookup = lookup;
    this.guard = guard;
    this.stacks = stacks;
    this.settings = settings;
    this.clock = clock;
    this.metrics = metrics;
    this.store = new CertificateStore(client, settings.namespace());
  }

  public synchronized RelationsWebhook start() {
    state = current();
    server =
        new AdmissionServer(
                new AdmissionHandler(lookup, settings.injection()),
                guard,
                stacks,
                state.serving(),
                settings.bindHost(),
                settings.port(),
                metrics)
            .start();
    int compiled =
        WebhookWarmUp.compile(
            new AdmissionHandler(lookup, settings.injection()).answeringFrom(new WarmUpProviders()),
            COMPILE_CALLS,
            COMPILE_LIMIT);
    LOG.info("relations webhook handler ran {} warm-up reviews in process", compiled);
    warmUp();
    server.countHandshakes();
    register();
    scheduler.scheduleAtFixedRate(
        this::rotate, CHECK_EVERY.toMinutes(), CHECK_EVERY.toMinutes(), TimeUnit.MINUTES);
    LOG.info("relations webhook serving https on port {}", server.port());
    return this;
  }

  public int port() {
    return server.port();
  }

  /** Reviews the handler runs in process before the HTTPS warm-up, at most this many. */
  static final int COMPILE_CALLS = 20_000;

  static final Duration COMPILE_LIMIT = Duration.ofSeconds(4);

  /** Warm-up reviews sent before registering, at most this many. */
  static final int WARM_UP_REQUESTS = 300;

  /** Of those, how many come on a connection of their own, with a full TLS handshake. */
  static final int WARM_UP_OWN_CONNECTIONS = 100;

  static final Duration WARM_UP_LIMIT = Duration.ofSeconds(5);

  private WebhookWarmUp.Result warmUp;

  /** What the warm-up before registration did. */
  WebhookWarmUp.Result warmUpResult() {
    return warmUp;
  }

  private void warmUp() {
    String host =
        settings.bindHost() == null
                || settings.bindHost().isBlank()
                || settings.bindHost().equals("0.0.0.0")
            ? "127.0.0.1"
            : settings.bindHost();
    warmUp =
        WebhookWarmUp.run(
            host,
            server.port(),
            state.caBundle(),
            WARM_UP_REQUESTS,
            WARM_UP_OWN_CONNECTIONS,
            WARM_UP_LIMIT);
    LOG.info(
        "relations webhook warmed up before registering: {} of {} reviews answered ({} on"
            + " connections of their own) in {} ms",
        warmUp.answered(),
        warmUp.sent(),
        warmUp.ownConnections(),
        warmUp.took().toMillis());
  }

  public String caBundle() {
    return state.caBundle();
  }

  /**
   * Removes a registration left by an earlier run that served the webhook: with failurePolicy Fail
   * nothing may be written past it while nothing answers. Replicas that serve the webhook put it
   * back within a minute (see {@link #rotate()}).
   */
  public static void removeStaleRegistration(KubernetesClient client) {
    try {
      var guards = client.admissionRegistration().v1().validatingWebhookConfigurations();
      if (guards.withName(WebhookRegistration.GUARD_NAME).get() != null) {
        // Its failurePolicy is Ignore, but an unanswered call still costs each namespace delete
        // its timeout.
        guards.withName(WebhookRegistration.GUARD_NAME).delete();
      }
      if (guards.withName(WebhookRegistration.STACK_NAME).get() != null) {
        guards.withName(WebhookRegistration.STACK_NAME).delete();
      }
      var registrations = client.admissionRegistration().v1().mutatingWebhookConfigurations();
      if (registrations.withName(WebhookRegistration.NAME).get() != null) {
        registrations.withName(WebhookRegistration.NAME).delete();
        LOG.info(
            "removed the webhook registration {} left by an earlier run: this operator runs"
                + " without --webhook-port, so nothing would answer it",
            WebhookRegistration.NAME);
      }
    } catch (KubernetesClientException e) {
      LOG.warn(
          "could not check for a stale webhook registration {}: {}",
          WebhookRegistration.NAME,
          e.getMessage());
    }
  }

  /**
   * One rotation step if one is due: store, publish, then serve. Also puts back a registration that
   * was removed or changed (by an operator run without the webhook, or by hand).
   */
  synchronized void rotate() {
    try {
      metrics.registrationChecked();
      // From the Secret, not memory: another replica may have rotated, or won the first write.
      CertificateRotation.State next = current();
      boolean changed = !next.equals(state);
      boolean newServing = !next.serving().equals(state.serving());
      state = next;
      // The bundle is published before a certificate it alone trusts is served.
      register();
      if (newServing) {
        server.useCertificate(state.serving());
      }
      if (changed) {
        LOG.info(
            "webhook certificates rotated (CAs published: {})", state.publishedCaPems().size());
      }
    } catch (RuntimeException e) {
      LOG.warn("webhook certificate rotation failed, will retry: {}", e.toString());
    }
  }

  /**
   * The certificates every replica serves: the stored ones, advanced by a rotation step when one is
   * due, or new ones when none are stored. Whichever replica writes first wins; the others adopt
   * what it wrote.
   */
  private CertificateRotation.State current() {
    CertificateStore.Stored stored = store.read();
    if (stored == null) {
      return store.createOrAdopt(advance(null));
    }
    CertificateRotation.State next = advance(stored.state());
    return next.equals(stored.state()) ? next : store.replace(next, stored.resourceVersion());
  }

  private CertificateRotation.State advance(CertificateRotation.State current) {
    return CertificateRotation.next(
        current,
        settings.dnsNames(),
        clock.instant(),
        CertificateRotation.CA_VALIDITY,
        CertificateRotation.SERVING_VALIDITY);
  }

  /**
   * Registers the webhook (and the namespace guard) when a registration is missing or differs in
   * what Gantry sets; the fields the API server fills in (matchPolicy, objectSelector, ...) are no
   * difference, so an unchanged registration is never written again.
   */
  private void register() {
    var owner = owner();
    registerIfChanged(
        client.admissionRegistration().v1().mutatingWebhookConfigurations(),
        WebhookRegistration.desired(state.caBundle(), settings.target(), owner));
    if (guard != null) {
      registerIfChanged(
          client.admissionRegistration().v1().validatingWebhookConfigurations(),
          WebhookRegistration.guardDesired(state.caBundle(), settings.target(), owner));
    }
    if (stacks != null) {
      registerIfChanged(
          client.admissionRegistration().v1().validatingWebhookConfigurations(),
          WebhookRegistration.stackDesired(state.caBundle(), settings.target(), owner));
    }
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> void registerIfChanged(
      io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
              T, ?, io.fabric8.kubernetes.client.dsl.Resource<T>>
          registrations,
      T desired) {
    T live = registrations.withName(desired.getMetadata().getName()).get();
    try {
      if (live == null) {
        registrations.resource(desired).create();
        metrics.registrationWritten();
      } else if (!WebhookRegistration.matches(live, desired)) {
        desired.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
        registrations.resource(desired).update();
        metrics.registrationWritten();
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Another replica registered in between; the next check compares again.
    }
  }

  /**
   * The operator's namespace owns the registration: uninstalling Gantry deletes the namespace, and
   * the garbage collector the registration with it (a cluster-scoped object may only be owned by a
   * cluster-scoped one). Without it (not readable), the registration has no owner.
   */
  private java.util.Optional<io.fabric8.kubernetes.api.model.OwnerReference> owner() {
    try {
      var namespace = client.namespaces().withName(settings.namespace()).get();
      if (namespace == null) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(
          new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
              .withApiVersion("v1")
              .withKind("Namespace")
              .withName(namespace.getMetadata().getName())
              .withUid(namespace.getMetadata().getUid())
              .build());
    } catch (KubernetesClientException e) {
      LOG.warn(
          "could not read namespace {} to own the webhook registration: {}",
          settings.namespace(),
          e.getMessage());
      return java.util.Optional.empty();
    }
  }

  @Override
  public synchronized void close() {
    scheduler.shutdownNow();
    if (server != null) {
      server.close();
    }
  }
}
