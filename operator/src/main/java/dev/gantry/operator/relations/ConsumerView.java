package dev.gantry.operator.relations;

import dev.gantry.api.relations.Relation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a consumer's reconcile reads besides the workload itself, and where it keeps its binding
 * Secret: the shared cache of providers, Relations and credentials, its own workload cache, and the
 * client it writes with. Reads of the caches may lag the server; the reconcile relies on that being
 * possible (a pass on a stale copy must change nothing and say nothing twice).
 */
interface ConsumerView<W extends HasMetadata> {
  KubernetesClient client();

  /** The provider Services of the workload's namespace that the cache holds. */
  Set<Service> providers(String namespace);

  /** Relations of the namespace. */
  Stream<Relation> relations(String namespace);

  /** Workloads of this kind in the namespace (for cycles). */
  Stream<W> workloads(String namespace);

  /** A credentials Secret, cached once labelled, else read by name. */
  Optional<Secret> credentialsSecret(String namespace, String name);

  /** Makes the workload's Service Binding Secret as desired, or deletes it when none is. */
  void bindingSecret(W workload, Optional<Secret> desired);

  static <W extends HasMetadata> ConsumerView<W> of(
      Context<W> context, CachedProviderLookup lookup, BindingSecretDependent<W> bindingSecret) {
    return new ConsumerView<>() {
      @Override
      public KubernetesClient client() {
        return context.getClient();
      }

      @Override
      public Set<Service> providers(String namespace) {
        return lookup.providers(namespace).collect(Collectors.toSet());
      }

      @Override
      public Stream<Relation> relations(String namespace) {
        return lookup.relations(namespace);
      }

      @Override
      public Stream<W> workloads(String namespace) {
        return context.getPrimaryCache().list(namespace);
      }

      @Override
      public Optional<Secret> credentialsSecret(String namespace, String name) {
        return lookup.credentialsSecret(namespace, name);
      }

      @Override
      public void bindingSecret(W workload, Optional<Secret> desired) {
        if (desired.isPresent()) {
          context
              .managedWorkflowAndDependentResourceContext()
              .put(BindingSecretDependent.DESIRED, desired.get());
          bindingSecret.reconcile(workload, context);
        } else if (bindingSecret.getSecondaryResource(workload, context).isPresent()) {
          bindingSecret.delete(workload, context);
        }
      }
    };
  }
}
