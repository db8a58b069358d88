package dev.gantry.operator.provision;

import dev.gantry.api.provision.Provision;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The one run slot of a Provision's volume: every run kind reads or writes the tool's state (and a
 * plan run rewrites the plans), so a run starts only when no other is going. The one place that
 * finds the run Jobs on the volume, refuses a second run, and retires a finished one. Pure: built
 * from the Jobs and pods observed, it is asked and answered within one planning pass.
 */
final class RunSlot {
  /** A run Job of this Provision and what it has come to. */
  record Occupant(RunKind kind, Job job, RunOutcome outcome) {
    String jobName() {
      return job.getMetadata().getName();
    }

    boolean retiring() {
      return job.getMetadata().getDeletionTimestamp() != null;
    }

    /** "Job drift-x (drift check, run 1-2)". */
    String describe() {
      return "Job " + jobName() + " (" + kind.description() + ", run " + outcome.id() + ")";
    }
  }

  /** What asking to start a run comes to. */
  sealed interface Start {
    /** The Job to create: the slot is now taken for the rest of the pass. */
    record Go(Job job) implements Start {}

    /** Another run holds the volume (or the Job's name); why, in words. */
    record Wait(String why) implements Start {}
  }

  private final String provision;
  private final List<Occupant> occupants;
  private String startedThisPass;

  private RunSlot(String provision, List<Occupant> occupants) {
    this.provision = provision;
    this.occupants = occupants;
  }

  static RunSlot of(Provision provision, Collection<Job> jobs, Collection<Pod> pods) {
    String name = provision.getMetadata().getName();
    int backoffLimit = provision.getSpec().backoffLimitOrDefault();
    List<Occupant> found = new ArrayList<>();
    for (Job job : jobs) {
      RunKind.ofJob(name, job.getMetadata().getName())
          .ifPresent(
              kind ->
                  found.add(
                      new Occupant(
                          kind,
                          job,
                          RunObserver.observe(job, pods, kind.container(name), backoffLimit))));
    }
    return new RunSlot(name, List.copyOf(found));
  }

  Optional<Occupant> find(RunKind kind) {
    return occupants.stream().filter(o -> o.kind() == kind).findFirst();
  }

  List<Occupant> occupants() {
    return occupants;
  }

  /**
   * The run that holds the volume: one whose tool has not ended (a finished Job may stay, as the
   * applied generation's record or a plan awaiting approval), or one started in this pass.
   */
  Optional<String> holder() {
    if (startedThisPass != null) {
      return Optional.of(startedThisPass);
    }
    return occupants.stream()
        .filter(o -> o.outcome().running())
        .map(Occupant::describe)
        .findFirst();
  }

  /** Whether a run other than {@code kind}'s own holds the volume. */
  boolean busyForOtherThan(RunKind kind) {
    return startedThisPass != null
        || occupants.stream().anyMatch(o -> o.kind() != kind && o.outcome().running());
  }

  /**
   * Starts a run of {@code kind} when the slot is free and no Job of its name is left; otherwise
   * says what it waits for.
   */
  Start start(RunKind kind, RunId run, Job job) {
    Optional<String> holder = holder();
    if (holder.isPresent()) {
      return new Start.Wait(holder.get() + " is going; one run on the volume at a time");
    }
    Optional<Occupant> sameName = find(kind);
    if (sameName.isPresent()) {
      return new Start.Wait(
          "Job " + sameName.get().jobName() + " of an earlier run is being removed");
    }
    startedThisPass =
        "Job " + kind.jobName(provision) + " (" + kind.description() + ", run " + run + ")";
    return new Start.Go(job);
  }

  /** Retires a finished run: its Job goes with its pods first (foreground), unless it is going. */
  Optional<ProvisionAction> retire(Occupant occupant) {
    if (occupant.outcome().running() || occupant.retiring()) {
      return Optional.empty();
    }
    return Optional.of(new ProvisionAction.RetireJob(occupant.job()));
  }
}
