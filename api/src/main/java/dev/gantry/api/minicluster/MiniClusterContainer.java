package dev.gantry.api.minicluster;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.List;
import java.util.Map;

/** One container of every rank's pod. */
@ValidationRule(
    value = "!(has(self.launcher) && self.launcher && has(self.batch) && self.batch)",
    message = "a container cannot be both launcher and batch: choose one")
@ValidationRule(
    value = "!(has(self.commands) && has(self.commands.script) && has(self.command))",
    message = "set either command or commands.script, not both")
public class MiniClusterContainer {
  public static final String DEFAULT_IMAGE = "ghcr.io/rse-ops/accounting:app-latest";

  @JsonPropertyDescription("Application image; it needs no Flux of its own.")
  public String image;

  @io.fabric8.generator.annotation.Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Container name; the Flux runner is named after the MiniCluster.")
  public String name;

  @JsonPropertyDescription("The job's command; empty on the runner starts the broker without one.")
  public String command;

  @JsonPropertyDescription("Working directory.")
  public String workingDir;

  @JsonPropertyDescription("This container runs the Flux broker; exactly one may.")
  public Boolean runFlux;

  @JsonPropertyDescription(
      "Run the command directly under flux start, without flux submit (workflow tools).")
  public Boolean launcher;

  @JsonPropertyDescription("Submit each line of the command as a job of a flux batch script.")
  public Boolean batch;

  @JsonPropertyDescription("With batch: write the lines into the script as they are.")
  public Boolean batchRaw;

  @JsonPropertyDescription("A container that does not run Flux keeps its image's entrypoint.")
  public Boolean noWrapEntrypoint;

  @JsonPropertyDescription(
      "Directory of batch job output files (FLUX_OUTPUT_DIR). Default: /tmp/fluxout.")
  public String logs;

  @JsonPropertyDescription("Always pull the image.")
  public Boolean pullAlways;

  @io.fabric8.generator.annotation.Pattern("^(Always|IfNotPresent|Never)$")
  @JsonPropertyDescription(
      "Image pull policy: Always, IfNotPresent or Never. Default: IfNotPresent.")
  public String imagePullPolicy;

  @JsonPropertyDescription("A Secret to pull the image with.")
  public String imagePullSecret;

  @JsonPropertyDescription("Environment variables.")
  public Map<String, String> environment;

  @JsonPropertyDescription("Environment variables from Secret keys: variable name to {name, key}.")
  public Map<String, SecretKey> secrets;

  @JsonPropertyDescription(
      "Volumes by name: existing claims, config maps, secrets, host paths, emptyDirs.")
  public Map<String, ContainerVolume> volumes;

  @JsonPropertyDescription(
      "Container ports (TCP); a container that does not run Flux also gets a Service.")
  public List<Integer> ports;

  @JsonPropertyDescription("Resource requests and limits.")
  public ResourceRequirements resources;

  @JsonPropertyDescription("Security context.")
  public SecurityContext securityContext;

  @JsonPropertyDescription("Shell snippets run at points of the entrypoint.")
  public Commands commands;

  @JsonPropertyDescription("Exec hooks run after the container starts and before it stops.")
  public LifeCycle lifeCycle;

  @JsonIgnore
  public String imageOrDefault() {
    return image == null ? DEFAULT_IMAGE : image;
  }

  @JsonIgnore
  public boolean runsFlux() {
    return Boolean.TRUE.equals(runFlux);
  }

  @JsonIgnore
  public boolean launches() {
    return Boolean.TRUE.equals(launcher);
  }

  @JsonIgnore
  public boolean batches() {
    return Boolean.TRUE.equals(batch);
  }

  @JsonIgnore
  public Commands commandsOrDefault() {
    return commands == null ? new Commands() : commands;
  }

  /** A key of a Secret. */
  public static class SecretKey {
    @JsonPropertyDescription("Secret name.")
    public String name;

    @JsonPropertyDescription("Key in the Secret.")
    public String key;
  }

  /** Container lifecycle hooks; each string is one command run without a shell, as upstream. */
  public static class LifeCycle {
    @JsonPropertyDescription("Command run right after the container starts (postStart exec).")
    public String postStartExec;

    @JsonPropertyDescription("Command run before the container is stopped (preStop exec).")
    public String preStopExec;
  }

  /** Snippets placed in the entrypoint scripts. */
  public static class Commands {
    @JsonPropertyDescription("First thing in the entrypoint.")
    public String init;

    @JsonPropertyDescription("Before the broker starts, on every rank.")
    public String pre;

    @JsonPropertyDescription("After the broker ends, on every rank.")
    public String post;

    @JsonPropertyDescription("Before the broker starts, on the leader only.")
    public String brokerPre;

    @JsonPropertyDescription("Before the broker starts, on workers only.")
    public String workerPre;

    @JsonPropertyDescription(
        "Put in front of the job command (for example a time or strace wrapper).")
    public String prefix;

    @JsonPropertyDescription("A script that replaces the command.")
    public String script;

    @JsonPropertyDescription("For containers that do not run Flux: before their command.")
    public String servicePre;
  }
}
