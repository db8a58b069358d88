package dev.gantry.operator.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Recognises the API server's refusal to create an object in a namespace that is being deleted (403
 * with cause {@code NamespaceTerminating}). A reconcile that meets it has nothing to retry loudly:
 * the namespace controller is about to delete the primary too, and its cleanup reports what the
 * namespace deletion means for it.
 */
public final class NamespaceTermination {
  static final String CAUSE = "NamespaceTerminating";

  private NamespaceTermination() {}

  public static boolean refused(KubernetesClientException e) {
    if (e.getCode() != 403) {
      return false;
    }
    var status = e.getStatus();
    if (status != null && status.getDetails() != null && status.getDetails().getCauses() != null) {
      if (status.getDetails().getCauses().stream().anyMatch(c -> CAUSE.equals(c.getReason()))) {
        return true;
      }
    }
    // Servers before the structured cause say it only in the message.
    return String.valueOf(e.getMessage()).contains("because it is being terminated");
  }
}
