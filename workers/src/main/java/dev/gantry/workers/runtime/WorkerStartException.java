package dev.gantry.workers.runtime;

/**
 * A worker's runtime did not start (its code throws at start-up, a module does not parse): the
 * message carries what workerd said. The previous deployment keeps serving.
 */
public final class WorkerStartException extends RuntimeException {
  public WorkerStartException(String message) {
    super(message);
  }
}
