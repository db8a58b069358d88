package dev.gantry.operator.provision;

import java.util.Optional;

/**
 * The kinds of run a Provision makes on its deliverables volume, each a Job named {@code
 * <kind>-<provision>} whose tool container has the Job's name (as the seed's clients expect of the
 * apply). Every kind reads or writes the tool's state, so at most one runs at a time (see {@link
 * RunSlot}).
 */
public enum RunKind {
  /** The plan manual approval waits on. */
  PLAN("plan", "plan"),
  APPLY("apply", "apply"),
  /** A periodic plan of the applied generation; never applied. */
  DRIFT("drift", "drift check"),
  /** A plan of the destroy on a copy of the state. */
  PREVIEW("preview", "destroy preview"),
  DESTROY("destroy", "destroy");

  private final String prefix;
  private final String description;

  RunKind(String prefix, String description) {
    this.prefix = prefix;
    this.description = description;
  }

  public String jobName(String provision) {
    return prefix + "-" + provision;
  }

  public String container(String provision) {
    return jobName(provision);
  }

  /** status.run.type of a run of this kind. */
  public String statusType() {
    return prefix;
  }

  /** In words, for conditions and events. */
  public String description() {
    return description;
  }

  /** The kind of a Job of {@code provision}, by its name. */
  public static Optional<RunKind> ofJob(String provision, String jobName) {
    for (RunKind kind : values()) {
      if (kind.jobName(provision).equals(jobName)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
