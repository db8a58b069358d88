package dev.gantry.operator.relations;

import dev.gantry.api.relations.Relation;
import dev.gantry.api.relations.RelationStatus;
import dev.gantry.operator.kube.Conditions;
import dev.gantry.operator.kube.LabelMarks;
import dev.gantry.operator.kube.StatusComparison;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A Relation's status: the provider's resolved endpoint and the consumers bound. It labels the
 * workloads it selects with tengu.io/relationships, so the consumer controller (which watches that
 * label, as the seed's controller did) keeps them injected.
 */
@ControllerConfiguration(name = "relation")
public class RelationReconciler implements Reconciler<Relation> {
  static final Duration RECHECK = Duration.ofSeconds(30);

  /** The relationships label's value on a workload this controller labelled. */
  static final String MARK = "relation";

  private final Clock clock;

  public RelationReconciler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public UpdateControl<Relation> reconcile(Relation relation, Context<Relation> context) {
    var client = context.getClient();
    String namespace = relation.getMetadata().getNamespace();
    Optional<Endpoint> endpoint =
        ExplicitRelations.endpoint(
            relation,
            (ns, name) ->
                Optional.ofNullable(client.services().inNamespace(ns).withName(name).get()));
    WorkloadKind<?> kind = WorkloadKind.named(kind(relation)).orElse(WorkloadKind.DEPLOYMENT);
    List<String> consumers = bindConsumers(client, relation, kind);
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
    // Providers and consumers are not this controller's children; look again now and then.
    return control.rescheduleAfter(RECHECK);
  }

  /**
   * The workloads of {@code kind} the Relation selects, as "Kind/name", sorted; each gets the
   * relationships label so its kind's consumer controller picks it up.
   */
  private static <W extends HasMetadata> List<String> bindConsumers(
      KubernetesClient client, Relation relation, WorkloadKind<W> kind) {
    String namespace = relation.getMetadata().getNamespace();
    List<W> selected =
        client.resources(kind.type()).inNamespace(namespace).list().getItems().stream()
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
        client
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
