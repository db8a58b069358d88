package dev.gantry.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.dependent.managed.ManagedWorkflowAndDependentResourceContext;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * A reconcile's context with caches the test fills: what the informers would hold at that moment,
 * however stale. The client is real (the mock server's). Anything else a reconcile asks for fails
 * the test, so it shows what the code under test reaches for.
 */
public final class FakeContext<P extends HasMetadata> implements Context<P> {
  private final KubernetesClient client;
  private final P primary;
  private final List<Object> cached;

  public FakeContext(KubernetesClient client, P primary, List<?> cached) {
    this.client = client;
    this.primary = primary;
    this.cached = List.copyOf(cached);
  }

  @Override
  public Optional<RetryInfo> getRetryInfo() {
    return Optional.empty();
  }

  @Override
  public <R> Set<R> getSecondaryResources(Class<R> type) {
    Set<R> found = new HashSet<>();
    cached.stream().filter(type::isInstance).map(type::cast).forEach(found::add);
    return found;
  }

  @Override
  public <R> Optional<R> getSecondaryResource(Class<R> type, String name) {
    return getSecondaryResources(type).stream().findFirst();
  }

  @Override
  public ControllerConfiguration<P> getControllerConfiguration() {
    throw new UnsupportedOperationException("not in this test's context");
  }

  @Override
  public ManagedWorkflowAndDependentResourceContext managedWorkflowAndDependentResourceContext() {
    throw new UnsupportedOperationException("not in this test's context");
  }

  @Override
  public EventSourceRetriever<P> eventSourceRetriever() {
    throw new UnsupportedOperationException("not in this test's context");
  }

  @Override
  public KubernetesClient getClient() {
    return client;
  }

  @Override
  public ExecutorService getWorkflowExecutorService() {
    throw new UnsupportedOperationException("not in this test's context");
  }

  @Override
  public P getPrimaryResource() {
    return primary;
  }

  @Override
  public IndexedResourceCache<P> getPrimaryCache() {
    throw new UnsupportedOperationException("not in this test's context");
  }

  @Override
  public boolean isNextReconciliationImminent() {
    return false;
  }

  @Override
  public boolean isPrimaryResourceDeleted() {
    return false;
  }

  @Override
  public boolean isPrimaryResourceFinalStateUnknown() {
    return false;
  }
}
