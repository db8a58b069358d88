package dev.gantry.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Set;

/**
 * Informers that cache only Gantry's children of one kind (label-selected) and map each child to
 * its primary through the owner label, which children of a Job (pods) carry too.
 */
public final class ChildInformers {
  private ChildInformers() {}

  public static <R extends HasMetadata, P extends HasMetadata> EventSource<R, P> of(
      EventSourceContext<P> context, Class<R> type, Class<P> primary, String ownerLabel) {
    var config =
        InformerEventSourceConfiguration.from(type, primary)
            .withLabelSelector(ManagedLabels.selector(ownerLabel))
            .withSecondaryToPrimaryMapper(
                child -> {
                  var labels = child.getMetadata().getLabels();
                  String owner = labels == null ? null : labels.get(ownerLabel);
                  return owner == null
                      ? Set.of()
                      : Set.of(new ResourceID(owner, child.getMetadata().getNamespace()));
                })
            .build();
    return new InformerEventSource<>(config, context);
  }
}
