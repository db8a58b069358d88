package dev.gantry.operator.relations;

import dev.gantry.api.relations.Relation;
import dev.gantry.operator.kube.EventRecorder;
import dev.gantry.operator.kube.LabelMarks;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Keeps relation consumers current: when a provider appears, changes or goes, the consumer's pod
 * template is re-injected (a new hash annotation rolls it), the consumer says where its relations
 * stand in the annotation gantry.dev/relations-status, and an Event marks each change. It does the
 * webhook's work on existing workloads, so they converge even when an admission was missed.
 *
 * <p>One controller per workload kind (JOSDK takes the primary type from the class), all of them
 * this code: see the nested classes.
 */
public abstract class ConsumerReconciler<W extends HasMetadata> implements Reconciler<W> {
  static final Duration RECHECK_MISSING = Duration.ofSeconds(15);
  static final Duration CONFLICT_RETRY = Duration.ofMillis(200);
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ConsumerReconciler.class);
  private final WorkloadKind<W> kind;
  private final InjectionSettings settings;
  private final Clock clock;

  private ConsumerReconciler(WorkloadKind<W> kind, InjectionSettings settings, Clock clock) {
    this.kind = kind;
    this.settings = settings;
    this.clock = clock;
  }

  /** A controller for each kind that can consume relations. */
  public static List<Reconciler<?>> all(InjectionSettings settings, Clock clock) {
    return List.of(
        new Deployments(settings, clock),
        new StatefulSets(settings, clock),
        new DaemonSets(settings, clock));
  }

  @ControllerConfiguration(
      name = "relations",
      informer = @Informer(labelSelector = Relation.RELATIONSHIPS_LABEL))
  public static final class Deployments extends ConsumerReconciler<Deployment> {
    public Deployments(InjectionSettings settings, Clock clock) {
      super(WorkloadKind.DEPLOYMENT, settings, clock);
    }
  }

  @ControllerConfiguration(
      name = "relations-statefulsets",
      informer = @Informer(labelSelector = Relation.RELATIONSHIPS_LABEL))
  public static final class StatefulSets extends ConsumerReconciler<StatefulSet> {
    public StatefulSets(InjectionSettings settings, Clock clock) {
      super(WorkloadKind.STATEFUL_SET, settings, clock);
    }
  }

  @ControllerConfiguration(
      name = "relations-daemonsets",
      informer = @Informer(labelSelector = Relation.RELATIONSHIPS_LABEL))
  public static final class DaemonSets extends ConsumerReconciler<DaemonSet> {
    public DaemonSets(InjectionSettings settings, Clock clock) {
      super(WorkloadKind.DAEMON_SET, settings, clock);
    }
  }

  @Override
  public List<EventSource<?, W>> prepareEventSources(EventSourceContext<W> context) {
    var providers =
        InformerEventSourceConfiguration.from(Service.class, kind.type())
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
                (W d) ->
                    RelationDeclaration.fromAnnotations(d.getMetadata().getAnnotations())
                        .relations()
                        .stream()
                        .map(name -> new ResourceID(name, d.getMetadata().getNamespace()))
                        .collect(Collectors.toSet()))
            .build();
    var relations =
        InformerEventSourceConfiguration.from(Relation.class, kind.type())
            .withSecondaryToPrimaryMapper(
                relation ->
                    context
                        .getPrimaryCache()
                        .list(relation.getMetadata().getNamespace())
                        .filter(
                            d ->
                                ExplicitRelations.selects(
                                    relation,
                                    kind.name(),
                                    d.getMetadata().getName(),
                                    d.getMetadata().getLabels()))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    // Only the credentials Secrets Gantry has labelled; a change maps to the workloads whose
    // injected variables read it.
    var credentials =
        InformerEventSourceConfiguration.from(Secret.class, kind.type())
            .withLabelSelector(Relation.CREDENTIALS_LABEL)
            .withSecondaryToPrimaryMapper(
                secret ->
                    context
                        .getPrimaryCache()
                        .list(secret.getMetadata().getNamespace())
                        .filter(w -> readsSecret(kind.template(w), secret.getMetadata().getName()))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    return List.of(
        new InformerEventSource<>(providers, context),
        new InformerEventSource<>(relations, context),
        new InformerEventSource<>(credentials, context));
  }

  /** Whether a pod template has a variable from the Secret {@code name}. */
  static boolean readsSecret(
      io.fabric8.kubernetes.api.model.PodTemplateSpec template, String name) {
    if (template == null || template.getSpec() == null) {
      return false;
    }
    return java.util.stream.Stream.concat(
            template.getSpec().getContainers().stream(),
            template.getSpec().getInitContainers().stream())
        .filter(c -> c.getEnv() != null)
        .flatMap(c -> c.getEnv().stream())
        .anyMatch(
            e ->
                e.getValueFrom() != null
                    && e.getValueFrom().getSecretKeyRef() != null
                    && name.equals(e.getValueFrom().getSecretKeyRef().getName()));
  }

  @Override
  public UpdateControl<W> reconcile(W workload, Context<W> context) {
    return reconcile(workload, ConsumerView.of(context));
  }

  UpdateControl<W> reconcile(W workload, ConsumerView<W> view) {
    String namespace = workload.getMetadata().getNamespace();
    Map<String, Service> services = new HashMap<>();
    view.providers().forEach(s -> services.put(s.getMetadata().getName(), s));
    var client = view.client();
    // Providers from the informer; a Service without the provides label is read so the resolver
    // can say what is wrong with it.
    Function<String, Optional<Service>> service =
        name ->
            Optional.ofNullable(services.get(name))
                .or(
                    () ->
                        Optional.ofNullable(
                            client.services().inNamespace(namespace).withName(name).get()));
    Resolution.Explicit explicit =
        ExplicitRelations.resolve(
            view.relations(namespace)
                .filter(
                    r ->
                        ExplicitRelations.selects(
                            r,
                            kind.name(),
                            workload.getMetadata().getName(),
                            workload.getMetadata().getLabels()))
                .toList(),
            (ns, name) -> service.apply(name),
            (ns, secret) -> credentials(client, ns, secret));
    RelationDeclaration declaration =
        RelationDeclaration.fromAnnotations(workload.getMetadata().getAnnotations());
    var template = kind.template(workload);
    Resolution resolution =
        RelationResolver.resolve(
            declaration,
            service,
            secret -> credentials(client, namespace, secret),
            template.getMetadata() == null ? Map.of() : template.getMetadata().getLabels(),
            explicit);

    boolean serviceBinding =
        "true".equalsIgnoreCase(annotation(workload, Relation.SERVICE_BINDING_ANNOTATION));
    if (serviceBinding && !resolution.bindings().isEmpty()) {
      ensureBindingSecret(client, workload, resolution);
    }

    var desired = Serialization.clone(template);
    if (desired.getMetadata() == null) {
      desired.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    }
    PodInjection.apply(
        desired.getMetadata(),
        desired.getSpec(),
        workload.getMetadata().getName(),
        resolution,
        serviceBinding,
        settings);
    Optional<String> cycle =
        RelationCycles.through(kind, workload, view.workloads(namespace).toList(), service);
    String summary = resolution.summary() + cycle.map(c -> "; relation cycle: " + c).orElse("");
    boolean templateChanged =
        !Objects.equals(
            Serialization.jsonMapper().valueToTree(template),
            Serialization.jsonMapper().valueToTree(desired));
    boolean statusChanged = !summary.equals(annotation(workload, Relation.STATUS_ANNOTATION));
    if (templateChanged || statusChanged) {
      // Judged against the server's copy in the edit: a pass on a stale cache (right after the
      // last edit) finds nothing to change there and records no second event.
      AtomicBoolean changedOnServer = new AtomicBoolean();
      try {
        client
            .resources(kind.type())
            .inNamespace(namespace)
            .withName(workload.getMetadata().getName())
            .edit(
                d -> {
                  boolean differs =
                      !summary.equals(annotation(d, Relation.STATUS_ANNOTATION))
                          || !Objects.equals(
                              Serialization.jsonMapper().valueToTree(kind.template(d)),
                              Serialization.jsonMapper().valueToTree(desired));
                  changedOnServer.set(differs);
                  kind.setTemplate(d, desired);
                  Map<String, String> annotations =
                      d.getMetadata().getAnnotations() == null
                          ? new HashMap<>()
                          : new HashMap<>(d.getMetadata().getAnnotations());
                  annotations.put(Relation.STATUS_ANNOTATION, summary);
                  d.getMetadata().setAnnotations(annotations);
                  return d;
                });
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // Another writer (the workload's own controller) was first; try again on fresh data.
        LOG.debug(
            "{} {}/{} changed while being injected; again",
            kind.name(),
            namespace,
            workload.getMetadata().getName());
        return UpdateControl.<W>noUpdate().rescheduleAfter(CONFLICT_RETRY);
      }
      if (!changedOnServer.get()) {
        return resolution.missing().isEmpty()
            ? UpdateControl.noUpdate()
            : UpdateControl.<W>noUpdate().rescheduleAfter(RECHECK_MISSING);
      }
      EventRecorder events = new EventRecorder(client, clock);
      if (cycle.isPresent()) {
        events.warning(
            workload,
            "RelationCycle",
            "relation cycle: "
                + cycle.get()
                + "; workloads that wait for each other to start would never start");
      }
      if (!resolution.problems().isEmpty()) {
        events.warning(workload, "RelationsInvalid", summary);
      } else if (!resolution.missing().isEmpty()) {
        events.warning(workload, "RelationsMissing", summary);
      } else {
        events.normal(
            workload, templateChanged ? "RelationsUpdated" : "RelationsResolved", summary);
      }
    }
    UpdateControl<W> control = UpdateControl.noUpdate();
    return resolution.missing().isEmpty() ? control : control.rescheduleAfter(RECHECK_MISSING);
  }

  /**
   * A credentials Secret, read by name (user Secrets are not cached). Gantry labels it so the
   * label-filtered Secret informer sees its later changes and rolls the consumers.
   */
  private static Credentials credentials(KubernetesClient client, String namespace, String name) {
    var secrets = client.secrets().inNamespace(namespace);
    Secret secret = secrets.withName(name).get();
    if (secret == null) {
      return Credentials.NONE;
    }
    if (!LabelMarks.has(secret, Relation.CREDENTIALS_LABEL)) {
      secrets.withName(name).edit(s -> LabelMarks.with(s, Relation.CREDENTIALS_LABEL, "true"));
    }
    return SecretValues.credentials(secret);
  }

  private void ensureBindingSecret(KubernetesClient client, W workload, Resolution resolution) {
    String namespace = workload.getMetadata().getNamespace();
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
            .withName(PodInjection.bindingSecret(workload.getMetadata().getName()))
            .withNamespace(namespace)
            .addToLabels("app.kubernetes.io/managed-by", "gantry")
            .addToLabels("app.kubernetes.io/component", "service-binding")
            .withOwnerReferences(dev.gantry.operator.kube.OwnerReferences.controllerOf(workload))
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

  private static String annotation(HasMetadata d, String key) {
    return d.getMetadata().getAnnotations() == null
        ? null
        : d.getMetadata().getAnnotations().get(key);
  }
}
