package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The plan a generation waits on under manual approval: what it would change, and its file. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlanStatus {
  @JsonPropertyDescription(
      "The plan's id, <generation>-<run>: what gantry approve records in the"
          + " gantry.dev/approved-plan annotation.")
  public String id;

  @JsonPropertyDescription("The generation the plan was made for.")
  public Long generation;

  @JsonPropertyDescription("The plan Job that made it.")
  public String jobName;

  @JsonPropertyDescription(
      "What the plan changes, as +add ~change -destroy, or \"no changes\"; where the tool said"
          + " nothing Gantry recognises, its exit code's meaning.")
  public String summary;

  @JsonPropertyDescription("Resources the plan adds.")
  public Integer add;

  @JsonPropertyDescription("Resources the plan changes in place.")
  public Integer change;

  @JsonPropertyDescription("Resources the plan destroys.")
  public Integer destroy;

  @JsonPropertyDescription("Whether the plan changes anything.")
  public Boolean hasChanges;

  @JsonPropertyDescription("The plan file on the deliverables volume, relative to its mount path.")
  public String file;

  @JsonPropertyDescription("SHA-256 of the plan file: the apply runs only that exact file.")
  public String sha256;

  @JsonPropertyDescription(
      "The plan's human-readable text on the volume, printed by gantry plan provision/NAME.")
  public String text;

  @JsonPropertyDescription("When the plan run ended (RFC 3339).")
  public String completionTime;

  @JsonPropertyDescription("True once an approval of exactly this plan was accepted.")
  public Boolean approved;
}
