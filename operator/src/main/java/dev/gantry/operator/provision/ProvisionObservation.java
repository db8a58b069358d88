package dev.gantry.operator.provision;

import dev.gantry.api.provision.Provision;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything a pass decides from, read before it decides: the Provision, its children from the
 * informer caches (filtered to it), the referenced variables, the outputs read (if one was asked
 * for), whether its namespace is going, and the time.
 *
 * @param namespaceTerminating why no destroy can start, when the namespace is being deleted (read
 *     only while deleting)
 * @param outputsRead the latest outputs read for this Provision, if any
 */
record ProvisionObservation(
    Provision provision,
    List<Job> jobs,
    List<Pod> pods,
    List<Secret> secrets,
    List<PersistentVolumeClaim> claims,
    VariablesCheck variables,
    Optional<String> namespaceTerminating,
    Optional<OutputsRead> outputsRead,
    Instant now) {

  String name() {
    return provision.getMetadata().getName();
  }

  String uid() {
    return provision.getMetadata().getUid();
  }

  long generation() {
    return StatusDraft.generation(provision);
  }

  Optional<Secret> secret(String name) {
    return secrets.stream().filter(s -> name.equals(s.getMetadata().getName())).findFirst();
  }

  /** Claims are matched by name: a retained claim has no owner and is reused by a new Provision. */
  Optional<PersistentVolumeClaim> claim(String name) {
    return claims.stream().filter(c -> name.equals(c.getMetadata().getName())).findFirst();
  }

  Optional<Pod> pod(String name) {
    return pods.stream().filter(p -> name.equals(p.getMetadata().getName())).findFirst();
  }

  /** The approved-plan annotation, when set. */
  String approval() {
    var annotations = provision.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(Provision.APPROVED_PLAN_ANNOTATION);
    return value == null || value.isBlank() ? null : value.strip();
  }
}
