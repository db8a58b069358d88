package dev.gantry.workers.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.workers.model.WorkerKey;
import dev.gantry.workers.store.S3ObjectStore;
import dev.gantry.workers.upload.Multipart;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Nothing is lost on restart, with either object store; a workerd that dies comes back. */
class PersistenceIT {
  static final WorkerKey KEY = new WorkerKey(WorkersHarness.ACCOUNT, "keep");
  @TempDir Path temp;

  static void deploy(WorkersHarness workers, String body) throws Exception {
    Api api = new Api(workers.apiBase(), WorkersHarness.ACCOUNT, workers.token);
    byte[] upload =
        new Multipart()
            .metadata(
                "{\"main_module\":\"index.js\",\"compatibility_date\":\"2024-09-23\","
                    + "\"bindings\":[{\"name\":\"BODY\",\"type\":\"plain_text\",\"text\":\""
                    + body
                    + "\"}]}")
            .file(
                "index.js",
                "application/javascript+module",
                "export default { fetch(r, env) { return new Response(env.BODY + ' ' + (env.PIN ?? '-')) } }")
            .build();
    assertThat(
            api.send(
                    "PUT",
                    "/accounts/{account}/workers/scripts/keep",
                    Multipart.CONTENT_TYPE,
                    upload)
                .status())
        .isEqualTo(200);
    api.json("POST", "/accounts/{account}/workers/scripts/keep/subdomain", "{\"enabled\":true}");
    api.json(
        "PUT",
        "/accounts/{account}/workers/scripts/keep/secrets",
        "{\"name\":\"PIN\",\"text\":\"1234\",\"type\":\"secret_text\"}");
  }

  void survivesARestart(S3ObjectStore.Settings s3) throws Exception {
    Path data = temp.resolve("data");
    String token;
    try (WorkersHarness first = new WorkersHarness(data, s3)) {
      deploy(first, "kept");
      assertThat(first.get("keep", "/").body()).isEqualTo("kept 1234");
      token = first.token;
    }
    try (WorkersHarness second = new WorkersHarness(data, s3)) {
      assertThat(second.get("keep", "/").body()).isEqualTo("kept 1234");
      assertThat(second.server.service().versions(KEY)).hasSize(1);
      assertThat(second.server.service().deployments(KEY)).hasSize(1);
      assertThat(second.server.service().secretNames(KEY)).containsExactly("PIN");
      // The first server's token still works: tokens are stored (hashed), not kept in memory.
      assertThat(second.server.service().authenticate(token)).contains(WorkersHarness.ACCOUNT);
    }
  }

  @Test
  void theFilesystemBackendKeepsScriptsVersionsDeploymentsSecretsAndTokensAcrossARestart()
      throws Exception {
    survivesARestart(null);
  }

  @Test
  void theS3BackendKeepsScriptsInTheBucketAcrossARestart() throws Exception {
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(new TransientNio2BlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "access", "secret")
            .build();
    proxy.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> "STARTED".equals(proxy.getState()));
      String endpoint = "http://127.0.0.1:" + proxy.getPort();
      try (S3Client s3 =
          S3Client.builder()
              .endpointOverride(URI.create(endpoint))
              .region(Region.US_EAST_1)
              .forcePathStyle(true)
              .credentialsProvider(
                  StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
              .build()) {
        s3.createBucket(b -> b.bucket("workers"));
        survivesARestart(
            new S3ObjectStore.Settings(endpoint, "us-east-1", "workers", true, "access", "secret"));
        assertThat(s3.listObjectsV2(b -> b.bucket("workers").prefix("scripts/")).contents())
            .extracting(o -> o.key())
            .allMatch(k -> k.startsWith("scripts/" + WorkersHarness.ACCOUNT + "/keep/"))
            .isNotEmpty();
      }
    } finally {
      proxy.stop();
    }
  }

  @Test
  void aWorkerdThatDiesIsStartedAgainAndServesAgain() throws Exception {
    try (WorkersHarness workers = new WorkersHarness(temp.resolve("data"), null)) {
      deploy(workers, "alive");
      assertThat(workers.get("keep", "/").body()).isEqualTo("alive 1234");
      ProcessHandle workerd =
          ProcessHandle.current()
              .descendants()
              .filter(p -> p.info().command().map(c -> c.contains("workerd")).orElse(false))
              .findFirst()
              .orElseThrow();
      workerd.destroyForcibly();
      await().atMost(Duration.ofSeconds(5)).until(() -> !workerd.isAlive());
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> workers.get("keep", "/").body().equals("alive 1234"));
    }
  }
}
