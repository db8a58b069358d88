package dev.gantry.operator.relations;

import dev.gantry.api.relations.Relation;
import dev.gantry.operator.kube.EventRecorder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Keeps relation consumers current: when a provider appears, changes or goes, the consumer's pod
 * template is re-injected (a new hash annotation rolls it), the consumer says where its relations
 * stand in the annotation gantry.dev/relations-status, and an Event marks each change. It does the
 * webhook's work on existing workloads, so they converge even when an admission was missed.
 */
@ControllerConfiguration(
    name = "relations",
    informer = @Informer(labelSelector = Relation.RELATIONSHIPS_LABEL))
public class ConsumerReconciler implements Reconciler<Deployment> {
  static final Duration RECHECK_MISSING = Duration.ofSeconds(15);
  private final InjectionSettings settings;
  private final Clock clock;

  public ConsumerReconciler(InjectionSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, Deployment>> prepareEventSources(
      EventSourceContext<Deployment> context) {
    var providers =
        InformerEventSourceConfiguration.from(Service.class, Deployment.class)
            .withLabelSelector(Relation.PROVIDES_LABEL)
            .withSecondaryToPrimaryMapper(
                service ->
                    context
                        .getPrimaryCache()
                        .list(service.getMetadata().getNamespace())
                        .filter(
                            d ->
                                RelationDeclaration.fromAnnotations(
                                        d.getMetadata().getAnnotations())
                                    .relations()
                                    .contains(service.getMetadata().getName()))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper(
                (Deployment d) ->
                    RelationDeclaration.fromAnnotations(d.getMetadata().getAnnotations())
                        .relations()
                        .stream()
                        .map(name -> new ResourceID(name, d.getMetadata().getNamespace()))
                        .collect(Collectors.toSet()))
            .build();
    var relations =
        InformerEventSourceConfiguration.from(Relation.class, Deployment.class)
            .withSecondaryToPrimaryMapper(
                relation ->
                    context
                        .getPrimaryCache()
                        .list(relation.getMetadata().getNamespace())
                        .filter(
                            d ->
                                ExplicitRelations.selects(
                                    relation,
                                    "Deployment",
                                    d.getMetadata().getName(),
                                    d.getMetadata().getLabels()))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    return List.of(
        new InformerEventSource<>(providers, context),
        new InformerEventSource<>(relations, context));
  }

  @Override
  public UpdateControl<Deployment> reconcile(Deployment deployment, Context<Deployment> context) {
    String namespace = deployment.getMetadata().getNamespace();
    Map<String, Service> services = new HashMap<>();
    context
        .getSecondaryResources(Service.class)
        .forEach(s -> services.put(s.getMetadata().getName(), s));
    var client = context.getClient();
    List<Resolution.Binding> explicit =
        relations(context, namespace)
            .filter(
                r ->
                    ExplicitRelations.selects(
                        r,
                        "Deployment",
                        deployment.getMetadata().getName(),
                        deployment.getMetadata().getLabels()))
            .flatMap(
                r ->
                    ExplicitRelations.endpoint(
                        r,
                        (ns, name) ->
                            Optional.ofNullable(services.get(name))
                                .or(
                                    () ->
                                        Optional.ofNullable(
                                            client
                                                .services()
                                                .inNamespace(ns)
                                                .withName(name)
                                                .get())))
                        .map(
                            e ->
                                new Resolution.Binding(
                                    r.getMetadata().getName(),
                                    e,
                                    e.credentialsSecret() == null
                                        ? List.<String>of()
                                        : secretKeys(context, namespace, e.credentialsSecret())))
                        .stream())
            .toList();
    RelationDeclaration declaration =
        RelationDeclaration.fromAnnotations(deployment.getMetadata().getAnnotations());
    var template = deployment.getSpec().getTemplate();
    Resolution resolution =
        RelationResolver.resolve(
            declaration,
            name ->
                Optional.ofNullable(services.get(name))
                    .or(
                        () ->
                            Optional.ofNullable(
                                client.services().inNamespace(namespace).withName(name).get())),
            secret -> secretKeys(context, namespace, secret),
            template.getMetadata() == null ? Map.of() : template.getMetadata().getLabels(),
            explicit);

    boolean serviceBinding =
        "true".equalsIgnoreCase(annotation(deployment, Relation.SERVICE_BINDING_ANNOTATION));
    if (serviceBinding && !resolution.bindings().isEmpty()) {
      ensureBindingSecret(context, deployment, resolution);
    }

    var desired = Serialization.clone(template);
    if (desired.getMetadata() == null) {
      desired.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    }
    PodInjection.apply(
        desired.getMetadata(),
        desired.getSpec(),
        deployment.getMetadata().getName(),
        resolution,
        serviceBinding,
        settings);
    Optional<String> cycle =
        RelationCycles.through(
            deployment,
            context.getPrimaryCache().list(namespace).toList(),
            name ->
                Optional.ofNullable(services.get(name))
                    .or(
                        () ->
                            Optional.ofNullable(
                                client.services().inNamespace(namespace).withName(name).get())));
    String summary = resolution.summary() + cycle.map(c -> "; relation cycle: " + c).orElse("");
    boolean templateChanged =
        !Objects.equals(
            Serialization.jsonMapper().valueToTree(template),
            Serialization.jsonMapper().valueToTree(desired));
    boolean statusChanged = !summary.equals(annotation(deployment, Relation.STATUS_ANNOTATION));
    if (templateChanged || statusChanged) {
      client
          .apps()
          .deployments()
          .inNamespace(namespace)
          .withName(deployment.getMetadata().getName())
          .edit(
              d -> {
                d.getSpec().setTemplate(desired);
                Map<String, String> annotations =
                    d.getMetadata().getAnnotations() == null
                        ? new HashMap<>()
                        : new HashMap<>(d.getMetadata().getAnnotations());
                annotations.put(Relation.STATUS_ANNOTATION, summary);
                d.getMetadata().setAnnotations(annotations);
                return d;
              });
      EventRecorder events = new EventRecorder(client, clock);
      if (cycle.isPresent()) {
        events.warning(
            deployment,
            "RelationCycle",
            "relation cycle: "
                + cycle.get()
                + "; workloads that wait for each other to start would never start");
      }
      if (!resolution.problems().isEmpty()) {
        events.warning(deployment, "RelationsInvalid", summary);
      } else if (!resolution.missing().isEmpty()) {
        events.warning(deployment, "RelationsMissing", summary);
      } else {
        events.normal(
            deployment, templateChanged ? "RelationsUpdated" : "RelationsResolved", summary);
      }
    }
    UpdateControl<Deployment> control = UpdateControl.noUpdate();
    return resolution.missing().isEmpty() ? control : control.rescheduleAfter(RECHECK_MISSING);
  }

  /**
   * Relations of the namespace, from their informer. Not through the secondary index: a workload a
   * Relation selects gets its label (and so enters this controller's cache) after the Relation's
   * own event, so the index built at that event would miss it.
   */
  @SuppressWarnings("unchecked")
  private static java.util.stream.Stream<Relation> relations(
      Context<Deployment> context, String namespace) {
    var source =
        (InformerEventSource<Relation, Deployment>)
            context.eventSourceRetriever().getEventSourceFor(Relation.class);
    return source.list(namespace);
  }

  private static List<String> secretKeys(
      Context<Deployment> context, String namespace, String name) {
    Secret secret = context.getClient().secrets().inNamespace(namespace).withName(name).get();
    return secret == null ? List.of() : SecretValues.keys(secret);
  }

  private void ensureBindingSecret(
      Context<Deployment> context, Deployment deployment, Resolution resolution) {
    String namespace = deployment.getMetadata().getNamespace();
    var client = context.getClient();
    Map<String, String> data =
        BindingFiles.data(
            resolution.bindings(),
            (secret, key) -> {
              Secret s = client.secrets().inNamespace(namespace).withName(secret).get();
              return s == null ? null : SecretValues.value(s, key);
            });
    Secret desired =
        new SecretBuilder()
            .withNewMetadata()
            .withName(PodInjection.bindingSecret(deployment.getMetadata().getName()))
            .withNamespace(namespace)
            .addToLabels("app.kubernetes.io/managed-by", "gantry")
            .addToLabels("app.kubernetes.io/component", "service-binding")
            .withOwnerReferences(dev.gantry.operator.kube.OwnerReferences.controllerOf(deployment))
            .endMetadata()
            .withType("servicebinding.io/gantry")
            .withData(data)
            .build();
    Secret live =
        client.secrets().inNamespace(namespace).withName(desired.getMetadata().getName()).get();
    if (live == null) {
      dev.gantry.operator.kube.ChildWriter.create(client, desired);
    } else if (!Objects.equals(live.getData(), data)) {
      client
          .secrets()
          .inNamespace(namespace)
          .withName(desired.getMetadata().getName())
          .edit(
              s -> {
                s.setData(data);
                return s;
              });
    }
  }

  private static String annotation(Deployment d, String key) {
    return d.getMetadata().getAnnotations() == null
        ? null
        : d.getMetadata().getAnnotations().get(key);
  }
}
