package dev.gantry.operator.kube;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Objects;

/** Compares statuses by their JSON, so a pass that changes nothing writes nothing. */
public final class StatusComparison {
  private StatusComparison() {}

  public static boolean same(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    return Objects.equals(
        Serialization.jsonMapper().valueToTree(a), Serialization.jsonMapper().valueToTree(b));
  }
}
