package dev.gantry.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image pushed with one command, to a real registry: Debian's docker-registry (the distribution
 * registry, `apt-get install docker-registry`; .ci/run installs it) on loopback. The image's layers
 * are the real ones (a jlink runtime and its libraries); the jar layer is a stand-in file, which
 * changes nothing of how the image is assembled and pushed.
 */
class ImagePushIT {
  static final Path REGISTRY = Path.of("/usr/bin/docker-registry");

  @Test
  void theImageIsWrittenAsATarballAndPushedToTheRegistryItsNameNames(@TempDir Path dir)
      throws Exception {
    if (!Files.isExecutable(REGISTRY)) {
      // Asked for by ./mvnw verify: a missing registry fails the test, it never passes skipped.
      throw new AssertionError(
          REGISTRY
              + " is missing: install Debian's docker-registry (apt-get install docker-registry;"
              + " .ci/run installs it)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path config =
        Files.writeString(
            dir.resolve("config.yml"),
            """
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: %s
            http:
              addr: 127.0.0.1:%d
            """
                .formatted(dir.resolve("data"), port));
    Process registry =
        new ProcessBuilder(REGISTRY.toString(), "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("registry.log").toFile())
            .start();
    try {
      int registryPort = port;
      await("the registry listening")
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> {
                try (Socket s = new Socket("127.0.0.1", registryPort)) {
                  return true;
                }
              });
      Path jar = Files.writeString(dir.resolve("gantry.jar"), "a stand-in for the shaded jar");
      String name = "127.0.0.1:" + port + "/gantry:test";
      ImageBuild.main(
          new String[] {jar.toString(), dir.resolve("target").toString(), name, "true", "true"});

      assertThat(dir.resolve("target/gantry-image.tar")).isNotEmptyFile();
      HttpClient http = HttpClient.newHttpClient();
      String tags =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + port + "/v2/gantry/tags/list"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(tags).contains("\"tags\":[\"test\"]");
      HttpResponse<String> manifest =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/v2/gantry/manifests/test"))
                  .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(manifest.statusCode()).isEqualTo(200);
      // the shared libraries, the Java runtime, the jar: three layers, as in the tarball
      assertThat(manifest.body().split("\"mediaType\":\"application/vnd.oci.image.layer", -1))
          .hasSize(4);
    } finally {
      registry.destroy();
      registry.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
