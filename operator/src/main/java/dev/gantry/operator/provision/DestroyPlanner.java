package dev.gantry.operator.provision;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * While the Provision is deleted: every other run ends and its Job goes, then the destroy runs with
 * the apply's variables and state; a failed destroy is retried after a doubling back-off. Only a
 * successful (or skipped) destroy lets the Provision go.
 */
final class DestroyPlanner {
  static final Duration RECHECK = Duration.ofSeconds(10);

  private final ProvisionSettings settings;

  DestroyPlanner(ProvisionSettings settings) {
    this.settings = settings;
  }

  ProvisionPlan decide(ProvisionObservation o) {
    Provision provision = o.provision();
    if (skipsDestroy(provision)) {
      return new ProvisionPlan(
          ChildrenPlanner.release(o),
          status(o, new DestroyState.Skipped()),
          Optional.empty(),
          true);
    }
    if (o.namespaceTerminating().isPresent()) {
      return blocked(o, o.namespaceTerminating().get());
    }
    List<ProvisionAction> actions = new ArrayList<>();
    RunSlot slot = RunSlot.of(provision, o.jobs(), o.pods());
    Optional<RunSlot.Occupant> other =
        slot.occupants().stream().filter(r -> r.kind() != RunKind.DESTROY).findFirst();
    if (other.isPresent()) {
      // Every run reads the same state: each ends, and its Job goes, before the destroy starts.
      slot.occupants().stream()
          .filter(r -> r.kind() != RunKind.DESTROY)
          .forEach(r -> slot.retire(r).ifPresent(actions::add));
      return new ProvisionPlan(
          actions,
          status(o, new DestroyState.WaitingForApply(other.get().jobName(), other.get().outcome())),
          Optional.of(RECHECK),
          false);
    }
    if (!o.variables().resolved()) {
      return new ProvisionPlan(
          actions, status(o, new DestroyState.VariablesMissing()), Optional.of(RECHECK), false);
    }
    ProvisionStatus previous = provision.getStatus();
    int attempts =
        previous == null || previous.destroyAttempts == null ? 0 : previous.destroyAttempts;
    Optional<RunSlot.Occupant> destroy = slot.find(RunKind.DESTROY);
    if (destroy.isEmpty()) {
      Optional<Instant> retryAt = retryAfterFailure(previous, attempts);
      if (retryAt.isPresent() && retryAt.get().isAfter(o.now())) {
        // The failed attempt's Job is gone; its status stands until the retry.
        return new ProvisionPlan(
            actions, previous, Optional.of(until(o.now(), retryAt.get())), false);
      }
      int attempt = attempts + 1;
      RunId run = RunId.next(previous, o.generation());
      RunSlot.Start start =
          slot.start(RunKind.DESTROY, run, RunJob.destroy(provision, settings, run, attempt));
      if (start instanceof RunSlot.Start.Go go) {
        actions.add(new ProvisionAction.Create(go.job()));
      }
      return new ProvisionPlan(
          actions,
          status(o, new DestroyState.Started(RunKind.DESTROY.jobName(o.name()), run, attempt)),
          Optional.empty(),
          false);
    }
    RunSlot.Occupant run = destroy.get();
    RunOutcome outcome = run.outcome();
    Instant endedAt = outcome.running() ? null : endedAt(outcome, previous, o.now());
    Instant retryAt =
        endedAt == null ? null : endedAt.plus(settings.destroyBackoff(outcome.attempt()));
    ProvisionStatus status =
        status(o, new DestroyState.Run(run.jobName(), outcome, endedAt, retryAt));
    if (outcome.succeeded()) {
      actions.addAll(ChildrenPlanner.release(o));
      return new ProvisionPlan(actions, status, Optional.empty(), true);
    }
    if (outcome.failed()) {
      if (retryAt.isAfter(o.now())) {
        return new ProvisionPlan(actions, status, Optional.of(until(o.now(), retryAt)), false);
      }
      slot.retire(run).ifPresent(actions::add);
      return new ProvisionPlan(actions, status, Optional.of(Duration.ofSeconds(1)), false);
    }
    return new ProvisionPlan(actions, status, Optional.empty(), false);
  }

  /**
   * The API server refused the destroy Job (a terminating namespace, a quota, a policy): say so,
   * and keep the finalizer and the state's claim until the user decides, re-checking meanwhile.
   */
  ProvisionPlan blocked(ProvisionObservation o, String why) {
    return new ProvisionPlan(
        List.of(), status(o, new DestroyState.Blocked(why)), Optional.of(RECHECK), false);
  }

  private ProvisionStatus status(ProvisionObservation o, DestroyState state) {
    return ProvisionStatusFactory.forDestroy(o.provision(), o.variables(), state, o.now());
  }

  /**
   * When the run ended: its tool's end; else (the deadline passed, the pod went before the tool
   * ran) when status first recorded it ended, so the back-off counts from one fixed time; else now.
   */
  private static Instant endedAt(RunOutcome outcome, ProvisionStatus previous, Instant now) {
    if (outcome.completionTime() != null) {
      return Instant.parse(outcome.completionTime());
    }
    var run = previous == null ? null : previous.run;
    if (run != null
        && "destroy".equals(run.type)
        && run.completionTime != null
        && run.generation != null
        && run.generation == outcome.generation()
        && run.number != null
        && run.number == outcome.number()) {
      return Instant.parse(run.completionTime);
    }
    return now;
  }

  private Optional<Instant> retryAfterFailure(ProvisionStatus previous, int attempts) {
    // A destroy that ended and did not succeed (no exit code: it never ran to its end).
    if (previous == null
        || previous.run == null
        || !"destroy".equals(previous.run.type)
        || previous.run.completionTime == null
        || Integer.valueOf(0).equals(previous.run.exitCode)) {
      return Optional.empty();
    }
    return Optional.of(
        Instant.parse(previous.run.completionTime).plus(settings.destroyBackoff(attempts)));
  }

  private static Duration until(Instant now, Instant at) {
    return Duration.between(now, at).plusMillis(1);
  }

  private static boolean skipsDestroy(Provision provision) {
    var annotations = provision.getMetadata().getAnnotations();
    boolean annotated =
        annotations != null
            && "true".equalsIgnoreCase(annotations.get(Provision.SKIP_DESTROY_ANNOTATION));
    return annotated || !provision.getSpec().destroysOnDelete();
  }
}
