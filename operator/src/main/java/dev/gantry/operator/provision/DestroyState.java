package dev.gantry.operator.provision;

import java.time.Instant;

/** Where the destroy stands while the Provision is deleted. */
public sealed interface DestroyState {
  /** Another run of the Provision has to end, and its Job go, first. */
  record WaitingForApply(String jobName, RunOutcome apply) implements DestroyState {}

  record VariablesMissing() implements DestroyState {}

  record Started(String jobName, RunId run, int attempt) implements DestroyState {}

  /**
   * @param endedAt when the run ended: its tool's end, or when Gantry first saw it failed without
   *     one (null while it runs)
   * @param retryAt when a failed run is tried again
   */
  record Run(String jobName, RunOutcome outcome, Instant endedAt, Instant retryAt)
      implements DestroyState {}

  /** The destroy Job cannot be created: the namespace is terminating, or the server refuses. */
  record Blocked(String why) implements DestroyState {}

  /** Deleted without a destroy run (spec.destroy off, or gantry.dev/skip-destroy). */
  record Skipped() implements DestroyState {}
}
