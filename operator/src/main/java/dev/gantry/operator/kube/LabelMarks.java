package dev.gantry.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.HashMap;

/**
 * A label Gantry puts on an object it does not own, so that a label-filtered informer sees it (a
 * consumer workload a Relation selects, a credentials Secret a relation binds).
 */
public final class LabelMarks {
  private LabelMarks() {}

  public static boolean has(HasMetadata object, String key) {
    return object.getMetadata().getLabels() != null
        && object.getMetadata().getLabels().containsKey(key);
  }

  /** {@code object} with the label set; for an edit, which sends only this change. */
  public static <T extends HasMetadata> T with(T object, String key, String value) {
    var labels =
        object.getMetadata().getLabels() == null
            ? new HashMap<String, String>()
            : new HashMap<>(object.getMetadata().getLabels());
    labels.put(key, value);
    object.getMetadata().setLabels(labels);
    return object;
  }
}
