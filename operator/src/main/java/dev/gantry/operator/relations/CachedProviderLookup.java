package dev.gantry.operator.relations;

import dev.gantry.api.relations.Relation;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers the webhook from informer caches of provider Services (label tengu.io/provides),
 * Relations and the credentials Secrets Gantry has labelled, so an admission does not wait on the
 * API server: a nested request inside the API server's call to the webhook costs the user's create
 * a round trip on a server that is busy with that very create. User Secrets are not cached
 * cluster-wide; a credentials Secret not yet labelled (the first consumer of it) is read by name.
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

  @Override
  public Credentials credentials(String namespace, String name) {
    Secret secret = credentials.getStore().getByKey(namespace + "/" + name);
    if (secret == null) {
      secret = client.secrets().inNamespace(namespace).withName(name).get();
    }
    return secret == null ? Credentials.NONE : SecretValues.credentials(secret);
  }

  @Override
  public Resolution.Explicit explicitBindings(
      String namespace, String kind, String name, Map<String, String> labels) {
    return ExplicitRelations.resolve(
        relations.getStore().list().stream()
            .filter(r -> namespace.equals(r.getMetadata().getNamespace()))
            .filter(r -> ExplicitRelations.selects(r, kind, name, labels))
            .toList(),
        this::service,
        this::credentials);
  }

  @Override
  public void close() {
    services.close();
    relations.close();
    credentials.close();
  }
}
