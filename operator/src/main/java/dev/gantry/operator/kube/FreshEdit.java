package dev.gantry.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.function.UnaryOperator;

/**
 * An edit of an object that Kubernetes' own controllers write too — a claim the persistent volume
 * controllers bind, protect and finalize while Gantry adds or removes its own finalizer. Each
 * attempt reads the server's copy and patches it with that copy's resourceVersion; on a conflict
 * (another writer came between the read and the patch) the edit is made again on a fresh copy, a
 * few times, rather than failing the reconcile with a stack trace for what the next read resolves.
 * The resource must be addressed by name, not built from a cached copy: that copy would be patched
 * again, stale, every time.
 */
public final class FreshEdit {
  static final int ATTEMPTS = 4;

  private FreshEdit() {}

  public static <T extends HasMetadata> T edit(Resource<T> byName, UnaryOperator<T> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return byName.edit(change);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
