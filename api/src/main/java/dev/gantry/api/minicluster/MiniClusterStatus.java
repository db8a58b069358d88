package dev.gantry.api.minicluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/** What the ranks are doing, read from the Job and its pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MiniClusterStatus {
  @PrinterColumn(name = "Phase", priority = 0)
  @JsonPropertyDescription("Pending, Starting, Ready (interactive), Running, Succeeded or Failed.")
  public Phase phase;

  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @StatusReplicas
  @JsonPropertyDescription("Ranks the Job runs (its parallelism).")
  public Integer size;

  @JsonPropertyDescription("Largest size the cluster may grow to (spec.maxSize, else spec.size).")
  public Integer maximumSize;

  @LabelSelector
  @JsonPropertyDescription("Label selector of the rank pods, for the scale subresource.")
  public String selector;

  @JsonPropertyDescription("Ranks whose pod runs with an IP.")
  public Integer readyRanks;

  @JsonPropertyDescription("Host names of the ranks that are up.")
  public List<String> hosts = new ArrayList<>();

  @JsonPropertyDescription("Exit code of the leader's Flux container, once it ended.")
  public Integer leaderExitCode;

  @JsonPropertyDescription("Unused; kept for compatibility with the Flux Operator's status.")
  public String jobid;

  @JsonPropertyDescription(
      "JobRequested, JobWaitingForResources, JobRunning, JobMiniClusterReady, JobFinished (the Flux"
          + " Operator's, set when true), Ready and Supported.")
  public List<Condition> conditions = new ArrayList<>();

  public enum Phase {
    Pending,
    Starting,
    Ready,
    Running,
    Succeeded,
    Failed
  }
}
