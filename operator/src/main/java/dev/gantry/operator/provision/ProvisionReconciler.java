package dev.gantry.operator.provision;

import dev.gantry.api.provision.Provision;
import dev.gantry.operator.kube.ChildInformers;
import dev.gantry.operator.kube.EventRecorder;
import dev.gantry.operator.kube.NamespaceTermination;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a Provision in three steps: observe ({@link ProvisionObserver}), decide ({@link
 * ProvisionPlanner}, pure), act ({@link ProvisionActions}); then the status is written over the
 * copy it was computed from ({@link ProvisionStatusWriter}) and the Events its change calls for
 * ({@link ProvisionEvents}) are recorded. One run at a time on the volume ({@link RunSlot}).
 */
@ControllerConfiguration(
    name = "provision",
    finalizerName = ProvisionNames.FINALIZER,
    // Approvals and the skip-destroy annotation change no generation; the filter lets them in.
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = ProvisionUpdateFilter.class))
public class ProvisionReconciler
    implements Reconciler<Provision>, Cleaner<Provision>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProvisionReconciler.class);

  /** How soon a pass refused by a terminating namespace looks again. */
  static final Duration NAMESPACE_RECHECK = Duration.ofSeconds(10);

  private final Clock clock;
  private final OutputsReads reads;
  private final ProvisionObserver observer;
  private final ProvisionPlanner planner;
  private final ProvisionActions actions;

  public ProvisionReconciler(ProvisionSettings settings, Clock clock) {
    this.clock = clock;
    this.reads = new OutputsReads(settings.volumeReader(), clock);
    this.observer = new ProvisionObserver(reads, clock);
    this.planner = new ProvisionPlanner(settings);
    this.actions = new ProvisionActions(reads);
  }

  @Override
  public List<EventSource<?, Provision>> prepareEventSources(
      EventSourceContext<Provision> context) {
    return List.of(
        informer(context, Job.class),
        informer(context, Pod.class),
        informer(context, Secret.class),
        informer(context, PersistentVolumeClaim.class),
        reads.eventSource());
  }

  private static <R extends HasMetadata> EventSource<R, Provision> informer(
      EventSourceContext<Provision> context, Class<R> type) {
    return ChildInformers.of(context, type, Provision.class, ProvisionNames.OWNER_LABEL);
  }

  @Override
  public UpdateControl<Provision> reconcile(Provision provision, Context<Provision> context) {
    ProvisionObservation observed = observer.observe(provision, context);
    ProvisionPlan plan = planner.reconcile(observed);
    try {
      actions.execute(provision, plan.actions(), context);
    } catch (KubernetesClientException | ProvisionActions.Refused e) {
      KubernetesClientException refusal =
          e instanceof KubernetesClientException k ? k : (KubernetesClientException) e.getCause();
      if (!NamespaceTermination.refused(refusal)) {
        throw e;
      }
      // The namespace is going and takes no new children; its deletion reaches this resource
      // next, and the cleanup says what that means. Nothing to retry with a stack trace.
      LOG.debug(
          "{}/{}: namespace is being deleted; no new children",
          provision.getMetadata().getNamespace(),
          provision.getMetadata().getName());
      return UpdateControl.<Provision>noUpdate().rescheduleAfter(NAMESPACE_RECHECK);
    }
    conclude(provision, plan, context);
    UpdateControl<Provision> control = UpdateControl.noUpdate();
    plan.requeue().ifPresent(control::rescheduleAfter);
    return control;
  }

  @Override
  public DeleteControl cleanup(Provision provision, Context<Provision> context) {
    ProvisionObservation observed = observer.observeDeletion(provision, context);
    ProvisionPlan plan = planner.cleanup(observed);
    try {
      actions.execute(provision, plan.actions(), context);
    } catch (ProvisionActions.Refused e) {
      plan = planner.destroyRefused(observed, e.getMessage());
    }
    conclude(provision, plan, context);
    if (plan.release()) {
      reads.forget(provision.getMetadata().getUid());
      return DeleteControl.defaultDelete();
    }
    DeleteControl control = DeleteControl.noFinalizerRemoval();
    plan.requeue().ifPresent(control::rescheduleAfter);
    return control;
  }

  /** Writes the status; only once it is written, the Events its change calls for. */
  private void conclude(Provision provision, ProvisionPlan plan, Context<Provision> context) {
    if (!ProvisionStatusWriter.write(provision, plan.status(), context)) {
      return;
    }
    EventRecorder events = new EventRecorder(context.getClient(), clock);
    for (ProvisionEvents.Event event :
        ProvisionEvents.between(provision, provision.getStatus(), plan.status())) {
      if (ProvisionEvents.WARNING.equals(event.type())) {
        events.warning(provision, event.reason(), event.message());
      } else {
        events.normal(provision, event.reason(), event.message());
      }
    }
  }

  @Override
  public ErrorStatusUpdateControl<Provision> updateErrorStatus(
      Provision provision, Context<Provision> context, Exception e) {
    boolean conflict = e instanceof KubernetesClientException k && k.getCode() == 409;
    if (conflict) {
      // The Provision changed since this pass read it: the next pass starts from the newer copy.
      LOG.debug(
          "{}/{} changed while being reconciled; again",
          provision.getMetadata().getNamespace(),
          provision.getMetadata().getName());
    } else {
      LOG.warn(
          "reconcile of {}/{} failed, will retry: {}",
          provision.getMetadata().getNamespace(),
          provision.getMetadata().getName(),
          e.getMessage());
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  @Override
  public void close() {
    reads.close();
  }
}
