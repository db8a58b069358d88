package dev.gantry.operator.relations;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A workload's relations, resolved against the providers that exist now.
 *
 * @param bindings the relations that resolved, one per interface
 * @param missing what is not there yet, each naming the provider and the interface
 * @param problems what is wrong in the declaration, each naming the fix
 */
public record Resolution(List<Binding> bindings, List<String> missing, List<String> problems) {

  /**
   * One resolved relation.
   *
   * @param relation its name: the provider Service, or the Relation resource
   * @param endpoint where it points
   * @param credentials the provider's credentials Secret (its keys are bound as secretKeyRef
   *     variables), or {@link Credentials#NONE}
   */
  public record Binding(String relation, Endpoint endpoint, Credentials credentials) {
    public List<String> credentialKeys() {
      return credentials.keys();
    }
  }

  /**
   * What the Relation resources selecting one workload give it.
   *
   * @param bindings the Relations whose provider (and credentials Secret) exist
   * @param missing the others, each naming the Relation and what it waits for
   */
  public record Explicit(List<Binding> bindings, List<String> missing) {
    public static final Explicit NONE = new Explicit(List.of(), List.of());

    public boolean isEmpty() {
      return bindings.isEmpty() && missing.isEmpty();
    }
  }

  public boolean complete() {
    return missing.isEmpty() && problems.isEmpty();
  }

  public boolean empty() {
    return bindings.isEmpty() && missing.isEmpty() && problems.isEmpty();
  }

  /** A short fingerprint of the resolved data; when it changes, the consumer is rolled. */
  public String hash() {
    StringBuilder text = new StringBuilder();
    for (Binding b : bindings) {
      Endpoint e = b.endpoint();
      text.append(b.relation())
          .append('|')
          .append(e.iface())
          .append('|')
          .append(e.host())
          .append('|')
          .append(e.port())
          .append('|')
          .append(e.url())
          .append('|')
          .append(e.credentialsSecret())
          .append('|')
          .append(b.credentialKeys())
          .append('|')
          .append(b.credentials().fingerprint())
          .append('\n');
    }
    missing.forEach(m -> text.append("missing|").append(m).append('\n'));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The annotation text that tells a user where the relations stand. */
  public String summary() {
    if (!problems.isEmpty()) {
      return "invalid: " + String.join("; ", problems);
    }
    if (!missing.isEmpty()) {
      return "waiting for: " + String.join("; ", missing);
    }
    return "resolved: "
        + String.join(
            ", ", bindings.stream().map(b -> b.endpoint().iface() + "=" + b.relation()).toList());
  }
}
