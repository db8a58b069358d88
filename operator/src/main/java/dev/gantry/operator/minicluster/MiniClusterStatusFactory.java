package dev.gantry.operator.minicluster;

import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.api.minicluster.MiniClusterStatus;
import dev.gantry.api.minicluster.MiniClusterStatus.Phase;
import dev.gantry.operator.kube.Conditions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A MiniCluster's status from what the reconciler observed. Ready means every rank's pod runs with
 * an IP — not, as in the Flux Operator, that the objects exist. The Flux Operator's condition types
 * are kept and set only when they are true.
 */
public final class MiniClusterStatusFactory {
  public static final String READY = "Ready";
  public static final String SUPPORTED = "Supported";
  public static final String SIZE_ACCEPTED = "SizeAccepted";
  public static final String JOB_REQUESTED = "JobRequested";
  public static final String JOB_WAITING = "JobWaitingForResources";
  public static final String JOB_RUNNING = "JobRunning";
  public static final String JOB_READY = "JobMiniClusterReady";
  public static final String JOB_FINISHED = "JobFinished";

  private MiniClusterStatusFactory() {}

  /**
   * @param problems spec errors (no children are made while there are any)
   * @param unsupported fields set that Gantry does not implement
   * @param maximumSize the size the broker configuration allows
   * @param jobSize the Job's parallelism, or null when there is no Job
   * @param ranks the ranks' state, or null when there is no Job
   */
  public static MiniClusterStatus compute(
      MiniCluster mc,
      List<String> problems,
      List<String> unsupported,
      int maximumSize,
      Integer jobSize,
      RankObserver.Ranks ranks,
      Instant now) {
    MiniClusterStatus previous = mc.getStatus() == null ? new MiniClusterStatus() : mc.getStatus();
    String name = mc.getMetadata().getName();
    long generation =
        mc.getMetadata().getGeneration() == null ? 1L : mc.getMetadata().getGeneration();
    int size = mc.getSpec() == null ? 0 : mc.getSpec().sizeOrDefault();
    MiniClusterStatus status = new MiniClusterStatus();
    status.observedGeneration = generation;
    status.selector = MiniClusterNames.selector(name);
    status.maximumSize = maximumSize;
    status.size = jobSize;
    Conditions c = Conditions.after(previous.conditions, now, generation);

    if (!problems.isEmpty()) {
      status.phase = Phase.Pending;
      status.readyRanks = 0;
      c.set(READY, false, "InvalidSpec", String.join("; ", problems));
      status.conditions = c.build();
      return status;
    }
    c.set(
        SUPPORTED,
        unsupported.isEmpty(),
        unsupported.isEmpty() ? "AllFieldsSupported" : "UnsupportedFields",
        unsupported.isEmpty()
            ? "every field set is supported"
            : String.join(", ", unsupported)
                + " not supported by Gantry and ignored; see docs/minicluster.md");
    if (size > maximumSize) {
      c.set(
          SIZE_ACCEPTED,
          false,
          "AboveMaximumSize",
          "spec.size "
              + size
              + " is more than the maximum size "
              + maximumSize
              + " fixed when the cluster started"
              + " (its hosts are registered in broker.toml); the Job keeps "
              + jobSize
              + " ranks. Lower spec.size, or recreate the MiniCluster with a larger maxSize");
    } else if (size < 1) {
      c.set(
          SIZE_ACCEPTED,
          false,
          "ZeroSize",
          "spec.size 0 pauses nothing in Flux; the Job keeps "
              + jobSize
              + " ranks. Delete the MiniCluster to stop it");
    } else {
      c.set(
          SIZE_ACCEPTED,
          true,
          "Accepted",
          "the Job runs " + size + " of at most " + maximumSize + " ranks");
    }

    if (ranks == null) {
      status.phase = Phase.Pending;
      status.readyRanks = 0;
      c.set(JOB_REQUESTED, false, JOB_REQUESTED, "the Job is not created yet");
      c.set(READY, false, "JobNotCreated", "the Job is not created yet");
      status.conditions = c.build();
      return status;
    }
    int wanted = jobSize == null ? size : jobSize;
    List<String> hosts = new ArrayList<>();
    ranks.up().forEach(i -> hosts.add(MiniClusterNames.host(name, i)));
    status.hosts = hosts;
    status.readyRanks = ranks.up().size();
    status.leaderExitCode = ranks.leaderExitCode();
    boolean finished = ranks.complete() || ranks.failed().isPresent();
    boolean allUp = !finished && ranks.up().size() >= wanted;

    c.set(JOB_REQUESTED, true, JOB_REQUESTED, "Job " + MiniClusterNames.job(name) + " created");
    c.set(
        JOB_WAITING,
        !finished && !allUp,
        JOB_WAITING,
        finished || allUp
            ? "no rank is waiting"
            : (wanted - ranks.up().size())
                + " of "
                + wanted
                + " ranks not up"
                + (ranks.waiting().isEmpty() ? "" : ": " + String.join("; ", ranks.waiting())));
    c.set(
        JOB_RUNNING,
        allUp,
        JOB_RUNNING,
        allUp ? "all " + wanted + " ranks are running" : "not all ranks are running");
    c.set(
        JOB_READY,
        allUp,
        JOB_READY,
        allUp ? "all " + wanted + " ranks are up with an IP" : "not all ranks are up");
    c.set(
        JOB_FINISHED,
        finished,
        JOB_FINISHED,
        ranks.complete()
            ? "the Job completed"
            : ranks.failed().map(f -> "the Job failed: " + f).orElse("the Job has not finished"));

    if (ranks.complete()) {
      status.phase = Phase.Succeeded;
      c.set(
          READY,
          false,
          "Finished",
          "the cluster's job completed (leader exit code " + ranks.leaderExitCode() + ")");
    } else if (ranks.failed().isPresent()) {
      status.phase = Phase.Failed;
      c.set(
          READY,
          false,
          "Failed",
          "the Job failed: "
              + ranks.failed().get()
              + (ranks.leaderExitCode() == null
                  ? ""
                  : " (leader exit code " + ranks.leaderExitCode() + ")"));
    } else if (allUp) {
      status.phase = mc.getSpec().interactiveOn() ? Phase.Ready : Phase.Running;
      c.set(
          READY, true, "RanksUp", "all " + wanted + " ranks are up: " + Hostlist.of(name, wanted));
    } else {
      status.phase = Phase.Starting;
      c.set(
          READY,
          false,
          "RanksStarting",
          ranks.up().size()
              + " of "
              + wanted
              + " ranks up"
              + (ranks.waiting().isEmpty()
                  ? ""
                  : "; waiting: " + String.join("; ", ranks.waiting())));
    }
    status.conditions = c.build();
    return status;
  }
}
