package dev.gantry.operator.relations;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;

/**
 * Keys and values of a Secret, whether they came as data (base64) or, not yet converted,
 * stringData.
 */
final class SecretValues {
  private SecretValues() {}

  static List<String> keys(Secret secret) {
    TreeSet<String> keys = new TreeSet<>();
    if (secret.getData() != null) {
      keys.addAll(secret.getData().keySet());
    }
    if (secret.getStringData() != null) {
      keys.addAll(secret.getStringData().keySet());
    }
    return List.copyOf(keys);
  }

  /** Keys and a fingerprint of the values (SHA-256 over key and value, in key order). */
  static Credentials credentials(Secret secret) {
    List<String> keys = keys(secret);
    try {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      for (String key : keys) {
        digest.update(key.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        String value = value(secret, key);
        digest.update((value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return new Credentials(keys, java.util.HexFormat.of().formatHex(digest.digest(), 0, 8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    return secret.getStringData() == null ? null : secret.getStringData().get(key);
  }
}
