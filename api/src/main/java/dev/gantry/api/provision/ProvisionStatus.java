package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What Gantry observed. Every value comes from the cluster's objects, so a no-op pass writes
 * nothing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProvisionStatus {
  @PrinterColumn(name = "Phase", priority = 0)
  @JsonPropertyDescription(
      "Pending, Planning, AwaitingApproval, Applying, Ready, Failed or Destroying.")
  public Phase phase;

  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription(
      "Ready, Applied, VariablesResolved, DeliverablesAvailable, OutputsPublished, Approved"
          + " (manual approval), Drifted (drift detection) and, while deleting, Destroyed.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The latest run: an apply, or a destroy while the Provision is deleted.")
  public RunStatus run;

  @JsonPropertyDescription(
      "Under manual approval: the plan of this generation, what it changes, and whether it was"
          + " approved.")
  public PlanStatus plan;

  @JsonPropertyDescription(
      "The last drift check of the applied generation, and the next one's time.")
  public DriftStatus drift;

  @JsonPropertyDescription("Files the last successful apply left on the deliverables volume.")
  public DeliverablesStatus deliverables;

  @JsonPropertyDescription(
      "The outputs Secret the last successful apply published: its keys with sizes and"
          + " checksums, never the values.")
  public OutputsStatus outputs;

  @JsonPropertyDescription("The last destroy preview gantry destroy-preview asked for.")
  public DestroyPreviewStatus destroyPreview;

  @JsonPropertyDescription("Destroy runs started since deletion began.")
  public Integer destroyAttempts;

  public enum Phase {
    Pending,
    Planning,
    AwaitingApproval,
    Applying,
    Ready,
    Failed,
    Destroying
  }
}
