package dev.gantry.operator.relations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.relations.Relation;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The webhook's lookups answer from caches: a credentials Secret Gantry has labelled is not read
 * from the API server inside an admission (the API server is waiting on the webhook for a user's
 * create), one not yet labelled is read by name, and a later change to a labelled one is seen.
 */
@EnableKubernetesMockClient(crud = true)
class CachedProviderLookupIT {
  static final String NS = "shop";
  static KubernetesClient client;
  static KubernetesMockServer server;

  @Test
  void aLabelledCredentialsSecretIsAnsweredFromTheCacheAndAnUnlabelledOneIsReadByName()
      throws Exception {
    client
        .secrets()
        .inNamespace(NS)
        .resource(secret("db-labelled", true, "user", "password"))
        .create();
    client.secrets().inNamespace(NS).resource(secret("db-plain", false, "token")).create();
    try (CachedProviderLookup lookup = new CachedProviderLookup(client)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> lookup.credentials(NS, "db-labelled").keys().size() == 2);
      drain();

      assertThat(lookup.credentials(NS, "db-labelled").keys())
          .containsExactlyInAnyOrder("user", "password");
      assertThat(secretReads()).isZero();

      assertThat(lookup.credentials(NS, "db-plain").keys()).containsExactly("token");
      assertThat(secretReads()).isEqualTo(1);

      assertThat(lookup.credentials(NS, "absent")).isEqualTo(Credentials.NONE);

      // A key added to the labelled Secret reaches the cache through its watch.
      client
          .secrets()
          .inNamespace(NS)
          .withName("db-labelled")
          .edit(s -> new SecretBuilder(s).addToStringData("host", "db").build());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> lookup.credentials(NS, "db-labelled").keys().contains("host"));
    }
  }

  private static Secret secret(String name, boolean labelled, String... keys) {
    var builder = new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS);
    if (labelled) {
      builder.addToLabels(Relation.CREDENTIALS_LABEL, "true");
    }
    var secret = builder.endMetadata();
    for (String key : keys) {
      secret.addToData(key, "dmFsdWU=");
    }
    return secret.build();
  }

  /** Forgets the requests made so far (the informers' lists and watches, the set-up). */
  private static void drain() throws InterruptedException {
    while (server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS) != null) {
      // drained
    }
  }

  /** GETs of a single Secret made since the last drain. */
  private static int secretReads() throws InterruptedException {
    int reads = 0;
    RecordedRequest request;
    while ((request = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
      if ("GET".equals(request.getMethod())
          && request.getPath().matches("/api/v1/namespaces/" + NS + "/secrets/[^/?]+")) {
        reads++;
      }
    }
    return reads;
  }
}
