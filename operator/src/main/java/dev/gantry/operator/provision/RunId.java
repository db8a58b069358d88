package dev.gantry.operator.provision;

import dev.gantry.api.provision.RunStatus;

/**
 * Which run of a Provision a Job is: the generation it works on and its number among that
 * generation's runs (plans, applies, destroy attempts), counting from 1. It names the run's log on
 * the volume, {@code runs/<generation>-<number>.log}, and its plan file.
 */
public record RunId(long generation, int number) {
  public RunId {
    if (generation < 1 || number < 1) {
      throw new IllegalArgumentException("generation and number count from 1");
    }
  }

  /** The run after the one in status: the next number in the same generation, else the first. */
  public static RunId next(RunStatus last, long generation) {
    if (last != null
        && last.generation != null
        && last.generation == generation
        && last.number != null) {
      return new RunId(generation, last.number + 1);
    }
    return new RunId(generation, 1);
  }

  /**
   * The run after the latest in status: the apply, plan or destroy run, or the last drift check,
   * whichever came later in this generation.
   */
  public static RunId next(dev.gantry.api.provision.ProvisionStatus status, long generation) {
    RunId next = next(status == null ? null : status.run, generation);
    if (status == null) {
      return next;
    }
    for (String other :
        new String[] {
          status.drift == null ? null : status.drift.run,
          status.destroyPreview == null ? null : status.destroyPreview.run
        }) {
      next = after(other, generation, next);
    }
    return next;
  }

  private static RunId after(String run, long generation, RunId next) {
    if (run == null) {
      return next;
    }
    String[] parts = run.split("-");
    try {
      if (Long.parseLong(parts[0]) == generation) {
        int number = Integer.parseInt(parts[1]) + 1;
        return number > next.number ? new RunId(generation, number) : next;
      }
    } catch (RuntimeException e) {
      return next;
    }
    return next;
  }

  /** The log's path relative to the deliverables mount. */
  public String logPath() {
    return RunScripts.RUNS_DIR + "/" + this + ".log";
  }

  @Override
  public String toString() {
    return generation + "-" + number;
  }
}
