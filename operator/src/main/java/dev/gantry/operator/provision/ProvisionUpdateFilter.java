package dev.gantry.operator.provision;

import dev.gantry.api.provision.Provision;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;

/**
 * Which updates of a Provision start a reconcile: a new generation, the annotations Gantry acts on
 * (an approval, skip-destroy), deletion and finalizers. Status writes, Gantry's own included, and
 * other metadata do not.
 */
public final class ProvisionUpdateFilter implements OnUpdateFilter<Provision> {
  @Override
  public boolean accept(Provision updated, Provision old) {
    ObjectMeta now = updated.getMetadata();
    ObjectMeta before = old.getMetadata();
    return !Objects.equals(now.getGeneration(), before.getGeneration())
        || !Objects.equals(now.getDeletionTimestamp(), before.getDeletionTimestamp())
        || !Objects.equals(now.getFinalizers(), before.getFinalizers())
        || !Objects.equals(
            annotation(now, Provision.APPROVED_PLAN_ANNOTATION),
            annotation(before, Provision.APPROVED_PLAN_ANNOTATION))
        || !Objects.equals(
            annotation(now, Provision.DESTROY_PREVIEW_ANNOTATION),
            annotation(before, Provision.DESTROY_PREVIEW_ANNOTATION))
        || !Objects.equals(
            annotation(now, Provision.SKIP_DESTROY_ANNOTATION),
            annotation(before, Provision.SKIP_DESTROY_ANNOTATION));
  }

  private static String annotation(ObjectMeta meta, String key) {
    Map<String, String> annotations = meta.getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }
}
