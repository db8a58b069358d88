package dev.gantry.operator.provision;

import dev.gantry.api.provision.DestroyPreviewStatus;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import java.time.Instant;

/**
 * A Provision's status from what the planner decided, assembled by its parts: the apply ({@link
 * ApplyStatus}), manual approval ({@link ApprovalStatus}), the outputs ({@link OutputsStatusPart}),
 * drift ({@link DriftStatusPart}) and, while deleting, the destroy ({@link DestroyStatusPart}).
 * Pure: the same inputs give the same status, and conditions keep their transition time unless
 * their value changes.
 */
public final class ProvisionStatusFactory {
  public static final String READY = "Ready";
  public static final String APPLIED = "Applied";
  public static final String VARIABLES_RESOLVED = "VariablesResolved";
  public static final String DELIVERABLES_AVAILABLE = "DeliverablesAvailable";
  public static final String DESTROYED = "Destroyed";
  public static final String DESTROY_BLOCKED = "DestroyBlocked";
  public static final String OUTPUTS_PUBLISHED = "OutputsPublished";
  public static final String APPROVED = "Approved";
  public static final String DRIFTED = "Drifted";
  public static final String AWAITING_APPROVAL = "AwaitingApproval";
  public static final String APPROVAL_NOT_FOR_THIS_PLAN = "ApprovalNotForThisPlan";
  public static final String OUTPUTS_PUBLISHED_REASON = "Published";
  public static final String NOTHING_TO_PUBLISH = "NothingToPublish";

  private ProvisionStatusFactory() {}

  public static ProvisionStatus forApply(
      Provision provision, VariablesCheck variables, ApplyState state, Instant now) {
    return forApply(provision, variables, state, null, null, null, now);
  }

  /**
   * @param outputs where publishing the outputs stands, for a successful run of this generation;
   *     null otherwise
   * @param drift drift detection, while the generation stands applied; null otherwise
   * @param preview the destroy preview, or null to keep the previous one
   */
  public static ProvisionStatus forApply(
      Provision provision,
      VariablesCheck variables,
      ApplyState state,
      OutputsState outputs,
      DriftState drift,
      DestroyPreviewStatus preview,
      Instant now) {
    StatusDraft d = StatusDraft.from(provision, now);
    variables(d, variables);
    OutputsStatusPart.keep(d);
    DriftStatusPart.keep(d);
    ApplyStatus.write(d, variables, state);
    ApprovalStatus.write(d, state);
    if (d.status.phase == Phase.Ready && outputs != null) {
      OutputsStatusPart.write(d, outputs);
    }
    if (d.status.phase == Phase.Ready && drift != null) {
      DriftStatusPart.write(d, drift);
    }
    ApplyStatus.conclude(d);
    if (preview != null) {
      d.status.destroyPreview = preview;
    }
    d.status.destroyAttempts = null;
    return d.build();
  }

  public static ProvisionStatus forDestroy(
      Provision provision, VariablesCheck variables, DestroyState state, Instant now) {
    StatusDraft d = StatusDraft.from(provision, now);
    d.status.phase = Phase.Destroying;
    variables(d, variables);
    d.keep(APPLIED);
    OutputsStatusPart.keep(d);
    ApplyStatus.deliverablesCondition(d);
    DestroyStatusPart.write(d, variables, state);
    return d.build();
  }

  private static void variables(StatusDraft d, VariablesCheck variables) {
    d.conditions.set(
        VARIABLES_RESOLVED, variables.resolved(), variables.reason(), variables.message());
  }
}
