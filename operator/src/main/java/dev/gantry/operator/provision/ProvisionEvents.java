package dev.gantry.operator.provision;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.api.provision.RunStatus;
import dev.gantry.operator.kube.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Events a status change calls for, derived in one place from the status before and after a
 * pass. They are recorded only once that status is written, so a pass on a stale copy (whose write
 * is refused) says nothing, and a pass that changes nothing says nothing twice.
 */
final class ProvisionEvents {
  static final String NORMAL = "Normal";
  static final String WARNING = "Warning";

  record Event(String type, String reason, String message) {}

  private ProvisionEvents() {}

  static List<Event> between(Provision provision, ProvisionStatus before, ProvisionStatus after) {
    ProvisionStatus previous = before == null ? new ProvisionStatus() : before;
    List<Event> events = new ArrayList<>();
    runStarted(previous, after).ifPresent(events::add);
    phaseChanged(provision, previous, after).ifPresent(events::add);
    approvalRefused(previous, after).ifPresent(events::add);
    driftChecked(provision, previous, after).ifPresent(events::add);
    destroyed(previous, after).ifPresent(events::add);
    return events;
  }

  private static Optional<Event> runStarted(ProvisionStatus before, ProvisionStatus after) {
    RunStatus run = after.run;
    if (run == null || sameRun(before.run, run) || run.completionTime != null) {
      return Optional.empty();
    }
    String id = run.generation + "-" + run.number;
    String created = "created Job " + run.jobName;
    String forGeneration = " for generation " + run.generation + " (run " + id + ")";
    return switch (run.type) {
      case "apply" -> Optional.of(new Event(NORMAL, "Applying", created + forGeneration));
      case "plan" -> Optional.of(new Event(NORMAL, "Planning", created + forGeneration));
      case "destroy" ->
          Optional.of(
              new Event(
                  NORMAL,
                  "Destroying",
                  created
                      + " (attempt "
                      + (after.destroyAttempts == null ? 1 : after.destroyAttempts)
                      + ")"));
      default -> Optional.empty();
    };
  }

  private static Optional<Event> phaseChanged(
      Provision provision, ProvisionStatus before, ProvisionStatus after) {
    if (before.phase == after.phase) {
      return Optional.empty();
    }
    if (after.phase == Phase.AwaitingApproval && after.plan != null) {
      return Optional.of(
          new Event(
              NORMAL,
              "AwaitingApproval",
              "plan " + after.plan.id + " (" + after.plan.summary + ") awaits gantry approve"));
    }
    if (after.phase == Phase.Ready) {
      String job = after.run == null ? "" : after.run.jobName;
      return Optional.of(
          new Event(
              NORMAL, "Applied", "Job " + job + " applied generation " + after.observedGeneration));
    }
    if (after.phase == Phase.Failed) {
      // Failed after a successful apply: its outputs were refused.
      boolean applied = Conditions.isTrue(after.conditions, ProvisionStatusFactory.APPLIED);
      String type =
          applied ? ProvisionStatusFactory.OUTPUTS_PUBLISHED : ProvisionStatusFactory.APPLIED;
      return Optional.of(
          new Event(
              WARNING,
              applied ? "OutputsNotPublished" : "ApplyFailed",
              message(after, type).orElse("")));
    }
    Optional<Condition> variables =
        Conditions.find(after.conditions, ProvisionStatusFactory.VARIABLES_RESOLVED);
    if (after.phase == Phase.Pending
        && variables.isPresent()
        && Conditions.FALSE.equals(variables.get().getStatus())) {
      return Optional.of(new Event(WARNING, "VariablesNotFound", variables.get().getMessage()));
    }
    return Optional.empty();
  }

  private static Optional<Event> approvalRefused(ProvisionStatus before, ProvisionStatus after) {
    String refused = ProvisionStatusFactory.APPROVAL_NOT_FOR_THIS_PLAN;
    Optional<Condition> now = Conditions.find(after.conditions, ProvisionStatusFactory.APPROVED);
    boolean refusedBefore =
        reason(before, ProvisionStatusFactory.APPROVED).map(refused::equals).orElse(false);
    if (now.isPresent() && refused.equals(now.get().getReason()) && !refusedBefore) {
      return Optional.of(new Event(WARNING, "ApprovalRefused", now.get().getMessage()));
    }
    return Optional.empty();
  }

  private static Optional<Event> driftChecked(
      Provision provision, ProvisionStatus before, ProvisionStatus after) {
    if (after.drift == null
        || after.drift.run == null
        || after.drift.lastCheckTime == null
        || (before.drift != null && Objects.equals(before.drift.run, after.drift.run))) {
      return Optional.empty();
    }
    String reason = reason(after, ProvisionStatusFactory.DRIFTED).orElse("");
    String run = after.drift.run;
    if ("Drifted".equals(reason)) {
      var spec = provision.getSpec().driftDetection;
      boolean remediates = spec != null && spec.remediates();
      return Optional.of(
          new Event(
              WARNING,
              "Drifted",
              "the infrastructure no longer matches generation "
                  + after.observedGeneration
                  + ": the drift check (run "
                  + run
                  + ") plans "
                  + after.drift.summary
                  + (remediates
                      ? "; applying again (spec.driftDetection.remediate)"
                      : "; see gantry logs provision/"
                          + provision.getMetadata().getName()
                          + " --run "
                          + run)));
    }
    if ("CheckFailed".equals(reason)) {
      return Optional.of(
          new Event(
              WARNING,
              "DriftCheckFailed",
              message(after, ProvisionStatusFactory.DRIFTED).orElse("")));
    }
    if ("NoDrift".equals(reason)
        && before.drift != null
        && Boolean.TRUE.equals(before.drift.drifted)) {
      return Optional.of(
          new Event(NORMAL, "DriftResolved", "the drift check (run " + run + ") found no changes"));
    }
    return Optional.empty();
  }

  private static Optional<Event> destroyed(ProvisionStatus before, ProvisionStatus after) {
    Optional<String> now = reason(after, ProvisionStatusFactory.DESTROYED);
    if (now.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> then = reason(before, ProvisionStatusFactory.DESTROYED);
    boolean changed = !now.equals(then) || !sameRun(before.run, after.run);
    if (!changed) {
      return Optional.empty();
    }
    String message = message(after, ProvisionStatusFactory.DESTROYED).orElse("");
    return switch (now.get()) {
      case "Failed" -> Optional.of(new Event(WARNING, "DestroyFailed", message));
      case "Succeeded" -> Optional.of(new Event(NORMAL, "Destroyed", message));
      case "Skipped" -> Optional.of(new Event(NORMAL, "DestroySkipped", message));
      case ProvisionStatusFactory.DESTROY_BLOCKED ->
          now.equals(then)
              ? Optional.empty()
              : Optional.of(new Event(WARNING, "DestroyBlocked", message));
      default -> Optional.empty();
    };
  }

  private static boolean sameRun(RunStatus a, RunStatus b) {
    return a != null
        && b != null
        && Objects.equals(a.type, b.type)
        && Objects.equals(a.generation, b.generation)
        && Objects.equals(a.number, b.number);
  }

  private static Optional<String> reason(ProvisionStatus status, String type) {
    return Conditions.find(status.conditions, type).map(Condition::getReason);
  }

  private static Optional<String> message(ProvisionStatus status, String type) {
    return Conditions.find(status.conditions, type).map(Condition::getMessage);
  }
}
