package dev.gantry.operator.provision;

import dev.gantry.operator.kube.ManagedLabels;
import java.util.Map;

/** Labels of a Provision's children. */
public final class ProvisionLabels {
  public static final String APPLY = "apply";
  public static final String DESTROY = "destroy";
  public static final String PLAN = "plan";
  public static final String DRIFT = "drift";
  public static final String PREVIEW = "preview";
  public static final String VARIABLES = "variables";
  public static final String DELIVERABLES = "deliverables";
  public static final String FETCH = "fetch";
  public static final String OUTPUTS = "outputs";

  private ProvisionLabels() {}

  public static Map<String, String> of(String provision, String component) {
    return ManagedLabels.of(ProvisionNames.OWNER_LABEL, provision, component);
  }

  public static String selector() {
    return ManagedLabels.selector(ProvisionNames.OWNER_LABEL);
  }
}
