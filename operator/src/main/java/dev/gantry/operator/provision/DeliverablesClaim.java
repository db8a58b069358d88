package dev.gantry.operator.provision;

import dev.gantry.api.provision.DeliverablesSpec;
import dev.gantry.api.provision.Provision;
import dev.gantry.operator.kube.OwnerReferences;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/**
 * The deliverables volume. It holds the tool's state, so it is owned by the Provision (collected
 * with it) but deleted by Gantry only after a successful destroy, or released when retained; its
 * finalizer keeps it (and the state) through a namespace deletion until then.
 */
public final class DeliverablesClaim {
  private DeliverablesClaim() {}

  public static PersistentVolumeClaim desired(Provision provision) {
    String name = provision.getMetadata().getName();
    DeliverablesSpec spec = provision.getSpec().deliverablesOrDefault();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(ProvisionNames.deliverablesClaim(name))
        .withNamespace(provision.getMetadata().getNamespace())
        .withLabels(ProvisionLabels.of(name, ProvisionLabels.DELIVERABLES))
        .withOwnerReferences(OwnerReferences.controllerOf(provision))
        .withFinalizers(ProvisionNames.STATE_FINALIZER)
        .endMetadata()
        .withNewSpec()
        .withAccessModes(spec.accessModeOrDefault().name())
        .withStorageClassName(spec.storageClassName)
        .withNewResources()
        .withRequests(Map.of("storage", new Quantity(spec.sizeOrDefault())))
        .endResources()
        .endSpec()
        .build();
  }
}
