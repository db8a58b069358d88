package dev.gantry.api.minicluster;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Map;

/** The Flux Operator's MiniClusterSpec, the subset Gantry supports; see docs/minicluster.md. */
@ValidationRule(
    value = "!has(self.maxSize) || self.maxSize >= self.size",
    message = "spec.maxSize must be at least spec.size: raise maxSize or lower size")
@ValidationRule(
    value = "!has(self.minSize) || self.minSize <= self.size",
    message = "spec.minSize must be at most spec.size")
@ValidationRule(
    value = "!has(self.minSize) || !has(self.maxSize) || self.minSize <= self.maxSize",
    message = "spec.minSize must be at most spec.maxSize")
@ValidationRule(
    value =
        "self.containers.size() == 1 || self.containers.filter(c, has(c.runFlux) && c.runFlux).size() == 1",
    message =
        "exactly one container must run Flux: set runFlux: true on one of spec.containers (a single"
            + " container runs it by default)")
@ValidationRule(
    value =
        "self.containers.size() == 1 || self.containers.all(c, (has(c.runFlux) && c.runFlux) || has(c.name))",
    message = "every container that does not run Flux needs a name")
public class MiniClusterSpec {
  public static final int DEFAULT_SIZE = 1;
  public static final int DEFAULT_TASKS = 1;
  public static final long DEFAULT_DEADLINE_SECONDS = 31_500_000L;
  public static final int DEFAULT_BACKOFF_LIMIT = 100;

  /**
   * The API server estimates the cost of every CEL rule when the CRD is created and refuses rules
   * over unbounded lists; the rules below iterate containers, so the list is bounded (a pod holds
   * far fewer containers than this in practice).
   */
  public static final int MAX_CONTAINERS = 32;

  @Required
  @Size(min = 1, max = MAX_CONTAINERS)
  @JsonPropertyDescription(
      "The pod's containers (at most 32); exactly one runs the Flux broker (runFlux).")
  public List<MiniClusterContainer> containers;

  @Default("1")
  @Min(0)
  @SpecReplicas
  @JsonPropertyDescription(
      "Number of ranks (pods). Can be changed, or scaled, up to maxSize without recreating the Job.")
  public Integer size;

  @Min(1)
  @JsonPropertyDescription(
      "Largest size the cluster may grow to; hosts up to it are pre-registered. Default: size.")
  public Integer maxSize;

  @Min(1)
  @JsonPropertyDescription(
      "Broker quorum: ranks that must be up before the job starts. Default: size.")
  public Integer minSize;

  @Default("1")
  @Min(0)
  @JsonPropertyDescription(
      "Total tasks for the submitted job (flux submit -n); 0 means one per node (-N size).")
  public Integer tasks;

  @Default("false")
  @JsonPropertyDescription(
      "Keep the broker up with no initial program until flux shutdown (a persistent cluster).")
  public Boolean interactive;

  @Default("31500000")
  @Min(1)
  @JsonPropertyDescription("The Job's activeDeadlineSeconds.")
  public Long deadlineSeconds;

  @Default("100")
  @Min(0)
  @JsonPropertyDescription("The Job's backoffLimit.")
  public Integer backoffLimit;

  @Default("false")
  @JsonPropertyDescription("Delete the MiniCluster when the leader pod has finished.")
  public Boolean cleanup;

  @JsonPropertyDescription("Networking of the ranks.")
  public NetworkSpec network;

  @JsonPropertyDescription("Labels on the batch Job.")
  public Map<String, String> jobLabels;

  @JsonPropertyDescription("Output and verbosity of the entrypoint scripts.")
  public LoggingSpec logging;

  @JsonPropertyDescription("Pod-level settings of every rank.")
  public PodSpec pod;

  @JsonPropertyDescription(
      "Flux settings: the flux view image, broker options, the CURVE certificate.")
  public FluxSpec flux;

  @Size(max = MAX_CONTAINERS)
  @JsonPropertyDescription(
      "Containers of a separate services pod. Not supported by Gantry; reported in the Supported"
          + " condition.")
  public List<MiniClusterContainer> services;

  @JsonPropertyDescription(
      "Archive to restore the broker's content from. Not supported by Gantry; reported in the"
          + " Supported condition.")
  public Archive archive;

  @JsonPropertyDescription("Not supported by Gantry; reported in the Supported condition.")
  public Boolean shareProcessNamespace;

  /** {@code spec.archive}: where the broker's content archive is kept. */
  public static class Archive {
    @JsonPropertyDescription("Save or load the archive at this path.")
    public String path;
  }

  @JsonIgnore
  public int sizeOrDefault() {
    return size == null ? DEFAULT_SIZE : size;
  }

  @JsonIgnore
  public int maxSizeOrDefault() {
    return maxSize == null ? sizeOrDefault() : Math.max(maxSize, sizeOrDefault());
  }

  @JsonIgnore
  public int tasksOrDefault() {
    return tasks == null ? DEFAULT_TASKS : tasks;
  }

  @JsonIgnore
  public boolean interactiveOn() {
    return interactive != null && interactive;
  }

  @JsonIgnore
  public boolean cleansUp() {
    return cleanup != null && cleanup;
  }

  @JsonIgnore
  public long deadlineOrDefault() {
    return deadlineSeconds == null ? DEFAULT_DEADLINE_SECONDS : deadlineSeconds;
  }

  @JsonIgnore
  public int backoffLimitOrDefault() {
    return backoffLimit == null ? DEFAULT_BACKOFF_LIMIT : backoffLimit;
  }

  @JsonIgnore
  public NetworkSpec networkOrDefault() {
    return network == null ? new NetworkSpec() : network;
  }

  @JsonIgnore
  public LoggingSpec loggingOrDefault() {
    return logging == null ? new LoggingSpec() : logging;
  }

  @JsonIgnore
  public PodSpec podOrDefault() {
    return pod == null ? new PodSpec() : pod;
  }

  @JsonIgnore
  public FluxSpec fluxOrDefault() {
    return flux == null ? new FluxSpec() : flux;
  }
}
