package dev.gantry.operator.provision;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.operator.kube.Conditions;
import java.time.Instant;

/**
 * A Provision status while its parts write it: the previous status it starts from, the conditions
 * (which keep their transition times), and what the Ready condition will say.
 */
final class StatusDraft {
  final Provision provision;
  final ProvisionStatus previous;
  final ProvisionStatus status = new ProvisionStatus();
  final Conditions conditions;
  final long generation;

  /** The Applied condition, as the apply part left it. */
  boolean applied;

  String appliedReason;
  String appliedMessage;

  /** Ready's reason and message when a part knows better than Applied's (outputs, say). */
  String readyReason;

  String readyMessage;

  private StatusDraft(Provision provision, Instant now) {
    this.provision = provision;
    this.previous = provision.getStatus() == null ? new ProvisionStatus() : provision.getStatus();
    this.generation = generation(provision);
    this.conditions = Conditions.after(previous.conditions, now, generation);
    status.observedGeneration = generation;
    // What no part rewrites stays as the last pass left it.
    status.run = previous.run;
    status.deliverables = previous.deliverables;
    status.outputs = previous.outputs;
    status.destroyPreview = previous.destroyPreview;
  }

  static StatusDraft from(Provision provision, Instant now) {
    return new StatusDraft(provision, now);
  }

  String name() {
    return provision.getMetadata().getName();
  }

  /** Carries a condition over unchanged from the previous status, if it had one. */
  void keep(String type) {
    Conditions.find(previous.conditions, type)
        .ifPresent(c -> conditions.set(type, c.getStatus(), c.getReason(), c.getMessage()));
  }

  ProvisionStatus build() {
    status.conditions = conditions.build();
    return status;
  }

  static long generation(Provision provision) {
    Long generation = provision.getMetadata().getGeneration();
    return generation == null ? 1L : generation;
  }
}
