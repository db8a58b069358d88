package dev.gantry.operator.provision;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resource version of each Provision as the operator's own last status write left it. The
 * informer cache catches up a moment later, and a status written over the cached version in that
 * moment would conflict; the newer of the two is the one to write over.
 */
final class WrittenVersions {
  private final Map<String, String> versions = new ConcurrentHashMap<>();

  void remember(String uid, HasMetadata stored) {
    if (uid != null && stored != null && stored.getMetadata().getResourceVersion() != null) {
      versions.put(uid, stored.getMetadata().getResourceVersion());
    }
  }

  void forget(String uid) {
    if (uid != null) {
      versions.remove(uid);
    }
  }

  /**
   * The newer of the cached version and the one written last. Resource versions are opaque; where
   * both are numbers (etcd revisions, as every API server gives them) the larger is newer, and
   * otherwise the cache is trusted.
   */
  String newest(String uid, HasMetadata cached) {
    String fromCache = cached.getMetadata().getResourceVersion();
    String mine = uid == null ? null : versions.get(uid);
    if (mine == null || fromCache == null) {
      return fromCache;
    }
    try {
      return Long.parseLong(mine) > Long.parseLong(fromCache) ? mine : fromCache;
    } catch (NumberFormatException e) {
      return fromCache;
    }
  }
}
