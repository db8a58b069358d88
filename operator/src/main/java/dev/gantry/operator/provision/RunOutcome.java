package dev.gantry.operator.provision;

import java.util.Optional;

/**
 * What one run (an apply or destroy Job) has come to, read from the Job and its pods.
 *
 * @param state running, succeeded or failed
 * @param generation the Provision generation the run applies
 * @param number the run's number within its generation (see {@link RunId})
 * @param attempt for a destroy, which attempt it is; 1 for an apply
 * @param startTime when the Job started, if it has
 * @param completionTime when the tool container ended, once it has
 * @param exitCode the tool container's exit code, once it ended
 * @param failedAttempts pods whose tool container failed
 * @param message why it failed or what it waits for (the log tail of a failure), or empty
 * @param manifest the deliverables list, for a successful apply
 * @param report the tool container's termination message on success (a plan's result), or null
 * @param jobFinished whether the Job itself has ended (its pods are gone or done)
 */
public record RunOutcome(
    State state,
    long generation,
    int number,
    int attempt,
    String startTime,
    String completionTime,
    Integer exitCode,
    int failedAttempts,
    String message,
    Optional<DeliverablesManifest> manifest,
    String report,
    boolean jobFinished) {

  public enum State {
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  public RunId id() {
    return new RunId(generation, number);
  }

  public boolean running() {
    return state == State.RUNNING;
  }

  public boolean succeeded() {
    return state == State.SUCCEEDED;
  }

  public boolean failed() {
    return state == State.FAILED;
  }
}
