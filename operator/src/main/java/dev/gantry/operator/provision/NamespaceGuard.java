package dev.gantry.operator.provision;

import dev.gantry.api.provision.Provision;
import java.util.List;
import java.util.Optional;

/**
 * Whether a namespace may be deleted: not while it holds a Provision whose infrastructure exists
 * and whose destroy would run, since Kubernetes creates nothing in a terminating namespace and the
 * destroy Job could not start. The namespace would hang until someone let the Provision go without
 * destroying. Pure; the webhook that asks lists the Provisions.
 */
public final class NamespaceGuard {
  /** A namespace labelled so is deleted whatever it holds (the infrastructure is left as is). */
  public static final String OPT_OUT_LABEL = "gantry.dev/namespace-guard";

  public static final String OPT_OUT_VALUE = "disabled";

  private NamespaceGuard() {}

  /** Why the namespace may not go yet, or empty when it may. */
  public static Optional<String> refusal(String namespace, List<Provision> provisions) {
    List<String> blocking =
        provisions.stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null || destroyPending(p))
            .filter(NamespaceGuard::wouldDestroy)
            .filter(NamespaceGuard::infrastructureMayExist)
            .map(p -> p.getMetadata().getName())
            .sorted()
            .toList();
    if (blocking.isEmpty()) {
      return Optional.empty();
    }
    String first = blocking.get(0);
    return Optional.of(
        "namespace "
            + namespace
            + " holds "
            + (blocking.size() == 1 ? "Provision " : blocking.size() + " Provisions: ")
            + String.join(", ", blocking)
            + ", whose infrastructure exists; Kubernetes creates nothing in a terminating namespace,"
            + " so "
            + (blocking.size() == 1 ? "its" : "their")
            + " destroy could not run. Delete the Provisions first and wait for their destroy"
            + " (gantry delete provision/"
            + first
            + " -n "
            + namespace
            + " --wait, or kubectl delete provisions --all -n "
            + namespace
            + " --wait), then the namespace. To delete it anyway and leave the infrastructure,"
            + " annotate each Provision "
            + Provision.SKIP_DESTROY_ANNOTATION
            + "=true, or label the namespace "
            + OPT_OUT_LABEL
            + "="
            + OPT_OUT_VALUE);
  }

  private static boolean wouldDestroy(Provision p) {
    var annotations = p.getMetadata().getAnnotations();
    boolean skipped =
        annotations != null
            && "true".equalsIgnoreCase(annotations.get(Provision.SKIP_DESTROY_ANNOTATION));
    return !skipped && p.getSpec() != null && p.getSpec().destroysOnDelete();
  }

  /** A run has started at some time (an apply may have made something), and no destroy ended it. */
  private static boolean infrastructureMayExist(Provision p) {
    return p.getStatus() != null && p.getStatus().run != null;
  }

  /** Being deleted, its destroy not finished: the namespace must wait for it all the same. */
  private static boolean destroyPending(Provision p) {
    return p.getMetadata().getFinalizers() != null
        && p.getMetadata().getFinalizers().contains(ProvisionNames.FINALIZER);
  }
}
