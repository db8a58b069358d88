package dev.gantry.operator.relations;

import dev.gantry.api.relations.Relation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The one cache of what relations resolve against, shared by the admission webhook (on every
 * replica) and the Relations controllers (on the leader): provider Services (label
 * tengu.io/provides), Relations, and the credentials Secrets Gantry has labelled. An admission does
 * not wait on the API server: a nested request inside the API server's call to the webhook costs
 * the user's create a round trip on a server that is busy with that very create. User Secrets are
 * not cached cluster-wide; a credentials Secret not yet labelled (the first consumer of it) is read
 * by name. The controllers are woken by changes here through {@link #events}, so nothing is cached
 * twice.
 */
public final class CachedProviderLookup implements ProviderLookup, AutoCloseable {
  private final KubernetesClient client;
  private final SharedIndexInformer<Service> services;
  private final SharedIndexInformer<Relation> relations;
  private final SharedIndexInformer<Secret> credentials;

  public CachedProviderLookup(KubernetesClient client) {
    this.client = client;
    // inform() lists before it returns and throws when it cannot: close what already runs
    List<SharedIndexInformer<?>> started = new ArrayList<>();
    try {
      this.services =
          started(started, client.services().inAnyNamespace().withLabel(Relation.PROVIDES_LABEL));
      this.relations = started(started, client.resources(Relation.class).inAnyNamespace());
      this.credentials =
          started(started, client.secrets().inAnyNamespace().withLabel(Relation.CREDENTIALS_LABEL));
    } catch (RuntimeException e) {
      started.forEach(SharedIndexInformer::close);
      throw e;
    }
  }

  private static <T> SharedIndexInformer<T> started(
      List<SharedIndexInformer<?>> started, Informable<T> source) {
    SharedIndexInformer<T> informer = source.inform();
    started.add(informer);
    return informer;
  }

  @Override
  public Optional<Service> service(String namespace, String name) {
    Service cached = services.getStore().getByKey(namespace + "/" + name);
    if (cached != null) {
      return Optional.of(cached);
    }
    // A Service without the provides label is not cached; read it so the resolver can say why.
    return Optional.ofNullable(client.services().inNamespace(namespace).withName(name).get());
  }

  /** The provider Services of a namespace, as cached. */
  public Stream<Service> providers(String namespace) {
    return services.getStore().list().stream()
        .filter(s -> namespace.equals(s.getMetadata().getNamespace()));
  }

  /** A credentials Secret: from the cache once labelled, else read by name. */
  public Optional<Secret> credentialsSecret(String namespace, String name) {
    Secret secret = credentials.getStore().getByKey(namespace + "/" + name);
    if (secret == null) {
      secret = client.secrets().inNamespace(namespace).withName(name).get();
    }
    return Optional.ofNullable(secret);
  }

  @Override
  public Credentials credentials(String namespace, String name) {
    return credentialsSecret(namespace, name)
        .map(SecretValues::credentials)
        .orElse(Credentials.NONE);
  }

  /** The Relations of a namespace, as cached. */
  public Stream<Relation> relations(String namespace) {
    return relations.getStore().list().stream()
        .filter(r -> namespace.equals(r.getMetadata().getNamespace()));
  }

  @Override
  public Resolution.Explicit explicitBindings(
      String namespace, String kind, String name, Map<String, String> labels) {
    return ExplicitRelations.resolve(
        relations(namespace).filter(r -> ExplicitRelations.selects(r, kind, name, labels)).toList(),
        this::service,
        this::credentials);
  }

  /** What a controller is woken by: changes to one kind of what this caches. */
  public enum Source {
    PROVIDERS,
    RELATIONS,
    CREDENTIALS
  }

  /**
   * A JOSDK event source that wakes the primaries {@code toPrimaries} maps a changed object to. It
   * reads no cache of its own: the objects stay here, once.
   */
  @SuppressWarnings("unchecked")
  public <P extends HasMetadata> SimpleInboundEventSource<P> events(
      String name, Source source, Function<HasMetadata, Set<ResourceID>> toPrimaries) {
    SharedIndexInformer<?> chosen =
        switch (source) {
          case PROVIDERS -> services;
          case RELATIONS -> relations;
          case CREDENTIALS -> credentials;
        };
    SharedIndexInformer<HasMetadata> informer = (SharedIndexInformer<HasMetadata>) chosen;
    // Handed to the informer only when the controller starts its event sources (on the leader):
    // its first pass reconciles every primary, so nothing that came before is missed.
    return new SimpleInboundEventSource<P>(name) {
      @Override
      public void start() {
        super.start();
        informer.addEventHandler(
            new ResourceEventHandler<>() {
              @Override
              public void onAdd(HasMetadata object) {
                wake(object);
              }

              @Override
              public void onUpdate(HasMetadata before, HasMetadata after) {
                wake(before);
                wake(after);
              }

              @Override
              public void onDelete(HasMetadata object, boolean finalStateUnknown) {
                wake(object);
              }

              private void wake(HasMetadata object) {
                if (!isRunning()) {
                  return; // stopped: the operator is going
                }
                Set<ResourceID> primaries;
                try {
                  primaries = toPrimaries.apply(object);
                } catch (RuntimeException e) {
                  return; // the controller's own cache is not filled yet: its start covers it
                }
                primaries.forEach(this::propagate);
              }

              private void propagate(ResourceID primary) {
                propagateEvent(primary);
              }
            });
      }
    };
  }

  @Override
  public void close() {
    services.close();
    relations.close();
    credentials.close();
  }
}
