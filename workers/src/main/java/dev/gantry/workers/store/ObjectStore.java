package dev.gantry.workers.store;

import java.util.List;
import java.util.Optional;

/**
 * Where scripts and modules live: a flat key space of immutable blobs. Keys are slash-separated
 * paths of safe segments ({@link ObjectKeys}); implementations never let a key leave their root.
 */
public interface ObjectStore {
  void put(String key, byte[] content);

  Optional<byte[]> get(String key);

  /** An object that must exist (a version names it): its absence is a broken store, not input. */
  default byte[] require(String key) {
    return get(key)
        .orElseThrow(
            () -> new IllegalStateException("object " + key + " is missing from the object store"));
  }

  /** Deleting a key that does not exist is not an error. */
  void delete(String key);

  /** Keys under {@code prefix}, sorted. */
  List<String> list(String prefix);
}
