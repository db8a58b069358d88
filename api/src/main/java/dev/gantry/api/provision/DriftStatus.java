package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The last drift check: when it ran, what it found, and when the next one is due. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DriftStatus {
  @JsonPropertyDescription("The run (<generation>-<number>) of the last check; its log is kept.")
  public String run;

  @JsonPropertyDescription("When the last check ended (RFC 3339).")
  public String lastCheckTime;

  @JsonPropertyDescription("Whether the last check found the infrastructure changed.")
  public Boolean drifted;

  @JsonPropertyDescription("What the last check's plan would change (+add ~change -destroy).")
  public String summary;

  @JsonPropertyDescription("When the next check is due (RFC 3339).")
  public String nextCheckTime;
}
