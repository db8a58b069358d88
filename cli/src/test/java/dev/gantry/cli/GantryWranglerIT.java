package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Workers path as a user takes it, in their own processes: `gantry dev` (no cluster
 * here, so Workers alone), then `gantry wrangler deploy` in the example, which runs the project's
 * own wrangler on its own Node 22 and finds the running dev server by itself.
 */
class GantryWranglerIT {
  static final Path JAR = Path.of("target", "gantry.jar").toAbsolutePath();
  static final Path EXAMPLE = Path.of("..", "examples", "workers", "hello").toAbsolutePath();

  static ProcessBuilder gantry(Path dir, Path home, String... args) {
    List<String> command = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("KUBECONFIG", home.resolve("no-such-kubeconfig").toString());
    pb.environment().put("HOME", home.toString());
    pb.environment().put("NO_COLOR", "1");
    // a user's own settings would change what wrangler does
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("CLOUDFLARE_")
                    || k.startsWith("GANTRY_")
                    || k.startsWith("WRANGLER_")
                    || k.equals("DO_NOT_TRACK"));
    return pb;
  }

  @Test
  void gantryWranglerDeploysTheExampleToTheRunningGantryDevAndSaysWhereItAnswers(@TempDir Path dir)
      throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path project = Files.createDirectories(dir.resolve("hello/src"));
    for (String file : List.of("wrangler.toml", "src/index.js")) {
      Files.copy(EXAMPLE.resolve(file), dir.resolve("hello").resolve(file));
    }
    StringBuffer devOutput = new StringBuffer();
    Process dev =
        gantry(
                dir,
                home,
                "dev",
                "--api-port",
                "0",
                "--router-port",
                "0",
                "--tail-port",
                "0",
                "--http-port",
                "0")
            .start();
    Thread reader =
        new Thread(
            () -> {
              try (var in = dev.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = in.readLine()) != null; ) {
                  devOutput.append(line).append('\n');
                }
              } catch (java.io.IOException e) {
                // ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    Path environment = dir.resolve(".gantry/workers/wrangler.env");
    try {
      await("gantry dev serves Workers")
          .atMost(Duration.ofSeconds(90))
          .until(() -> devOutput.toString().contains("Workers keeps running"));
      assertThat(environment).exists();
      assertThat(
              java.nio.file.attribute.PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(environment)))
          .isEqualTo("rw-------");
      Matcher router =
          Pattern.compile("workers answer at http://<script>\\.dev\\.[^:]+:(\\d+)")
              .matcher(devOutput);
      assertThat(router.find()).as(devOutput.toString()).isTrue();

      Path log = dir.resolve("wrangler.log");
      Process deploy =
          gantry(dir.resolve("hello"), home, "wrangler", "deploy")
              .redirectOutput(log.toFile())
              .start();
      assertThat(deploy.waitFor(3, TimeUnit.MINUTES)).isTrue();
      assertThat(deploy.exitValue()).as(Files.readString(log)).isZero();
      assertThat(Files.readString(log)).contains("wrangler 4.164.0").contains("Current Version ID");
      // wrangler names the worker's address on Cloudflare; gantry wrangler says where it answers
      assertThat(Files.readString(log))
          .contains(
              "gantry: hello answers at http://hello.dev.workers.localhost:"
                  + router.group(1)
                  + "/ (gantry dev's router), not at https://hello.dev.workers.dev");

      // a worker's host name, through the router on loopback
      try (java.net.Socket socket =
          new java.net.Socket("127.0.0.1", Integer.parseInt(router.group(1)))) {
        socket.setSoTimeout(10_000);
        socket
            .getOutputStream()
            .write(
                "GET / HTTP/1.1\r\nHost: hello.dev.workers.localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(answer)
            .startsWith("HTTP/1.1 200")
            .contains("hello from hello.dev.workers.localhost, without a secret\n");
      }
    } finally {
      dev.destroy(); // SIGTERM: the shutdown hook stops Workers and removes the token file
      dev.waitFor(60, TimeUnit.SECONDS);
    }
    assertThat(environment).doesNotExist();
  }

  @Test
  void wranglersTelemetryIsOffUnlessTheUserTurnsItOn(@TempDir Path dir) throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path log = dir.resolve("out.log");
    Process status =
        gantry(dir, home, "wrangler", "telemetry", "status").redirectOutput(log.toFile()).start();
    assertThat(status.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(status.exitValue()).as(Files.readString(log)).isZero();
    assertThat(Files.readString(log)).contains("Status: Disabled (set by WRANGLER_SEND_METRICS)");

    ProcessBuilder chosen = gantry(dir, home, "wrangler", "telemetry", "status");
    chosen.environment().put("WRANGLER_SEND_METRICS", "true");
    Process kept = chosen.redirectOutput(log.toFile()).start();
    assertThat(kept.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(Files.readString(log)).contains("Status: Enabled (set by WRANGLER_SEND_METRICS)");
  }

  @Test
  void everyArgumentGoesToWranglerVersionAndHelpToo(@TempDir Path dir) throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path log = dir.resolve("out.log");
    Process version =
        gantry(dir, home, "wrangler", "--version").redirectOutput(log.toFile()).start();
    assertThat(version.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(version.exitValue()).as(Files.readString(log)).isZero();
    assertThat(Files.readString(log))
        .contains("4.164.0")
        .contains("no running `gantry dev` found")
        .doesNotContain("gantry 0.");
    Process help =
        gantry(dir, home, "wrangler", "deploy", "--help").redirectOutput(log.toFile()).start();
    assertThat(help.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(Files.readString(log)).contains("wrangler deploy").contains("--dry-run");
  }
}
