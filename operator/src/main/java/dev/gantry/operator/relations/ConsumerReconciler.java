package dev.gantry.operator.relations;

import dev.gantry.api.relations.Relation;
import dev.gantry.operator.kube.EventRecorder;
import dev.gantry.operator.kube.LabelMarks;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
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
  private final BindingSecretDependent<W> bindingSecret;
  private final InjectionSettings settings;
  private final Clock clock;
  private final CachedProviderLookup lookup;

  private ConsumerReconciler(
      WorkloadKind<W> kind, InjectionSettings settings, Clock clock, CachedProviderLookup lookup) {
    this.bindingSecret =
        new BindingSecretDependent<>(kind.name().toLowerCase(java.util.Locale.ROOT));
    this.kind = kind;
    this.settings = settings;
    this.clock = clock;
    this.lookup = lookup;
  }

  /** A controller for each kind that can consume relations, all reading the one shared cache. */
  public static List<Reconciler<?>> all(
      InjectionSettings settings, Clock clock, CachedProviderLookup lookup) {
    return List.of(
        new Deployments(settings, clock, lookup),
        new StatefulSets(settings, clock, lookup),
        new DaemonSets(settings, clock, lookup));
  }

  @ControllerConfiguration(
      name = "relations",
      informer = @Informer(labelSelector = Relation.RELATIONSHIPS_LABEL))
  public static final class Deployments extends ConsumerReconciler<Deployment> {
    public Deployments(InjectionSettings settings, Clock clock, CachedProviderLookup lookup) {
      super(WorkloadKind.DEPLOYMENT, settings, clock, lookup);
    }
  }

  @ControllerConfiguration(
      name = "relations-statefulsets",
      informer = @Informer(labelSelector = Relation.RELATIONSHIPS_LABEL))
  public static final class StatefulSets extends ConsumerReconciler<StatefulSet> {
    public StatefulSets(InjectionSettings settings, Clock clock, CachedProviderLookup lookup) {
      super(WorkloadKind.STATEFUL_SET, settings, clock, lookup);
    }
  }

  @ControllerConfiguration(
      name = "relations-daemonsets",
      informer = @Informer(labelSelector = Relation.RELATIONSHIPS_LABEL))
  public static final class DaemonSets extends ConsumerReconciler<DaemonSet> {
    public DaemonSets(InjectionSettings settings, Clock clock, CachedProviderLookup lookup) {
      super(WorkloadKind.DAEMON_SET, settings, clock, lookup);
    }
  }

  /**
   * Woken by the shared cache (providers, Relations, labelled credentials Secrets), each change
   * mapped to the workloads it concerns, and by the binding Secrets this controller keeps.
   */
  @Override
  public List<EventSource<?, W>> prepareEventSources(EventSourceContext<W> context) {
    String prefix = kind.name().toLowerCase(java.util.Locale.ROOT) + "-";
    var workloads = context.getPrimaryCache();
    List<EventSource<?, W>> sources = new java.util.ArrayList<>();
    sources.add(
        lookup.<W>events(
            prefix + "providers",
            CachedProviderLookup.Source.PROVIDERS,
            service ->
                workloads
                    .list(service.getMetadata().getNamespace())
                    .filter(
                        d ->
                            RelationDeclaration.fromAnnotations(d.getMetadata().getAnnotations())
                                .relations()
                                .contains(service.getMetadata().getName()))
                    .map(ResourceID::fromResource)
                    .collect(Collectors.toSet())));
    sources.add(
        lookup.<W>events(
            prefix + "relations",
            CachedProviderLookup.Source.RELATIONS,
            relation ->
                workloads
                    .list(relation.getMetadata().getNamespace())
                    .filter(
                        d ->
                            ExplicitRelations.selects(
                                (Relation) relation,
                                kind.name(),
                                d.getMetadata().getName(),
                                d.getMetadata().getLabels()))
                    .map(ResourceID::fromResource)
                    .collect(Collectors.toSet())));
    // Only the credentials Secrets Gantry has labelled; a change maps to the workloads whose
    // injected variables read it.
    sources.add(
        lookup.<W>events(
            prefix + "credentials",
            CachedProviderLookup.Source.CREDENTIALS,
            secret ->
                workloads
                    .list(secret.getMetadata().getNamespace())
                    .filter(w -> readsSecret(kind.template(w), secret.getMetadata().getName()))
                    .map(ResourceID::fromResource)
                    .collect(Collectors.toSet())));
    sources.addAll(EventSourceUtils.dependentEventSources(context, bindingSecret));
    return sources;
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
    return reconcile(workload, ConsumerView.of(context, lookup, bindingSecret));
  }

  UpdateControl<W> reconcile(W workload, ConsumerView<W> view) {
    String namespace = workload.getMetadata().getNamespace();
    Map<String, Service> services = new HashMap<>();
    view.providers(namespace).forEach(s -> services.put(s.getMetadata().getName(), s));
    var client = view.client();
    // Providers from the shared cache; a Service without the provides label is read so the
    // resolver can say what is wrong with it.
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
            (ns, secret) -> credentials(view, ns, secret));
    RelationDeclaration declaration =
        RelationDeclaration.fromAnnotations(workload.getMetadata().getAnnotations());
    var template = kind.template(workload);
    Resolution resolution =
        RelationResolver.resolve(
            declaration,
            service,
            secret -> credentials(view, namespace, secret),
            template.getMetadata() == null ? Map.of() : template.getMetadata().getLabels(),
            explicit);

    boolean serviceBinding =
        "true".equalsIgnoreCase(annotation(workload, Relation.SERVICE_BINDING_ANNOTATION));
    view.bindingSecret(
        workload,
        serviceBinding && !resolution.bindings().isEmpty()
            ? Optional.of(bindingSecret(client, workload, resolution))
            : Optional.empty());

    String name = workload.getMetadata().getName();
    var desired = injected(template, name, resolution, serviceBinding);
    Optional<String> cycle =
        RelationCycles.through(kind, workload, view.workloads(namespace).toList(), service);
    String summary = resolution.summary() + cycle.map(c -> "; relation cycle: " + c).orElse("");
    boolean templateChanged = !sameJson(template, desired);
    boolean statusChanged = !summary.equals(annotation(workload, Relation.STATUS_ANNOTATION));
    // The label a Relation put on this workload goes once no Relation selects it any more (a
    // label the user set, with another value, stays).
    boolean unmark = markedByRelation(workload) && explicit.isEmpty();
    if (templateChanged || statusChanged || unmark) {
      // Made on the server's copy, not the cached one: a change another writer made meanwhile
      // (kubectl set image, a rollout restart) stays, and a pass on a stale cache that finds
      // the server's copy current changes nothing and records no second event.
      AtomicBoolean changedOnServer = new AtomicBoolean();
      AtomicBoolean templateChangedOnServer = new AtomicBoolean();
      try {
        client
            .resources(kind.type())
            .inNamespace(namespace)
            .withName(name)
            .edit(
                d -> {
                  var current = kind.template(d);
                  var fresh = injected(current, name, resolution, serviceBinding);
                  templateChangedOnServer.set(!sameJson(current, fresh));
                  boolean unmarkHere = unmark && markedByRelation(d);
                  changedOnServer.set(
                      templateChangedOnServer.get()
                          || unmarkHere
                          || !summary.equals(annotation(d, Relation.STATUS_ANNOTATION)));
                  kind.setTemplate(d, fresh);
                  if (unmarkHere) {
                    Map<String, String> labels = new HashMap<>(d.getMetadata().getLabels());
                    labels.remove(Relation.RELATIONSHIPS_LABEL);
                    d.getMetadata().setLabels(labels);
                  }
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
        LOG.debug("{} {}/{} changed while being injected; again", kind.name(), namespace, name);
        return UpdateControl.<W>noUpdate().rescheduleAfter(CONFLICT_RETRY);
      }
      if (!changedOnServer.get()) {
        return resolution.missing().isEmpty()
            ? UpdateControl.noUpdate()
            : UpdateControl.<W>noUpdate().rescheduleAfter(RECHECK_MISSING);
      }
      templateChanged = templateChangedOnServer.get();
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
  private static Credentials credentials(ConsumerView<?> view, String namespace, String name) {
    Optional<Secret> secret = view.credentialsSecret(namespace, name);
    if (secret.isEmpty()) {
      return Credentials.NONE;
    }
    if (!LabelMarks.has(secret.get(), Relation.CREDENTIALS_LABEL)) {
      view.client()
          .secrets()
          .inNamespace(namespace)
          .withName(name)
          .edit(s -> LabelMarks.with(s, Relation.CREDENTIALS_LABEL, "true"));
    }
    return SecretValues.credentials(secret.get());
  }

  /** The binding Secret's desired state: the resolved bindings' files, credentials read by name. */
  private static Secret bindingSecret(
      KubernetesClient client, HasMetadata workload, Resolution resolution) {
    String namespace = workload.getMetadata().getNamespace();
    Map<String, String> data =
        BindingFiles.data(
            resolution.bindings(),
            (secret, key) -> {
              Secret s = client.secrets().inNamespace(namespace).withName(secret).get();
              return s == null ? null : SecretValues.value(s, key);
            });
    return BindingSecretDependent.build(workload, data);
  }

  /** The pod template with this resolution injected, as the webhook would admit it. */
  private io.fabric8.kubernetes.api.model.PodTemplateSpec injected(
      io.fabric8.kubernetes.api.model.PodTemplateSpec template,
      String workload,
      Resolution resolution,
      boolean serviceBinding) {
    var desired = Serialization.clone(template);
    if (desired.getMetadata() == null) {
      desired.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    }
    PodInjection.apply(
        desired.getMetadata(), desired.getSpec(), workload, resolution, serviceBinding, settings);
    return desired;
  }

  /** Labelled by the Relation controller (value "relation"), not by the workload's author. */
  private static boolean markedByRelation(HasMetadata workload) {
    var labels = workload.getMetadata().getLabels();
    return labels != null
        && RelationReconciler.MARK.equals(labels.get(Relation.RELATIONSHIPS_LABEL));
  }

  private static boolean sameJson(Object a, Object b) {
    return Objects.equals(
        Serialization.jsonMapper().valueToTree(a), Serialization.jsonMapper().valueToTree(b));
  }

  private static String annotation(HasMetadata d, String key) {
    return d.getMetadata().getAnnotations() == null
        ? null
        : d.getMetadata().getAnnotations().get(key);
  }
}
