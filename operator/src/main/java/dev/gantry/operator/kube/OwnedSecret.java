package dev.gantry.operator.kube;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether a Secret Gantry owns is as Gantry wants it: its data, type, the labels and annotations
 * Gantry sets, and its controller owner. Drift in any of them (an edited label drops it from the
 * informer, a lost owner reference leaks it) is repaired, not only drift in the data.
 */
public final class OwnedSecret {
  private OwnedSecret() {}

  public static boolean matches(Secret live, Secret desired) {
    return Objects.equals(orEmpty(live.getData()), orEmpty(desired.getData()))
        && Objects.equals(typeOf(live), typeOf(desired))
        && contains(live.getMetadata().getLabels(), desired.getMetadata().getLabels())
        && contains(live.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations())
        && controller(live.getMetadata().getOwnerReferences())
            .equals(controller(desired.getMetadata().getOwnerReferences()));
  }

  /** A Secret's type cannot change in place: one of another type is replaced by a new one. */
  public static boolean typeDiffers(Secret live, Secret desired) {
    return !Objects.equals(typeOf(live), typeOf(desired));
  }

  private static String typeOf(Secret secret) {
    return secret.getType() == null ? "Opaque" : secret.getType();
  }

  private static boolean contains(Map<String, String> live, Map<String, String> wanted) {
    return orEmpty(live).entrySet().containsAll(orEmpty(wanted).entrySet());
  }

  private static String controller(List<OwnerReference> references) {
    if (references == null) {
      return "";
    }
    return references.stream()
        .filter(r -> Boolean.TRUE.equals(r.getController()))
        .map(OwnerReference::getUid)
        .findFirst()
        .orElse("");
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
