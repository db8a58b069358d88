package dev.gantry.operator.relations;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the webhook's certificates in a Secret, so every replica and every restart serves the same.
 * Replicas never overwrite each other: the first to create the Secret wins and the others adopt
 * what it stored, and a rotation is written over exactly the version it was computed from.
 */
public final class CertificateStore {
  public static final String SECRET = "gantry-webhook-tls";
  private final KubernetesClient client;
  private final String namespace;

  /** The certificates as stored, with the Secret's version they were read at. */
  public record Stored(CertificateRotation.State state, String resourceVersion) {}

  public CertificateStore(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** What is stored, or null when nothing is yet. */
  public Stored read() {
    Secret secret = client.secrets().inNamespace(namespace).withName(SECRET).get();
    if (secret == null || secret.getData() == null || !secret.getData().containsKey("tls.crt")) {
      return null;
    }
    return new Stored(state(secret.getData()), secret.getMetadata().getResourceVersion());
  }

  public CertificateRotation.State load() {
    Stored stored = read();
    return stored == null ? null : stored.state();
  }

  /**
   * Stores the first certificates, unless another replica stored its own first: then those are what
   * every replica serves.
   *
   * @return what is stored now
   */
  public CertificateRotation.State createOrAdopt(CertificateRotation.State first) {
    try {
      client.resource(secret(first)).create();
      return first;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      Stored theirs = read();
      return theirs == null ? first : theirs.state();
    }
  }

  /**
   * Stores a rotation over the version it was computed from; when another replica wrote in between,
   * its state is what every replica serves.
   *
   * @return what is stored now
   */
  public CertificateRotation.State replace(CertificateRotation.State next, String resourceVersion) {
    Secret secret = secret(next);
    secret.getMetadata().setResourceVersion(resourceVersion);
    try {
      client.resource(secret).update();
      return next;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      Stored theirs = read();
      return theirs == null ? next : theirs.state();
    }
  }

  /** Writes the state whatever is stored (tests and tools; replicas use the two above). */
  public void save(CertificateRotation.State state) {
    client.resource(secret(state)).createOr(r -> r.update());
  }

  private Secret secret(CertificateRotation.State state) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("ca.crt", base64(state.ca().certificatePem()));
    data.put("ca.key", base64(state.ca().keyPem()));
    data.put("tls.crt", base64(state.serving().certificatePem()));
    data.put("tls.key", base64(state.serving().keyPem()));
    data.put("ca-bundle.crt", base64(state.caBundle()));
    data.put("ca-published-at", base64(state.caPublishedAt().toString()));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(SECRET)
        .withNamespace(namespace)
        .addToLabels("app.kubernetes.io/managed-by", "gantry")
        .addToLabels("app.kubernetes.io/component", "relations-webhook")
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(data)
        .build();
  }

  private static CertificateRotation.State state(Map<String, String> d) {
    String bundle = text(d.get("ca-bundle.crt"));
    List<String> published =
        Arrays.stream(bundle.split("(?<=-----END CERTIFICATE-----\n)"))
            .filter(s -> s.contains("BEGIN CERTIFICATE"))
            .toList();
    return new CertificateRotation.State(
        new WebhookCertificates.Issued(text(d.get("ca.crt")), text(d.get("ca.key"))),
        published,
        new WebhookCertificates.Issued(text(d.get("tls.crt")), text(d.get("tls.key"))),
        Instant.parse(text(d.get("ca-published-at"))));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(String base64) {
    return base64 == null
        ? ""
        : new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
