package dev.gantry.operator.kube;

import java.util.LinkedHashMap;
import java.util.Map;

/** The labels every child carries, so informers cache only what Gantry made. */
public final class ManagedLabels {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String GANTRY = "gantry";

  private ManagedLabels() {}

  /**
   * Labels for a child of {@code ownerName} in the role {@code component}. {@code ownerLabel} names
   * the owner's kind (e.g. gantry.dev/provision) so children of different kinds with the same name
   * never map to each other's primary.
   */
  public static Map<String, String> of(String ownerLabel, String ownerName, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, GANTRY);
    labels.put(INSTANCE, ownerName);
    labels.put(COMPONENT, component);
    labels.put(ownerLabel, ownerName);
    return labels;
  }

  /** Selector for an informer that caches the children of one kind. */
  public static String selector(String ownerLabel) {
    return MANAGED_BY + "=" + GANTRY + "," + ownerLabel;
  }
}
