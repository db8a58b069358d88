package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One apply or destroy run: a Job and the outcome of its tool container. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunStatus {
  @JsonPropertyDescription("apply or destroy.")
  public String type;

  @JsonPropertyDescription(
      "The run's number among the runs of its generation, counting from 1; with the generation"
          + " it names the run's log.")
  public Integer number;

  @JsonPropertyDescription(
      "The run's output kept on the deliverables volume (runs/<generation>-<number>.log), read"
          + " with gantry logs provision/NAME --run <generation>-<number>.")
  public String log;

  @JsonPropertyDescription("Name of the run's Job.")
  public String jobName;

  @JsonPropertyDescription("The metadata.generation the run applies.")
  public Long generation;

  @JsonPropertyDescription("When the Job started (RFC 3339).")
  public String startTime;

  @JsonPropertyDescription("When the tool container ended (RFC 3339).")
  public String completionTime;

  @JsonPropertyDescription("Exit code of the tool container, once it ended.")
  public Integer exitCode;

  @JsonPropertyDescription("Pods of the run whose tool container failed.")
  public Integer failedAttempts;
}
