package dev.gantry.operator.relations;

import dev.gantry.api.relations.Relation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a consumer's reconcile reads besides the workload itself: the caches its informers keep and
 * the client it writes with. Reads of the caches may lag the server; the reconcile relies on that
 * being possible (a pass on a stale copy must change nothing and say nothing twice).
 */
interface ConsumerView<W extends HasMetadata> {
  KubernetesClient client();

  /** The provider Services of this workload that the informer holds. */
  Set<Service> providers();

  /** Relations of the namespace. */
  Stream<Relation> relations(String namespace);

  /** Workloads of this kind in the namespace (for cycles). */
  Stream<W> workloads(String namespace);

  /** Makes the workload's Service Binding Secret as desired, or deletes it when none is. */
  void bindingSecret(W workload, Optional<Secret> desired);

  static <W extends HasMetadata> ConsumerView<W> of(
      Context<W> context, BindingSecretDependent<W> bindingSecret) {
    return new ConsumerView<>() {
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

      @Override
      public KubernetesClient client() {
        return context.getClient();
      }

      @Override
      public Set<Service> providers() {
        return context.getSecondaryResources(Service.class);
      }

      /**
       * From the Relation informer, not through the secondary index: a workload a Relation selects
       * gets its label (and so enters this controller's cache) after the Relation's own event, so
       * the index built at that event would miss it.
       */
      @Override
      @SuppressWarnings("unchecked")
      public Stream<Relation> relations(String namespace) {
        var source =
            (InformerEventSource<Relation, W>)
                context.eventSourceRetriever().getEventSourceFor(Relation.class);
        return source.list(namespace);
      }

      @Override
      public Stream<W> workloads(String namespace) {
        return context.getPrimaryCache().list(namespace);
      }
    };
  }
}
