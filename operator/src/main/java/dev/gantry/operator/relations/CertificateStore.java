package dev.gantry.operator.relations;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the webhook's certificates in a Secret, so every replica and every restart serves the same.
 */
public final class CertificateStore {
  public static final String SECRET = "gantry-webhook-tls";
  private final KubernetesClient client;
  private final String namespace;

  public CertificateStore(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  public CertificateRotation.State load() {
    Secret secret = client.secrets().inNamespace(namespace).withName(SECRET).get();
    if (secret == null || secret.getData() == null || !secret.getData().containsKey("tls.crt")) {
      return null;
    }
    Map<String, String> d = secret.getData();
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

  public void save(CertificateRotation.State state) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("ca.crt", base64(state.ca().certificatePem()));
    data.put("ca.key", base64(state.ca().keyPem()));
    data.put("tls.crt", base64(state.serving().certificatePem()));
    data.put("tls.key", base64(state.serving().keyPem()));
    data.put("ca-bundle.crt", base64(state.caBundle()));
    data.put("ca-published-at", base64(state.caPublishedAt().toString()));
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(SECRET)
            .withNamespace(namespace)
            .addToLabels("app.kubernetes.io/managed-by", "gantry")
            .addToLabels("app.kubernetes.io/component", "relations-webhook")
            .endMetadata()
            .withType("kubernetes.io/tls")
            .withData(data)
            .build();
    client.resource(secret).createOr(r -> r.update());
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
