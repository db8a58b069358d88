package dev.gantry.operator.provision;

import dev.gantry.api.provision.Provision;
import dev.gantry.operator.kube.OwnerReferences;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Reads what a pass decides from: the children from the informer caches (Jobs owned by this
 * Provision; its pods, Secrets and claim by the label its children carry), the referenced variables
 * with a GET each (they are the user's objects, not cached), the outputs read, and, while deleting,
 * the namespace.
 */
final class ProvisionObserver {
  private final OutputsReads reads;
  private final Clock clock;

  ProvisionObserver(OutputsReads reads, Clock clock) {
    this.reads = reads;
    this.clock = clock;
  }

  ProvisionObservation observe(Provision provision, Context<Provision> context) {
    return observe(provision, context, Optional.empty());
  }

  ProvisionObservation observeDeletion(Provision provision, Context<Provision> context) {
    return observe(provision, context, namespaceTerminating(provision, context));
  }

  private ProvisionObservation observe(
      Provision provision, Context<Provision> context, Optional<String> namespaceTerminating) {
    String uid = provision.getMetadata().getUid();
    return new ProvisionObservation(
        provision,
        context.getSecondaryResources(Job.class).stream()
            .filter(j -> OwnerReferences.isOwnedBy(j, uid))
            .toList(),
        List.copyOf(context.getSecondaryResources(Pod.class)),
        List.copyOf(context.getSecondaryResources(Secret.class)),
        List.copyOf(context.getSecondaryResources(PersistentVolumeClaim.class)),
        new VariablesLookup(context.getClient()).check(provision),
        namespaceTerminating,
        reads.latest(uid),
        clock.instant());
  }

  private static Optional<String> namespaceTerminating(
      Provision provision, Context<Provision> context) {
    String ns = provision.getMetadata().getNamespace();
    var namespace = context.getClient().namespaces().withName(ns).get();
    boolean terminating =
        namespace != null
            && (namespace.getMetadata().getDeletionTimestamp() != null
                || (namespace.getStatus() != null
                    && "Terminating".equals(namespace.getStatus().getPhase())));
    return terminating
        ? Optional.of(
            "namespace "
                + ns
                + " is being deleted, and Kubernetes creates no new objects in a terminating"
                + " namespace, so the destroy Job cannot start")
        : Optional.empty();
  }
}
