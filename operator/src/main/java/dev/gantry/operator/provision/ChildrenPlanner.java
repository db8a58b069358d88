package dev.gantry.operator.provision;

import dev.gantry.operator.kube.OwnedSecret;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The children every run needs: the inline variables' Secret and the deliverables claim. */
final class ChildrenPlanner {
  private ChildrenPlanner() {}

  static List<ProvisionAction> ensure(ProvisionObservation o) {
    List<ProvisionAction> actions = new ArrayList<>();
    Optional<Secret> live = o.secret(ProvisionNames.variablesSecret(o.name()));
    Optional<Secret> desired = VariablesSecret.desired(o.provision());
    if (desired.isPresent()) {
      if (live.isEmpty()) {
        actions.add(new ProvisionAction.Create(desired.get()));
      } else if (!OwnedSecret.matches(live.get(), desired.get())) {
        actions.add(new ProvisionAction.ReplaceSecret(live.get(), desired.get()));
      }
    } else {
      live.ifPresent(s -> actions.add(new ProvisionAction.Delete(s)));
    }
    // A claim's spec is immutable once bound, so an existing claim keeps its spec; one made
    // before claims carried the state finalizer gets it.
    String claimName = ProvisionNames.deliverablesClaim(o.name());
    Optional<PersistentVolumeClaim> claim = o.claim(claimName);
    if (claim.isEmpty()) {
      actions.add(new ProvisionAction.Create(DeliverablesClaim.desired(o.provision())));
    } else if (claim.get().getMetadata().getDeletionTimestamp() == null
        && !claim.get().getFinalizers().contains(ProvisionNames.STATE_FINALIZER)) {
      actions.add(new ProvisionAction.ProtectClaim(claimName));
    }
    return actions;
  }

  /**
   * After a successful (or skipped) destroy: the variables and outputs go, the volume is let go.
   */
  static List<ProvisionAction> release(ProvisionObservation o) {
    List<ProvisionAction> actions = new ArrayList<>();
    o.secret(ProvisionNames.variablesSecret(o.name()))
        .ifPresent(s -> actions.add(new ProvisionAction.Delete(s)));
    // Owned, so the garbage collector would take it too; deleting it here means no consumer reads
    // outputs of infrastructure that is gone in the meantime.
    o.secret(ProvisionNames.outputsSecret(o.name()))
        .ifPresent(s -> actions.add(new ProvisionAction.Delete(s)));
    String claim = ProvisionNames.deliverablesClaim(o.name());
    if (o.claim(claim).isPresent()) {
      actions.add(
          new ProvisionAction.ReleaseClaim(
              claim, o.provision().getSpec().deliverablesOrDefault().retained()));
    }
    return actions;
  }
}
