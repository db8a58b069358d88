package dev.gantry.operator.provision;

import dev.gantry.api.provision.PlanStatus;

/** Where this generation's apply stands (with manual approval's plan before it), as planned. */
public sealed interface ApplyState {
  /** The variables cannot be mounted yet; no Job is started. */
  record VariablesMissing() implements ApplyState {}

  /**
   * The apply Job for the current generation is created in this pass.
   *
   * @param plan the approved plan it applies, under manual approval; else null
   */
  record Started(String jobName, RunId run, PlanStatus plan) implements ApplyState {}

  /** Manual approval: this generation's plan run, just created (outcome null) or running. */
  record Planning(String jobName, RunId run, RunOutcome outcome) implements ApplyState {}

  /** Manual approval: the plan run failed, or made no plan file; nothing is applied. */
  record PlanFailed(String jobName, RunOutcome outcome, String why) implements ApplyState {}

  /**
   * Manual approval: the plan is made and waits for gantry approve.
   *
   * @param approval the approved-plan annotation, when it names another plan; else null
   */
  record AwaitingApproval(String jobName, RunOutcome outcome, PlanStatus plan, String approval)
      implements ApplyState {}

  /** A run of an older generation has to end (and its Job go) before the new one starts. */
  record ReplacingRun(String jobName, RunOutcome previous) implements ApplyState {}

  /**
   * The run this generation needs next (a plan or the apply) is due, but another run holds the
   * volume.
   */
  record WaitingForRun(RunKind kind, String why) implements ApplyState {}

  /**
   * The apply of the current generation.
   *
   * @param planId the approved plan the Job applies (its gantry.dev/plan annotation), or null
   */
  record Run(String jobName, RunOutcome outcome, String planId) implements ApplyState {
    public Run(String jobName, RunOutcome outcome) {
      this(jobName, outcome, null);
    }
  }
}
