package dev.gantry.operator.provision;

import dev.gantry.api.provision.ProvisionStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Objects;

/** Compares statuses by their JSON, so a pass that changes nothing writes nothing. */
final class ProvisionStatusComparison {
  private ProvisionStatusComparison() {}

  static boolean same(ProvisionStatus a, ProvisionStatus b) {
    if (a == null || b == null) {
      return a == b;
    }
    return Objects.equals(
        Serialization.jsonMapper().valueToTree(a), Serialization.jsonMapper().valueToTree(b));
  }
}
