package dev.gantry.operator.runtime;

import dev.gantry.operator.minicluster.MiniClusterReconciler;
import dev.gantry.operator.provision.ProvisionReconciler;
import dev.gantry.operator.relations.CachedProviderLookup;
import dev.gantry.operator.relations.ConsumerReconciler;
import dev.gantry.operator.relations.InjectionSettings;
import dev.gantry.operator.relations.NamespaceGuardHandler;
import dev.gantry.operator.relations.RelationReconciler;
import dev.gantry.operator.relations.RelationsWebhook;
import dev.gantry.operator.relations.WebhookMetrics;
import dev.gantry.operator.stack.StackAdmission;
import dev.gantry.operator.stack.StackDiscovery;
import dev.gantry.operator.stack.StackReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator: every controller registered against one client, all configuration applied here.
 * Server-side apply is off everywhere, so production and the mock-server tests share one code path.
 */
public class GantryOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GantryOperator.class);

  private final Operator operator;
  private final PrometheusMeterRegistry registry;
  private final HealthServer http;
  private final OperatorOptions options;
  private volatile boolean closing;

  /** Whether this replica reconciles: it holds the Lease, or there is no election. */
  private volatile boolean leading;

  private final RelationsWebhook webhook;
  private final Map<Capability, String> disabled;
  private final KubernetesClient client;
  private final String identity = newIdentity();

  private final CachedProviderLookup relationsCache;

  /** The Stacks' scrape targets, served as Prometheus HTTP service discovery. */
  private final StackDiscovery stackDiscovery = new StackDiscovery();

  /** Reconcilers that hold threads or clients of their own (the outputs reads, Stack writers). */
  private final List<AutoCloseable> closeables;

  public GantryOperator(KubernetesClient client, OperatorOptions options, Clock clock) {
    this.options = options;
    this.client = client;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                  .withStopOnInformerErrorDuringStartup(true)
                  // An informer that stops for good never recovers: exit so Kubernetes restarts
                  // the pod, unless the operator is being stopped on purpose.
                  .withInformerStoppedHandler(
                      (informer, error) -> {
                        if (!closing && error != null) {
                          LOG.error(
                              "an informer stopped: {}; exiting so the operator restarts",
                              error.toString());
                          System.exit(1);
                        }
                      })
                  .withCacheSyncTimeout(Duration.ofMinutes(2));
              if (options.leaderElection()) {
                o.withLeaderElectionConfiguration(leaderElection(options));
              }
            });
    this.disabled = disabledCapabilities(client);
    List<Reconciler<?>> reconcilers = new java.util.ArrayList<>();
    if (!disabled.containsKey(Capability.PROVISION)) {
      reconcilers.add(new ProvisionReconciler(options.provision(), clock));
    }
    if (!disabled.containsKey(Capability.MINICLUSTER)) {
      reconcilers.add(new MiniClusterReconciler(clock));
    }
    boolean relations = !disabled.containsKey(Capability.RELATIONS);
    // One cache of providers, Relations and credentials for the webhook and the controllers.
    this.relationsCache = relations ? new CachedProviderLookup(client) : null;
    if (relations) {
      reconcilers.addAll(ConsumerReconciler.all(injection(options), clock, relationsCache));
      reconcilers.add(new RelationReconciler(clock, relationsCache));
    }
    if (!disabled.containsKey(Capability.STACK)) {
      reconcilers.add(
          new StackReconciler(client, clock, stackDiscovery, options.stackServiceAccount()));
    }
    this.closeables =
        reconcilers.stream()
            .filter(r -> r instanceof AutoCloseable)
            .map(r -> (AutoCloseable) r)
            .toList();
    for (Reconciler<?> reconciler : reconcilers) {
      register(reconciler, options);
    }
    this.http = options.httpPort() < 0 ? null : new HealthServer(this);
    this.webhook =
        options.webhook() == null || !relations
            ? null
            : new RelationsWebhook(
                client,
                options.webhook(),
                clock,
                new WebhookMetrics(registry),
                relationsCache,
                disabled.containsKey(Capability.PROVISION)
                    ? null
                    : new NamespaceGuardHandler(
                        ns ->
                            client
                                .resources(dev.gantry.api.provision.Provision.class)
                                .inNamespace(ns)
                                .list()
                                .getItems()),
                disabled.containsKey(Capability.STACK) ? null : new StackAdmission());
  }

  /**
   * Capabilities whose CRD the API server does not serve, with why. Each is logged once; the others
   * start as usual, so one refused CRD does not take Provision and Relations down with it.
   */
  private static Map<Capability, String> disabledCapabilities(KubernetesClient client) {
    Map<Capability, String> disabled = new EnumMap<>(Capability.class);
    for (Capability capability : Capability.values()) {
      String why = capability.missing(client);
      if (why != null) {
        LOG.error("{} is disabled: {}", capability.label(), why);
        disabled.put(capability, why);
      }
    }
    return disabled;
  }

  /** Capabilities that do not run, and why; empty when all run. */
  public Map<String, String> disabledCapabilities() {
    Map<String, String> byName = new java.util.LinkedHashMap<>();
    disabled.forEach((c, why) -> byName.put(c.label(), why));
    return byName;
  }

  /** This replica's leader-election identity, as the Lease shows its holder. */
  public String identity() {
    return identity;
  }

  Operator sdk() {
    return operator;
  }

  /**
   * A replica that loses the Lease while running exits, so its Deployment restarts it as a
   * follower; a replica being stopped on purpose just releases it.
   */
  private LeaderElectionConfiguration leaderElection(OperatorOptions options) {
    var callbacks =
        new LeaderCallbacks(
            () -> {
              leading = true;
              LOG.info("{} holds the lease {}: reconciling", identity, OperatorOptions.LEASE_NAME);
            },
            () -> {
              if (!closing) {
                LOG.error(
                    "{} lost the lease {}; exiting so this replica restarts as a follower",
                    identity,
                    OperatorOptions.LEASE_NAME);
                System.exit(1);
              }
            },
            leader -> LOG.info("leader is {}", leader));
    return new LeaderElectionConfiguration(
        OperatorOptions.LEASE_NAME,
        options.leaseNamespace(),
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        identity,
        callbacks,
        false);
  }

  private static InjectionSettings injection(OperatorOptions options) {
    return options.webhook() == null ? InjectionSettings.defaults() : options.webhook().injection();
  }

  public RelationsWebhook webhook() {
    return webhook;
  }

  /** Registers one controller, watching the configured namespaces (all when none). */
  private <P extends io.fabric8.kubernetes.api.model.HasMetadata> void register(
      Reconciler<P> reconciler, OperatorOptions options) {
    operator.register(
        reconciler,
        c -> {
          if (!options.namespaces().isEmpty()) {
            c.settingNamespaces(options.namespaces());
          }
        });
  }

  /**
   * Unique per process: the pod name where there is one, plus a suffix for replicas on one host.
   */
  static String newIdentity() {
    String host = System.getenv().getOrDefault("HOSTNAME", "gantry");
    return host + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  }

  /** Starts the HTTP endpoints, then the controllers (waiting for their caches to fill). */
  public GantryOperator start() {
    if (http != null) {
      http.start(options.httpPort());
      LOG.info("health and metrics on port {}: /healthz /readyz /metrics", http.port());
    }
    if (webhook != null) {
      // Every replica serves admissions (the API server may call any); only the leader reconciles.
      webhook.start();
    } else {
      // With failurePolicy Fail, a registration that nothing serves blocks every matching write,
      // this operator's own included.
      RelationsWebhook.removeStaleRegistration(client);
    }
    operator.start();
    return this;
  }

  StackDiscovery stackDiscovery() {
    return stackDiscovery;
  }

  /** Whether this replica reconciles, so what it knows of the Stacks is current. */
  boolean leading() {
    return leading || !options.leaderElection();
  }

  public boolean isReady() {
    return operator.getRuntimeInfo().isStarted()
        && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    closing = true;
    operator.stop();
    try {
      // The last Events of the stopped controllers, before anything closes the client.
      dev.gantry.operator.kube.EventRecorder.awaitWritten(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (options.leaderElection()) {
      // JOSDK keeps the Lease on stop; release it so a follower takes over now, not at expiry.
      LeaseRelease.release(client, options.leaseNamespace(), OperatorOptions.LEASE_NAME, identity);
    }
    if (webhook != null) {
      webhook.close();
    }
    if (http != null) {
      http.stop();
    }
    if (relationsCache != null) {
      relationsCache.close();
    }
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("could not close {}: {}", closeable.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
