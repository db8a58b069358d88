package dev.gantry.workers.e2e;

import dev.gantry.workers.WorkersServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * A `gantry workers serve` in a JVM of its own, as users run it, so a test can kill it as the
 * system would ({@code kill -9}) and see what it leaves behind.
 */
final class ServerProcess {
  final Process process;
  final int apiPort;
  final int routerPort;
  final String token;

  private ServerProcess(Process process, String ready) {
    this.process = process;
    String[] words = ready.trim().split(" ");
    this.apiPort = Integer.parseInt(words[1]);
    this.routerPort = Integer.parseInt(words[2]);
    this.token = words[3];
  }

  /** Starts one on {@code data} and returns once it serves; its output goes to {@code log}. */
  static ServerProcess start(Path data, Path log) throws IOException {
    Path ready = data.resolveSibling(data.getFileName() + ".ready");
    Files.deleteIfExists(ready);
    Process process =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName(),
                    data.toString(),
                    Tools.workerd().toString(),
                    ready.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Awaitility.await("the server process serves (its log: " + log + ")")
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(ready) || !process.isAlive());
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "the server process ended: " + Files.readString(log, StandardCharsets.UTF_8));
    }
    return new ServerProcess(process, Files.readString(ready));
  }

  String apiBase() {
    return "http://127.0.0.1:" + apiPort + "/client/v4";
  }

  /** The workerd processes it runs now (under their guards). */
  List<ProcessHandle> workerds() {
    return process
        .descendants()
        .filter(
            p -> p.isAlive() && p.info().command().map(c -> c.endsWith("workerd")).orElse(false))
        .toList();
  }

  /** The server: args are the data directory, workerd, and the file that says it is ready. */
  static final class Main {
    public static void main(String[] args) throws Exception {
      WorkersServer server =
          new WorkersServer(
                  new WorkersServer.Settings(
                      Path.of(args[0]),
                      "127.0.0.1",
                      0,
                      0,
                      0,
                      WorkersServer.Settings.DEFAULT_DOMAIN,
                      Path.of(args[1]),
                      WorkersServer.Settings.DEFAULT_MAX_UPLOAD,
                      null))
              .start();
      String token = server.service().createToken(WorkersHarness.ACCOUNT, WorkersHarness.SUBDOMAIN);
      Path ready = Path.of(args[2]);
      Path temp = ready.resolveSibling(ready.getFileName() + ".tmp");
      Files.writeString(
          temp, "ready " + server.apiPort() + " " + server.routerPort() + " " + token + "\n");
      Files.move(temp, ready); // whole, or not at all
      Thread.currentThread().join(); // serves until it is killed
    }
  }
}
