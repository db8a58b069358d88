package dev.gantry.operator.relations;

import java.util.List;

/**
 * What a credentials Secret gives a relation: its keys, bound as secretKeyRef variables, and a
 * fingerprint of its values. The values never leave the Secret; the fingerprint goes into the
 * relation hash, so a changed password rolls the consumers that read it at start-up.
 *
 * @param keys the Secret's keys, sorted; empty when it does not exist
 * @param fingerprint a digest of keys and values, or "" when it does not exist
 */
public record Credentials(List<String> keys, String fingerprint) {
  public static final Credentials NONE = new Credentials(List.of(), "");

  public boolean missing() {
    return keys.isEmpty();
  }
}
