package dev.gantry.operator.runtime;

import dev.gantry.operator.provision.ProvisionReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
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

  public GantryOperator(KubernetesClient client, OperatorOptions options, Clock clock) {
    this.options = options;
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
                  .withCacheSyncTimeout(Duration.ofMinutes(2));
              if (options.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        OperatorOptions.LEASE_NAME, options.leaseNamespace()));
              }
            });
    operator.register(
        new ProvisionReconciler(options.provision(), clock),
        c -> {
          if (!options.namespaces().isEmpty()) {
            c.settingNamespaces(options.namespaces());
          }
        });
    this.http = options.httpPort() < 0 ? null : new HealthServer(operator, registry);
  }

  /** Starts the HTTP endpoints, then the controllers (waiting for their caches to fill). */
  public GantryOperator start() {
    if (http != null) {
      http.start(options.httpPort());
      LOG.info("health and metrics on port {}: /healthz /readyz /metrics", http.port());
    }
    operator.start();
    return this;
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
    operator.stop();
    if (http != null) {
      http.stop();
    }
  }
}
