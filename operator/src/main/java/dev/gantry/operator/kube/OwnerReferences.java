package dev.gantry.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Controller owner references, so Kubernetes garbage-collects children with their primary. */
public final class OwnerReferences {
  private OwnerReferences() {}

  public static OwnerReference controllerOf(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  public static boolean isOwnedBy(HasMetadata child, String ownerUid) {
    return ownerUid != null
        && child.getMetadata().getOwnerReferences() != null
        && child.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> ownerUid.equals(ref.getUid()));
  }
}
