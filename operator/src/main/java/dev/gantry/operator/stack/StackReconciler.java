package dev.gantry.operator.stack;

import dev.gantry.api.stack.Stack;
import dev.gantry.api.stack.StackSpec;
import dev.gantry.api.stack.StackStatus;
import dev.gantry.operator.kube.EventRecorder;
import dev.gantry.operator.kube.StatusWriter;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a Stack: compile its spec (once per generation), observe ({@link StackObserver}),
 * decide ({@link StackPlanner}, pure), act ({@link StackActions}), then write the status over the
 * copy it was computed from and record the Events its change calls for. Deletion holds a finalizer
 * because the garbage collector deletes a Stack's children all at once, and a Stack is torn down in
 * reverse dependency order, Provisions last.
 */
@ControllerConfiguration(name = "stack", finalizerName = StackNames.FINALIZER)
public class StackReconciler implements Reconciler<Stack>, Cleaner<Stack>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StackReconciler.class);

  /** How soon a teardown that waits on dependents' deletion looks again, besides their events. */
  static final Duration TEARDOWN_RECHECK = Duration.ofSeconds(10);

  /**
   * How soon a write the API server refused is tried again: a quota freed, a permission granted or
   * a conflicting object removed changes nothing Gantry watches.
   */
  static final Duration REFUSED_RETRY = Duration.ofSeconds(30);

  private final Clock clock;
  private final StackObserver observer;
  private final StackActions actions;
  private final StackClients clients;
  private final StackDiscovery discovery;
  private final Map<String, Compiled> compiled = new ConcurrentHashMap<>();

  private record Compiled(Long generation, StackDefinition definition) {}

  /**
   * @param client the operator's own client: it reads; children are written as each Stack's
   *     ServiceAccount
   */
  public StackReconciler(KubernetesClient client, Clock clock) {
    this(client, clock, new StackDiscovery(), StackSpec.DEFAULT_SERVICE_ACCOUNT);
  }

  /**
   * @param discovery where each pass leaves the Stack's scrape targets, for the operator's
   *     Prometheus service discovery
   * @param defaultAccount the ServiceAccount children are written as when a Stack names none
   */
  public StackReconciler(
      KubernetesClient client, Clock clock, StackDiscovery discovery, String defaultAccount) {
    this.discovery = discovery;
    ChildKinds kinds = new ChildKinds();
    this.clock = clock;
    this.clients = new StackClients(client, defaultAccount);
    this.observer = new StackObserver(kinds, clock);
    this.actions = new StackActions(kinds, clients);
  }

  @Override
  public void close() {
    clients.close();
  }

  /**
   * The Stack's pods, for their members: they carry gantry.dev/stack (put on the pod templates) but
   * not Gantry's managed-by label, which only the objects it writes carry.
   */
  @Override
  public List<EventSource<?, Stack>> prepareEventSources(EventSourceContext<Stack> context) {
    var config =
        InformerEventSourceConfiguration.from(Pod.class, Stack.class)
            .withName("stack-pods")
            .withLabelSelector(StackNames.OWNER_LABEL)
            .withSecondaryToPrimaryMapper(
                pod -> {
                  var labels = pod.getMetadata().getLabels();
                  String owner = labels == null ? null : labels.get(StackNames.OWNER_LABEL);
                  return owner == null
                      ? Set.of()
                      : Set.of(new ResourceID(owner, pod.getMetadata().getNamespace()));
                })
            .build();
    return List.of(new InformerEventSource<>(config, context));
  }

  @Override
  public UpdateControl<Stack> reconcile(Stack stack, Context<Stack> context) {
    Pass pass = pass(stack, context);
    UpdateControl<Stack> control = UpdateControl.noUpdate();
    java.util.Optional<Duration> after = pass.plan().requeue();
    if (pass.refused()) {
      after =
          java.util.Optional.of(
              after.filter(a -> a.compareTo(REFUSED_RETRY) < 0).orElse(REFUSED_RETRY));
    }
    after.ifPresent(control::rescheduleAfter);
    return control;
  }

  @Override
  public DeleteControl cleanup(Stack stack, Context<Stack> context) {
    StackPlanner.Plan plan = pass(stack, context).plan();
    if (plan.finished()) {
      compiled.remove(stack.getMetadata().getUid());
      discovery.remove(stack.getMetadata().getNamespace(), stack.getMetadata().getName());
      return DeleteControl.defaultDelete();
    }
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(TEARDOWN_RECHECK);
  }

  /** What a pass decided, and whether the API server refused any of its writes. */
  private record Pass(StackPlanner.Plan plan, boolean refused) {}

  private Pass pass(Stack stack, Context<Stack> context) {
    StackDefinition definition = definition(stack);
    StackObservation observed = observer.observe(stack, definition, context);
    StackPlanner.Plan plan = StackPlanner.plan(observed, definition);
    String namespace = stack.getMetadata().getNamespace();
    String name = stack.getMetadata().getName();
    if (observed.deleting() || !definition.valid()) {
      discovery.remove(namespace, name);
    } else {
      discovery.put(
          namespace, name, ScrapeTargets.of(definition, namespace, name, observed.pods()));
    }
    List<StackActions.Outcome> outcomes = actions.execute(stack, plan.actions(), context);
    StackStatus status = StackStatuses.settle(stack, plan.status(), outcomes, clock.instant());
    if (!plan.finished()) {
      conclude(stack, status, context);
    }
    return new Pass(plan, outcomes.stream().anyMatch(o -> o instanceof StackActions.Refused));
  }

  private StackDefinition definition(Stack stack) {
    String uid = stack.getMetadata().getUid();
    Long generation = stack.getMetadata().getGeneration();
    Compiled known = compiled.get(uid);
    if (known != null && java.util.Objects.equals(known.generation(), generation)) {
      return known.definition();
    }
    StackDefinition definition =
        StackCompiler.compile(stack.getSpec(), stack.getMetadata().getNamespace());
    compiled.put(uid, new Compiled(generation, definition));
    return definition;
  }

  /** Writes the status; only once it is written, the Events its change calls for. */
  private void conclude(Stack stack, StackStatus status, Context<Stack> context) {
    if (!StatusWriter.write(stack, status, context)) {
      return;
    }
    EventRecorder events = new EventRecorder(context.getClient(), clock);
    for (StackEvents.Event event : StackEvents.between(stack.getStatus(), status)) {
      if (StackEvents.WARNING.equals(event.type())) {
        events.warning(stack, event.reason(), event.message());
      } else {
        events.normal(stack, event.reason(), event.message());
      }
    }
  }

  @Override
  public ErrorStatusUpdateControl<Stack> updateErrorStatus(
      Stack stack, Context<Stack> context, Exception e) {
    if (conflict(e)) {
      LOG.debug(
          "{}/{} changed while being reconciled; again",
          stack.getMetadata().getNamespace(),
          stack.getMetadata().getName());
    } else {
      LOG.warn(
          "reconcile of {}/{} failed, will retry: {}",
          stack.getMetadata().getNamespace(),
          stack.getMetadata().getName(),
          e.getMessage());
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /** The Stack or a child changed since this pass read it: the next pass starts from the newer. */
  private static boolean conflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() == 409) {
        return true;
      }
    }
    return false;
  }
}
