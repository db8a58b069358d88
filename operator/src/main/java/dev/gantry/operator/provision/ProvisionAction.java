package dev.gantry.operator.provision;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * One change the planner decided on; {@link ProvisionActions} carries it out. Each is safe to
 * repeat: a pass on a cache that has not caught up may decide it again.
 */
sealed interface ProvisionAction {
  /** Creates a child (a Secret, the claim, a run Job, a reader pod); one that exists is left. */
  record Create(HasMetadata child) implements ProvisionAction {}

  /** Replaces a Secret whole: data, labels, owner and type (a changed type means a new Secret). */
  record ReplaceSecret(Secret live, Secret desired) implements ProvisionAction {}

  /** Deletes a child Secret or pod. */
  record Delete(HasMetadata child) implements ProvisionAction {}

  /** Deletes a finished run's Job, its pods first, so the next run never meets them. */
  record RetireJob(Job job) implements ProvisionAction {}

  /** Puts the state finalizer on the claim (claims made before it existed lack it). */
  record ProtectClaim(String name) implements ProvisionAction {}

  /**
   * Lets the claim go after the destroy: the state finalizer comes off, and it is deleted or, when
   * retained, orphaned for a later Provision of the same name.
   */
  record ReleaseClaim(String name, boolean retained) implements ProvisionAction {}

  /** Removes the approved-plan annotation once its apply starts: an approval is used once. */
  record ConsumeApproval() implements ProvisionAction {}

  /** Asks the outputs reader to read through this pod, off the reconcile thread. */
  record ReadOutputs(OutputsRead.Request request) implements ProvisionAction {}
}
