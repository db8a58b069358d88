package dev.gantry.operator.provision;

import dev.gantry.api.provision.PlanStatus;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.operator.kube.ChildInformers;
import dev.gantry.operator.kube.ChildWriter;
import dev.gantry.operator.kube.EventRecorder;
import dev.gantry.operator.kube.FreshEdit;
import dev.gantry.operator.kube.NamespaceTermination;
import dev.gantry.operator.kube.OwnerReferences;
import dev.gantry.operator.kube.StatusComparison;
import dev.gantry.operator.provision.ProvisionStatusFactory.ApplyState;
import dev.gantry.operator.provision.ProvisionStatusFactory.DestroyState;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
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
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a Provision: observe its children in the informer caches, make the one change the
 * state calls for, then write status computed by {@link ProvisionStatusFactory}. Runs never
 * overlap: a new apply or the destroy starts only after the previous run's Job is gone.
 */
@ControllerConfiguration(
    name = "provision",
    finalizerName = ProvisionNames.FINALIZER,
    // Approvals and the skip-destroy annotation change no generation; the filter lets them in.
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = ProvisionUpdateFilter.class))
public class ProvisionReconciler implements Reconciler<Provision>, Cleaner<Provision> {
  private static final Logger LOG = LoggerFactory.getLogger(ProvisionReconciler.class);
  static final Duration VARIABLES_RECHECK = Duration.ofSeconds(10);
  static final Duration APPLY_WAIT = Duration.ofSeconds(10);

  /**
   * Also how soon a skip-destroy annotation is seen: annotations do not change the generation, so
   * their update event is filtered out and the reschedule finds them.
   */
  static final Duration BLOCKED_RECHECK = Duration.ofSeconds(10);

  /** How soon a pass that waits for the outputs to be read looks again, events aside. */
  static final Duration OUTPUTS_RECHECK = Duration.ofSeconds(5);

  private final ProvisionSettings settings;
  private final Clock clock;
  private final OutputsPublisher outputs;
  private final DriftCheck drift;
  private final DestroyPreview preview;
  private final WrittenVersions written = new WrittenVersions();

  public ProvisionReconciler(ProvisionSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.outputs = new OutputsPublisher(settings.volumeReader(), settings);
    this.drift = new DriftCheck(settings, clock);
    this.preview = new DestroyPreview(settings);
  }

  @Override
  public List<EventSource<?, Provision>> prepareEventSources(
      EventSourceContext<Provision> context) {
    return List.of(
        informer(context, Job.class),
        informer(context, Pod.class),
        informer(context, Secret.class),
        informer(context, PersistentVolumeClaim.class));
  }

  private static <R extends HasMetadata> EventSource<R, Provision> informer(
      EventSourceContext<Provision> context, Class<R> type) {
    return ChildInformers.of(context, type, Provision.class, ProvisionNames.OWNER_LABEL);
  }

  @Override
  public UpdateControl<Provision> reconcile(Provision provision, Context<Provision> context) {
    try {
      return converge(provision, context);
    } catch (KubernetesClientException e) {
      if (!NamespaceTermination.refused(e)) {
        throw e;
      }
      // The namespace is going and takes no new children; its deletion reaches this resource
      // next, and the cleanup says what that means. Nothing to retry with a stack trace.
      LOG.debug(
          "{}/{}: namespace is being deleted; no new children",
          provision.getMetadata().getNamespace(),
          provision.getMetadata().getName());
      return UpdateControl.<Provision>noUpdate().rescheduleAfter(BLOCKED_RECHECK);
    }
  }

  private UpdateControl<Provision> converge(Provision provision, Context<Provision> context) {
    Children children = Children.of(provision, context);
    ensureVariablesSecret(provision, children, context);
    ensureClaim(provision, children, context);
    VariablesCheck variables = new VariablesLookup(context.getClient()).check(provision);

    ApplyState state = applyState(provision, children, variables, context);
    OutputsState published = null;
    if (state instanceof ApplyState.Run run && run.outcome().succeeded()) {
      Optional<Job> job = children.job(run.jobName());
      if (job.isPresent()) {
        published =
            outputs.publish(
                provision,
                job.get(),
                children.pods(),
                children.secret(ProvisionNames.outputsSecret(provision.getMetadata().getName())),
                run.outcome(),
                context.getClient());
      }
    }
    DriftCheck.DriftState drifting = null;
    if (state instanceof ApplyState.Run run
        && (published instanceof OutputsState.Published
            || published instanceof OutputsState.Nothing)) {
      drifting =
          drift.evaluate(
              provision,
              children.job(ProvisionNames.driftJob(provision.getMetadata().getName())),
              children.pods(),
              run.outcome(),
              context.getClient());
    }
    ProvisionStatus status =
        ProvisionStatusFactory.forApply(
            provision, variables, state, published, drifting, clock.instant());
    boolean busy = runGoing(state) || drifting instanceof DriftCheck.DriftState.Checking;
    status.destroyPreview =
        preview.evaluate(
            provision,
            children.job(ProvisionNames.previewJob(provision.getMetadata().getName())),
            children.pods(),
            busy,
            context.getClient());
    announce(provision, status, context);

    writeStatus(provision, status, context);
    UpdateControl<Provision> control = UpdateControl.noUpdate();
    if (!variables.resolved()) {
      control.rescheduleAfter(VARIABLES_RECHECK);
    } else if (state instanceof ApplyState.ReplacingRun) {
      control.rescheduleAfter(APPLY_WAIT);
    } else if (published instanceof OutputsState.Waiting) {
      control.rescheduleAfter(OUTPUTS_RECHECK);
    } else if (status.drift != null && status.drift.nextCheckTime != null) {
      // Not an event: the next drift check is due by the clock. A second late at most.
      Duration until = Duration.between(clock.instant(), Instant.parse(status.drift.nextCheckTime));
      control.rescheduleAfter(Math.max(until.toMillis(), 0) + 1000);
    }
    return control;
  }

  private ApplyState applyState(
      Provision provision,
      Children children,
      VariablesCheck variables,
      Context<Provision> context) {
    String jobName = ProvisionNames.applyJob(provision.getMetadata().getName());
    Optional<Job> job = children.job(jobName);
    if (job.isEmpty()) {
      if (!variables.resolved()) {
        return new ApplyState.VariablesMissing();
      }
      if (children.job(ProvisionNames.destroyJob(provision.getMetadata().getName())).isPresent()) {
        // Cannot happen while the Provision lives, but never run two Jobs on one volume.
        return new ApplyState.VariablesMissing();
      }
      PlanStatus approved = null;
      if (provision.getSpec().manualApproval()) {
        Gate gate = approvalGate(provision, children, context);
        if (gate.waiting() != null) {
          return gate.waiting();
        }
        approved = gate.approved();
      }
      RunId run = RunId.next(provision.getStatus(), generation(provision));
      if (create(context, RunJob.apply(provision, settings, run, approved))) {
        new EventRecorder(context.getClient(), clock)
            .normal(
                provision,
                "Applying",
                "created Job "
                    + jobName
                    + " for generation "
                    + generation(provision)
                    + " (run "
                    + run
                    + ")");
      }
      if (approved != null) {
        consumeApproval(provision, context);
      }
      return new ApplyState.Started(jobName, run, approved);
    }
    RunOutcome outcome =
        RunObserver.observe(
            job.get(),
            children.pods(),
            ProvisionNames.applyContainer(provision.getMetadata().getName()),
            provision.getSpec().backoffLimitOrDefault());
    if (outcome.generation() == generation(provision)) {
      var annotations = job.get().getMetadata().getAnnotations();
      return new ApplyState.Run(
          jobName,
          outcome,
          annotations == null ? null : annotations.get(ProvisionNames.PLAN_ANNOTATION));
    }
    if (!outcome.running()) {
      deleteJob(context, job.get());
    }
    return new ApplyState.ReplacingRun(jobName, outcome);
  }

  /** Whether an apply or plan Job of this Provision is going (or about to start or be replaced). */
  private static boolean runGoing(ApplyState state) {
    if (state instanceof ApplyState.Run run) {
      return run.outcome().running();
    }
    return state instanceof ApplyState.Started
        || state instanceof ApplyState.Planning
        || state instanceof ApplyState.ReplacingRun;
  }

  /** What manual approval lets through: a state to report while it waits, or the approved plan. */
  private record Gate(ApplyState waiting, PlanStatus approved) {}

  /**
   * Manual approval, before this generation's apply: plan it (one plan run, whose Job stays until
   * its plan is applied or superseded), then wait until the approved-plan annotation names exactly
   * that plan.
   */
  private Gate approvalGate(Provision provision, Children children, Context<Provision> context) {
    String name = provision.getMetadata().getName();
    long generation = generation(provision);
    String planJobName = ProvisionNames.planJob(name);
    Optional<Job> planJob = children.job(planJobName);
    String approval = approval(provision);
    ProvisionStatus status = provision.getStatus();
    if (planJob.isEmpty()) {
      PlanStatus known = status == null ? null : status.plan;
      if (known != null
          && known.generation != null
          && known.generation == generation
          && known.sha256 != null
          && !Boolean.TRUE.equals(known.approved)) {
        // Its Job is gone (removed by hand, or the pass that approved it ended early): the plan
        // is on the volume and its checksum in status.
        return known.id.equals(approval)
            ? new Gate(null, known)
            : new Gate(new ApplyState.AwaitingApproval(planJobName, null, known, approval), null);
      }
      RunId run = RunId.next(status, generation);
      if (create(context, RunJob.plan(provision, settings, run))) {
        new EventRecorder(context.getClient(), clock)
            .normal(
                provision,
                "Planning",
                "created Job "
                    + planJobName
                    + " for generation "
                    + generation
                    + " (run "
                    + run
                    + ")");
      }
      return new Gate(new ApplyState.Planning(planJobName, run, null), null);
    }
    RunOutcome outcome =
        RunObserver.observe(
            planJob.get(),
            children.pods(),
            ProvisionNames.planContainer(name),
            provision.getSpec().backoffLimitOrDefault());
    if (outcome.generation() != generation) {
      if (!outcome.running()) {
        deleteJob(context, planJob.get());
      }
      return new Gate(new ApplyState.ReplacingRun(planJobName, outcome), null);
    }
    if (outcome.running()) {
      return new Gate(new ApplyState.Planning(planJobName, outcome.id(), outcome), null);
    }
    if (outcome.failed()) {
      return new Gate(new ApplyState.PlanFailed(planJobName, outcome, outcome.message()), null);
    }
    Optional<PlanResult> result = PlanResult.parse(outcome.report());
    if (result.isEmpty() || result.get().sha256() == null) {
      return new Gate(
          new ApplyState.PlanFailed(
              planJobName,
              outcome,
              "it ended without a plan file at $(GANTRY_PLAN_FILE)"
                  + (provision.getSpec().plan == null
                      ? ""
                      : ": a custom spec.plan must write its plan there (-out=$(GANTRY_PLAN_FILE))")),
          null);
    }
    PlanStatus plan = result.get().toStatus(outcome, planJobName);
    if (plan.id.equals(approval)) {
      deleteJob(context, planJob.get());
      return new Gate(null, plan);
    }
    return new Gate(new ApplyState.AwaitingApproval(planJobName, outcome, plan, approval), null);
  }

  private static String approval(Provision provision) {
    var annotations = provision.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(Provision.APPROVED_PLAN_ANNOTATION);
    return value == null || value.isBlank() ? null : value.strip();
  }

  /**
   * An approval is used once: removed when its apply starts, so an approval found later was given
   * for whatever plan awaits then, and one naming another plan is refused, not a leftover. The
   * apply Job's gantry.dev/plan annotation and status.plan keep the record.
   */
  private static void consumeApproval(Provision provision, Context<Provision> context) {
    try {
      context
          .getClient()
          .resources(Provision.class)
          .inNamespace(provision.getMetadata().getNamespace())
          .withName(provision.getMetadata().getName())
          .edit(
              p -> {
                if (p.getMetadata().getAnnotations() != null) {
                  p.getMetadata().getAnnotations().remove(Provision.APPROVED_PLAN_ANNOTATION);
                }
                return p;
              });
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  @Override
  public DeleteControl cleanup(Provision provision, Context<Provision> context) {
    EventRecorder events = new EventRecorder(context.getClient(), clock);
    Children children = Children.of(provision, context);
    String name = provision.getMetadata().getName();
    if (skipsDestroy(provision)) {
      release(provision, children, context);
      written.forget(provision.getMetadata().getUid());
      events.normal(provision, "DestroySkipped", "deleted without running a destroy");
      return DeleteControl.defaultDelete();
    }

    VariablesLookup lookup = new VariablesLookup(context.getClient());
    Optional<String> terminating = namespaceTerminating(provision, context);
    if (terminating.isPresent()) {
      return blocked(provision, lookup.check(provision), terminating.get(), context);
    }
    Optional<Job> apply = children.job(ProvisionNames.applyJob(name));
    String container = ProvisionNames.applyContainer(name);
    if (apply.isEmpty()) {
      // A plan run reads the same state: it too ends before the destroy starts.
      apply = children.job(ProvisionNames.planJob(name));
      container = ProvisionNames.planContainer(name);
    }
    if (apply.isEmpty()) {
      apply = children.job(ProvisionNames.driftJob(name));
      container = ProvisionNames.driftContainer(name);
    }
    if (apply.isEmpty()) {
      apply = children.job(ProvisionNames.previewJob(name));
      container = ProvisionNames.previewContainer(name);
    }
    if (apply.isPresent()) {
      RunOutcome outcome =
          RunObserver.observe(
              apply.get(), children.pods(), container, provision.getSpec().backoffLimitOrDefault());
      if (!outcome.running()) {
        deleteJob(context, apply.get());
      }
      writeStatus(
          provision,
          lookup.check(provision),
          new DestroyState.WaitingForApply(apply.get().getMetadata().getName(), outcome),
          context);
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(APPLY_WAIT);
    }

    VariablesCheck variables = lookup.check(provision);
    if (!variables.resolved()) {
      writeStatus(provision, variables, new DestroyState.VariablesMissing(), context);
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(VARIABLES_RECHECK);
    }

    String destroyName = ProvisionNames.destroyJob(name);
    Optional<Job> destroy = children.job(destroyName);
    ProvisionStatus previous = provision.getStatus();
    int attempts =
        previous == null || previous.destroyAttempts == null ? 0 : previous.destroyAttempts;
    if (destroy.isEmpty()) {
      Optional<Instant> retryAt = retryAt(previous, attempts);
      if (retryAt.isPresent() && retryAt.get().isAfter(clock.instant())) {
        return DeleteControl.noFinalizerRemoval()
            .rescheduleAfter(Duration.between(clock.instant(), retryAt.get()).toMillis() + 1);
      }
      int attempt = attempts + 1;
      RunId run = RunId.next(previous, generation(provision));
      try {
        if (create(context, RunJob.destroy(provision, settings, run, attempt))) {
          events.normal(
              provision, "Destroying", "created Job " + destroyName + " (attempt " + attempt + ")");
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() != 403) {
          throw e;
        }
        return blocked(
            provision,
            variables,
            "the API server refused to create the destroy Job "
                + destroyName
                + ": "
                + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()),
            context);
      }
      writeStatus(
          provision, variables, new DestroyState.Started(destroyName, run, attempt), context);
      return DeleteControl.noFinalizerRemoval();
    }

    RunOutcome outcome =
        RunObserver.observe(
            destroy.get(),
            children.pods(),
            ProvisionNames.destroyContainer(name),
            provision.getSpec().backoffLimitOrDefault());
    Instant retryAt = retryTime(outcome);
    writeStatus(provision, variables, new DestroyState.Run(destroyName, outcome, retryAt), context);
    if (outcome.succeeded()) {
      release(provision, children, context);
      written.forget(provision.getMetadata().getUid());
      events.normal(provision, "Destroyed", "Job " + destroyName + " succeeded");
      return DeleteControl.defaultDelete();
    }
    if (outcome.failed()) {
      if (!Objects.equals(
              previous == null || previous.run == null ? null : previous.run.exitCode,
              outcome.exitCode())
          || previous.run.completionTime == null) {
        events.warning(
            provision, "DestroyFailed", "Job " + destroyName + " failed: " + outcome.message());
      }
      if (retryAt.isAfter(clock.instant())) {
        return DeleteControl.noFinalizerRemoval()
            .rescheduleAfter(Duration.between(clock.instant(), retryAt).toMillis() + 1);
      }
      deleteJob(context, destroy.get());
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(1));
    }
    return DeleteControl.noFinalizerRemoval();
  }

  /**
   * A terminating namespace takes no new objects, so the destroy Job cannot start there: say so,
   * once as an Event and in the conditions, and keep the finalizer (and the state's claim) until
   * the user decides, re-checking in case the namespace deletion was only a quota or policy.
   */
  private DeleteControl blocked(
      Provision provision, VariablesCheck variables, String why, Context<Provision> context) {
    boolean already =
        provision.getStatus() != null
            && provision.getStatus().conditions != null
            && provision.getStatus().conditions.stream()
                .anyMatch(c -> ProvisionStatusFactory.DESTROY_BLOCKED.equals(c.getReason()));
    if (!already) {
      new EventRecorder(context.getClient(), clock)
          .warning(provision, ProvisionStatusFactory.DESTROY_BLOCKED, why);
    }
    writeStatus(provision, variables, new DestroyState.Blocked(why), context);
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(BLOCKED_RECHECK);
  }

  private static Optional<String> namespaceTerminating(
      Provision provision, Context<Provision> context) {
    String ns = provision.getMetadata().getNamespace();
    var namespace = context.getClient().namespaces().withName(ns).get();
    boolean terminating =
        namespace != null
            && (namespace.getMetadata().getDeletionTimestamp() != null
                || (namespace.getStatus() != null
                    && "Terminating".equals(namespace.getStatus().getPhase())));
    return terminating
        ? Optional.of(
            "namespace "
                + ns
                + " is being deleted, and Kubernetes creates no new objects in a terminating"
                + " namespace, so the destroy Job cannot start")
        : Optional.empty();
  }

  @Override
  public ErrorStatusUpdateControl<Provision> updateErrorStatus(
      Provision provision, Context<Provision> context, Exception e) {
    LOG.warn(
        "reconcile of {}/{} failed, will retry: {}",
        provision.getMetadata().getNamespace(),
        provision.getMetadata().getName(),
        e.getMessage());
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  private void ensureVariablesSecret(
      Provision provision, Children children, Context<Provision> context) {
    String name = ProvisionNames.variablesSecret(provision.getMetadata().getName());
    Optional<Secret> live = children.secret(name);
    Optional<Secret> desired = VariablesSecret.desired(provision);
    if (desired.isPresent()) {
      if (live.isEmpty()) {
        create(context, desired.get());
      } else if (!VariablesSecret.matches(live.get(), desired.get())) {
        context.getClient().resource(desired.get()).update();
      }
    } else if (live.isPresent()) {
      context.getClient().resource(live.get()).delete();
    }
  }

  private void ensureClaim(Provision provision, Children children, Context<Provision> context) {
    // A claim's spec is immutable once bound, so an existing claim keeps its spec; one made
    // before claims carried the state finalizer gets it.
    Optional<PersistentVolumeClaim> live =
        children.claim(ProvisionNames.deliverablesClaim(provision.getMetadata().getName()));
    if (live.isEmpty()) {
      create(context, DeliverablesClaim.desired(provision));
    } else if (live.get().getMetadata().getDeletionTimestamp() == null
        && !live.get().getFinalizers().contains(ProvisionNames.STATE_FINALIZER)) {
      FreshEdit.edit(
          context
              .getClient()
              .persistentVolumeClaims()
              .inNamespace(live.get().getMetadata().getNamespace())
              .withName(live.get().getMetadata().getName()),
          c -> {
            c.addFinalizer(ProvisionNames.STATE_FINALIZER);
            return c;
          });
    }
  }

  /** After a successful (or skipped) destroy: the variables go, the volume goes or is released. */
  private void release(Provision provision, Children children, Context<Provision> context) {
    String name = provision.getMetadata().getName();
    children
        .secret(ProvisionNames.variablesSecret(name))
        .ifPresent(s -> context.getClient().resource(s).delete());
    // Owned, so the garbage collector would take it too; deleting it here means no consumer reads
    // outputs of infrastructure that is gone in the meantime.
    children
        .secret(ProvisionNames.outputsSecret(name))
        .ifPresent(s -> context.getClient().resource(s).delete());
    children
        .claim(ProvisionNames.deliverablesClaim(name))
        .ifPresent(
            claim -> {
              boolean retained = provision.getSpec().deliverablesOrDefault().retained();
              FreshEdit.edit(
                  context
                      .getClient()
                      .persistentVolumeClaims()
                      .inNamespace(claim.getMetadata().getNamespace())
                      .withName(claim.getMetadata().getName()),
                  c -> {
                    if (c.getMetadata().getFinalizers() != null) {
                      c.getMetadata().getFinalizers().remove(ProvisionNames.STATE_FINALIZER);
                    }
                    if (retained) {
                      c.getMetadata().setOwnerReferences(null);
                    }
                    return c;
                  });
              if (!retained) {
                context.getClient().resource(claim).delete();
              }
            });
  }

  private void writeStatus(
      Provision provision,
      VariablesCheck variables,
      DestroyState state,
      Context<Provision> context) {
    writeStatus(
        provision,
        ProvisionStatusFactory.forDestroy(provision, variables, state, clock.instant()),
        context);
  }

  /**
   * Replaces the status whole (a PUT of the status subresource), not a patch computed against the
   * cached object: a patch of list items made from a stale copy does not apply. The status is
   * computed whole from observed state, so replacing it loses nothing; on a conflict it is put
   * again over the latest version.
   */
  private void writeStatus(
      Provision provision, ProvisionStatus status, Context<Provision> context) {
    if (StatusComparison.same(provision.getStatus(), status)) {
      return;
    }
    var provisions =
        context
            .getClient()
            .resources(Provision.class)
            .inNamespace(provision.getMetadata().getNamespace());
    String uid = provision.getMetadata().getUid();
    try {
      Provision copy = io.fabric8.kubernetes.client.utils.Serialization.clone(provision);
      copy.setStatus(status);
      copy.getMetadata().setResourceVersion(written.newest(uid, provision));
      Provision stored;
      try {
        stored = provisions.resource(copy).updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        Provision latest = provisions.withName(provision.getMetadata().getName()).get();
        if (latest == null) {
          return;
        }
        latest.setStatus(status);
        stored = provisions.resource(latest).updateStatus();
      }
      written.remember(uid, stored);
      provision.setStatus(status);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  /** Emits an Event when the phase changes to one a user must hear about. */
  private void announce(Provision provision, ProvisionStatus status, Context<Provision> context) {
    String refused = ProvisionStatusFactory.APPROVAL_NOT_FOR_THIS_PLAN;
    var approvedNow =
        dev.gantry.operator.kube.Conditions.find(
            status.conditions, ProvisionStatusFactory.APPROVED);
    boolean refusedBefore =
        provision.getStatus() != null
            && dev.gantry.operator.kube.Conditions.find(
                    provision.getStatus().conditions, ProvisionStatusFactory.APPROVED)
                .map(c -> refused.equals(c.getReason()))
                .orElse(false);
    if (approvedNow.isPresent()
        && refused.equals(approvedNow.get().getReason())
        && !refusedBefore) {
      new EventRecorder(context.getClient(), clock)
          .warning(provision, "ApprovalRefused", approvedNow.get().getMessage());
    }
    Phase before = provision.getStatus() == null ? null : provision.getStatus().phase;
    if (before == status.phase) {
      return;
    }
    EventRecorder events = new EventRecorder(context.getClient(), clock);
    String job = status.run == null ? "" : status.run.jobName;
    if (status.phase == Phase.AwaitingApproval) {
      events.normal(
          provision,
          "AwaitingApproval",
          "plan " + status.plan.id + " (" + status.plan.summary + ") awaits gantry approve");
    } else if (status.phase == Phase.Ready) {
      events.normal(
          provision, "Applied", "Job " + job + " applied generation " + status.observedGeneration);
    } else if (status.phase == Phase.Failed) {
      boolean applied =
          dev.gantry.operator.kube.Conditions.isTrue(
              status.conditions, ProvisionStatusFactory.APPLIED);
      // Failed after a successful apply: its outputs were refused.
      String type =
          applied ? ProvisionStatusFactory.OUTPUTS_PUBLISHED : ProvisionStatusFactory.APPLIED;
      String message =
          status.conditions.stream()
              .filter(c -> type.equals(c.getType()))
              .map(c -> c.getMessage())
              .findFirst()
              .orElse("");
      events.warning(provision, applied ? "OutputsNotPublished" : "ApplyFailed", message);
    } else if (status.phase == Phase.Pending
        && status.conditions.stream()
            .anyMatch(
                c ->
                    ProvisionStatusFactory.VARIABLES_RESOLVED.equals(c.getType())
                        && "False".equals(c.getStatus()))) {
      events.warning(
          provision,
          "VariablesNotFound",
          status.conditions.stream()
              .filter(c -> ProvisionStatusFactory.VARIABLES_RESOLVED.equals(c.getType()))
              .map(c -> c.getMessage())
              .findFirst()
              .orElse(""));
    }
  }

  private Optional<Instant> retryAt(ProvisionStatus previous, int attempts) {
    if (previous == null
        || previous.run == null
        || !"destroy".equals(previous.run.type)
        || previous.run.exitCode == null
        || previous.run.exitCode == 0
        || previous.run.completionTime == null) {
      return Optional.empty();
    }
    return Optional.of(
        Instant.parse(previous.run.completionTime).plus(settings.destroyBackoff(attempts)));
  }

  private Instant retryTime(RunOutcome outcome) {
    Instant ended =
        outcome.completionTime() == null
            ? clock.instant()
            : Instant.parse(outcome.completionTime());
    return ended.plus(settings.destroyBackoff(outcome.attempt()));
  }

  private static boolean skipsDestroy(Provision provision) {
    var annotations = provision.getMetadata().getAnnotations();
    boolean annotated =
        annotations != null
            && "true".equalsIgnoreCase(annotations.get(Provision.SKIP_DESTROY_ANNOTATION));
    return annotated || !provision.getSpec().destroysOnDelete();
  }

  private static <R extends HasMetadata> boolean create(Context<Provision> context, R child) {
    return ChildWriter.create(context.getClient(), child);
  }

  /** Deletes a finished Job and waits for its pods to go first, so runs never overlap. */
  private static void deleteJob(Context<Provision> context, Job job) {
    if (job.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    context
        .getClient()
        .resource(job)
        .withPropagationPolicy(DeletionPropagation.FOREGROUND)
        .delete();
  }

  private static long generation(Provision provision) {
    Long generation = provision.getMetadata().getGeneration();
    return generation == null ? 1L : generation;
  }

  /** The children of one Provision, read from the informer caches and filtered to its uid. */
  record Children(
      Provision owner,
      List<Job> jobs,
      List<Pod> pods,
      List<Secret> secrets,
      List<PersistentVolumeClaim> claims) {
    static Children of(Provision provision, Context<Provision> context) {
      String uid = provision.getMetadata().getUid();
      return new Children(
          provision,
          context.getSecondaryResources(Job.class).stream()
              .filter(j -> OwnerReferences.isOwnedBy(j, uid))
              .toList(),
          List.copyOf(context.getSecondaryResources(Pod.class)),
          context.getSecondaryResources(Secret.class).stream()
              .filter(s -> OwnerReferences.isOwnedBy(s, uid))
              .toList(),
          List.copyOf(context.getSecondaryResources(PersistentVolumeClaim.class)));
    }

    Optional<Job> job(String name) {
      return jobs.stream().filter(j -> name.equals(j.getMetadata().getName())).findFirst();
    }

    Optional<Secret> secret(String name) {
      return secrets.stream().filter(s -> name.equals(s.getMetadata().getName())).findFirst();
    }

    /**
     * Claims are matched by name: a retained claim has no owner and is reused by a new Provision.
     */
    Optional<PersistentVolumeClaim> claim(String name) {
      return claims.stream().filter(c -> name.equals(c.getMetadata().getName())).findFirst();
    }
  }
}
