package dev.gantry.operator.provision;

import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.operator.kube.Conditions;

/** The outputs' part of the status: the OutputsPublished condition and status.outputs. */
final class OutputsStatusPart {
  private OutputsStatusPart() {}

  /** Until a run publishes anew, the condition describes the Secret as the last one left it. */
  static void keep(StatusDraft d) {
    if (Conditions.find(d.previous.conditions, ProvisionStatusFactory.OUTPUTS_PUBLISHED)
        .isPresent()) {
      d.keep(ProvisionStatusFactory.OUTPUTS_PUBLISHED);
    } else {
      d.conditions.set(
          ProvisionStatusFactory.OUTPUTS_PUBLISHED,
          false,
          "NoSuccessfulApply",
          "no apply has succeeded yet");
    }
  }

  /** After this generation's apply succeeded: where publishing its outputs stands. */
  static void write(StatusDraft d, OutputsState outputs) {
    String secret = ProvisionNames.outputsSecret(d.name());
    if (outputs instanceof OutputsState.Published published) {
      d.status.outputs = published.outputs();
      d.conditions.set(
          ProvisionStatusFactory.OUTPUTS_PUBLISHED,
          true,
          ProvisionStatusFactory.OUTPUTS_PUBLISHED_REASON,
          published.outputs().items.size()
              + " key(s) in Secret "
              + secret
              + " from run "
              + published.outputs().run);
    } else if (outputs instanceof OutputsState.Nothing nothing) {
      d.status.outputs = nothing.outputs();
      d.conditions.set(
          ProvisionStatusFactory.OUTPUTS_PUBLISHED,
          true,
          ProvisionStatusFactory.NOTHING_TO_PUBLISH,
          "run "
              + nothing.outputs().run
              + " left none of the outputs spec.outputs asks for (by default outputs.json),"
              + " so there is no Secret "
              + secret);
    } else if (outputs instanceof OutputsState.Refused refused) {
      d.status.phase = Phase.Failed;
      d.status.outputs = refused.outputs();
      d.conditions.set(
          ProvisionStatusFactory.OUTPUTS_PUBLISHED, false, refused.reason(), refused.message());
      d.readyReason = refused.reason();
      d.readyMessage =
          "generation "
              + d.generation
              + " was applied, but its outputs are not published: "
              + refused.message();
    } else if (outputs instanceof OutputsState.Waiting waiting) {
      d.status.phase = Phase.Applying;
      d.conditions.set(
          ProvisionStatusFactory.OUTPUTS_PUBLISHED, false, "Publishing", waiting.message());
      d.readyReason = "PublishingOutputs";
      d.readyMessage =
          "generation "
              + d.generation
              + " was applied; publishing its outputs: "
              + waiting.message();
    }
  }
}
