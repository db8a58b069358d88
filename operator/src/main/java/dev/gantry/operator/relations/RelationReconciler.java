package dev.gantry.operator.relations;

import dev.gantry.api.relations.Relation;
import dev.gantry.api.relations.RelationStatus;
import dev.gantry.operator.kube.Conditions;
import dev.gantry.operator.kube.LabelMarks;
import dev.gantry.operator.kube.StatusComparison;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A Relation's status: the provider's resolved endpoint and the consumers bound. It labels the
 * workloads it selects with tengu.io/relationships, so the consumer controller (which watches that
 * label, as the seed's controller did) keeps them injected. Woken by events: a workload of a
 * consumer kind that appears, changes or goes, and a provider Service in the shared cache; it looks
 * again by the clock only while its provider is missing (an unlabelled Service wakes nobody).
 */
@ControllerConfiguration(name = "relation")
public class RelationReconciler implements Reconciler<Relation> {
  static final Duration PROVIDER_RECHECK = Duration.ofSeconds(30);

  /** The relationships label's value on a workload this controller labelled. */
  static final String MARK = "relation";

  private final Clock clock;
  private final CachedProviderLookup lookup;

  public RelationReconciler(Clock clock, CachedProviderLookup lookup) {
    this.clock = clock;
    this.lookup = lookup;
  }

  static String workloadSource(WorkloadKind<?> kind) {
    return "relation-" + kind.name().toLowerCase(java.util.Locale.ROOT) + "s";
  }

  @Override
  public List<EventSource<?, Relation>> prepareEventSources(EventSourceContext<Relation> context) {
    List<EventSource<?, Relation>> sources = new ArrayList<>();
    for (WorkloadKind<?> kind : WorkloadKind.ALL) {
      sources.add(workloads(context, kind));
    }
    sources.add(
        lookup.<Relation>events(
            "relation-providers",
            CachedProviderLookup.Source.PROVIDERS,
            service ->
                context
                    .getPrimaryCache()
                    .list(service.getMetadata().getNamespace())
                    .filter(
                        r -> service.getMetadata().getName().equals(r.getSpec().provider.service))
                    .map(ResourceID::fromResource)
                    .collect(Collectors.toSet())));
    return sources;
  }

  /** Every workload of a consumer kind, each mapped to the Relations that select it. */
  private static <W extends HasMetadata> EventSource<W, Relation> workloads(
      EventSourceContext<Relation> context, WorkloadKind<W> kind) {
    var config =
        InformerEventSourceConfiguration.from(kind.type(), Relation.class)
            .withName(workloadSource(kind))
            .withSecondaryToPrimaryMapper(
                (W w) ->
                    context
                        .getPrimaryCache()
                        .list(w.getMetadata().getNamespace())
                        .filter(
                            r ->
                                ExplicitRelations.selects(
                                    r,
                                    kind.name(),
                                    w.getMetadata().getName(),
                                    w.getMetadata().getLabels()))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    return new InformerEventSource<>(config, context);
  }

  @Override
  public UpdateControl<Relation> reconcile(Relation relation, Context<Relation> context) {
    String namespace = relation.getMetadata().getNamespace();
    Optional<Endpoint> endpoint = ExplicitRelations.endpoint(relation, lookup::service);
    WorkloadKind<?> kind = WorkloadKind.named(kind(relation)).orElse(WorkloadKind.DEPLOYMENT);
    List<String> consumers = bindConsumers(context, relation, kind);
    RelationStatus status = new RelationStatus();
    Long generation = relation.getMetadata().getGeneration();
    status.observedGeneration = generation;
    status.consumers = consumers;
    endpoint.ifPresent(
        e -> {
          status.endpoint = new RelationStatus.Endpoint();
          status.endpoint.host = e.host();
          status.endpoint.port = e.port();
          status.endpoint.url = e.url();
        });
    var conditions =
        Conditions.after(
            relation.getStatus() == null ? null : relation.getStatus().conditions,
            clock.instant(),
            generation);
    if (endpoint.isEmpty()) {
      conditions.set(
          "Ready",
          false,
          "ProviderNotFound",
          "Service "
              + relation.getSpec().provider.service
              + " does not exist in namespace "
              + namespace
              + "; consumers are held back until it does");
    } else if (consumers.isEmpty()) {
      conditions.set(
          "Ready", false, "NoConsumers", "no " + kind(relation) + " matches spec.consumer");
    } else {
      conditions.set(
          "Ready",
          true,
          "Bound",
          "provider " + endpoint.get().host() + " bound to " + String.join(", ", status.consumers));
    }
    status.conditions = conditions.build();
    UpdateControl<Relation> control;
    if (StatusComparison.same(relation.getStatus(), status)) {
      control = UpdateControl.noUpdate();
    } else {
      relation.setStatus(status);
      control = UpdateControl.patchStatus(relation);
    }
    return endpoint.isEmpty() ? control.rescheduleAfter(PROVIDER_RECHECK) : control;
  }

  /**
   * The workloads of {@code kind} the Relation selects, as "Kind/name", sorted, from the informer's
   * cache; each gets the relationships label so its kind's consumer controller picks it up.
   */
  @SuppressWarnings("unchecked")
  private static <W extends HasMetadata> List<String> bindConsumers(
      Context<Relation> context, Relation relation, WorkloadKind<W> kind) {
    String namespace = relation.getMetadata().getNamespace();
    var cache =
        (InformerEventSource<W, Relation>)
            context.eventSourceRetriever().getEventSourceFor(kind.type(), workloadSource(kind));
    List<W> selected =
        cache
            .list(namespace)
            .filter(
                w ->
                    ExplicitRelations.selects(
                        relation,
                        kind.name(),
                        w.getMetadata().getName(),
                        w.getMetadata().getLabels()))
            .toList();
    for (W w : selected) {
      if (!LabelMarks.has(w, Relation.RELATIONSHIPS_LABEL)) {
        context
            .getClient()
            .resources(kind.type())
            .inNamespace(namespace)
            .withName(w.getMetadata().getName())
            .edit(x -> LabelMarks.with(x, Relation.RELATIONSHIPS_LABEL, MARK));
      }
    }
    return selected.stream()
        .map(w -> kind.name() + "/" + w.getMetadata().getName())
        .sorted()
        .toList();
  }

  private static String kind(Relation relation) {
    return relation.getSpec().consumer.kind == null
        ? "Deployment"
        : relation.getSpec().consumer.kind;
  }
}
