package dev.gantry.operator.provision;

import dev.gantry.api.provision.DriftStatus;

/** Where drift detection stands for the applied generation. */
public sealed interface DriftState {
  /** No drift detection configured. */
  record Off() implements DriftState {}

  /** The interval cannot be used; no check runs. */
  record Invalid(String message) implements DriftState {}

  /**
   * Between checks.
   *
   * @param drift the last check of this apply, with the next one's time; its run may be null when
   *     no check has run since the apply
   */
  record Idle(DriftStatus drift, boolean checkedSinceApply) implements DriftState {}

  /** A check is due, but another run holds the volume. */
  record Queued(DriftStatus drift, boolean checkedSinceApply, String why) implements DriftState {}

  /** A check runs (outcome null when its Job was just created). */
  record Checking(String jobName, RunId run, RunOutcome outcome, DriftStatus previous)
      implements DriftState {}

  /** The last check failed; the next one runs at the interval. */
  record CheckFailed(String jobName, RunOutcome outcome, DriftStatus drift) implements DriftState {}
}
