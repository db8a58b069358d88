package dev.gantry.workers.e2e;

import dev.gantry.workers.WorkersServer;
import dev.gantry.workers.store.S3ObjectStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A running `gantry workers serve` (API, router, workerd) on loopback, with an account token. */
final class WorkersHarness implements AutoCloseable {
  static final String ACCOUNT = "0123456789abcdef0123456789abcdef";
  static final String SUBDOMAIN = "acme";

  final Path data;
  final WorkersServer server;
  final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  WorkersHarness(Path data, S3ObjectStore.Settings s3) {
    this.data = data;
    this.server =
        new WorkersServer(
                new WorkersServer.Settings(
                    data,
                    "127.0.0.1",
                    0,
                    0,
                    0,
                    WorkersServer.Settings.DEFAULT_DOMAIN,
                    Tools.workerd(),
                    WorkersServer.Settings.DEFAULT_MAX_UPLOAD,
                    s3))
            .start();
    this.token = server.service().createToken(ACCOUNT, SUBDOMAIN);
  }

  String apiBase() {
    return "http://127.0.0.1:" + server.apiPort() + "/client/v4";
  }

  Wrangler wrangler(Path project) {
    return new Wrangler(Tools.node22(), Tools.wrangler(), project, apiBase(), ACCOUNT, token);
  }

  Wrangler wrangler486(Path project) {
    return wrangler(WranglerRelease.V4_86, project);
  }

  Wrangler wrangler(WranglerRelease release, Path project) {
    return new Wrangler(release.node(), release.script(), project, apiBase(), ACCOUNT, token);
  }

  /** A request through the router to a worker's host name. */
  HttpResponse<String> get(String script, String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.routerPort() + path))
            .header("Host", script + "." + SUBDOMAIN + "." + server.domain())
            .timeout(Duration.ofSeconds(10))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** A worker project: wrangler.toml and src/index.js. */
  static Path project(Path dir, String name, String toml, String source) throws IOException {
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("wrangler.toml"), "name = \"" + name + "\"\n" + toml);
    Files.writeString(dir.resolve("src/index.js"), source);
    return dir;
  }

  /** Stops the server, and fails if it left a workerd running (a drain or restart orphaned it). */
  @Override
  public void close() {
    server.close();
    org.awaitility.Awaitility.await("every workerd stopped with the server")
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ProcessHandle.current()
                    .descendants()
                    .noneMatch(
                        p ->
                            p.isAlive()
                                && p.info()
                                    .command()
                                    .map(c -> c.contains("workerd"))
                                    .orElse(false)));
  }
}
