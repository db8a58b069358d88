package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as users run it: the ./gantry launcher and the shaded jar the build just packaged, in
 * their own processes, for commands that need no cluster. A dependency missing from the jar (as
 * commons-compress once was) fails here, not on a user's machine.
 */
class LauncherIT {
  static final Path JAR = Path.of("target", "gantry.jar");
  static final Path LAUNCHER = Path.of("..", "gantry");

  record Run(int exit, String out) {}

  static Run run(Path dir, List<String> command) throws IOException, InterruptedException {
    // No cluster: the commands under test must not need one.
    return run(dir, command, dir.resolve("no-such-kubeconfig"));
  }

  static Run run(Path dir, List<String> command, Path kubeconfig)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "out", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    Process p = pb.start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish: " + Files.readString(log));
    }
    return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  static List<String> jar(String... args) {
    List<String> command = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    return command;
  }

  /**
   * The launcher beside a copy of the built jar, as in a checkout whose jar is up to date (a copy,
   * so the launcher never rebuilds the jar under the running build).
   */
  static Path installedLauncher(Path dir) throws IOException {
    Path root = dir.resolve("checkout");
    Files.createDirectories(root.resolve("cli/target"));
    Files.copy(LAUNCHER, root.resolve("gantry"));
    Files.copy(JAR, root.resolve("cli/target/gantry.jar"));
    return root.resolve("gantry");
  }

  @Test
  void theLauncherRunsTheBuiltJarAndPrintsHelpAndVersion(@TempDir Path dir) throws Exception {
    Path launcher = installedLauncher(dir);
    Run help = run(dir, List.of("bash", launcher.toString(), "--help"));
    assertThat(help.exit()).as(help.out()).isZero();
    assertThat(help.out()).contains("Usage: gantry").contains("deliverables").contains("workers");
    assertThat(help.out()).doesNotContain("building the CLI");

    Run version = run(dir, List.of("bash", launcher.toString(), "version"));
    assertThat(version.exit()).as(version.out()).isZero();
    assertThat(version.out()).containsPattern("\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void theLauncherRebuildsWhenAnInputsContentChangesAndNotWhenOnlyItsTimeDoes(@TempDir Path dir)
      throws Exception {
    Path launcher = installedLauncher(dir);
    Path root = launcher.getParent();
    // inputs older than the jar, as in a checkout built after its last change
    FileTime before = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
    Path lockfile = root.resolve("workers/tools/package-lock.json");
    Path source = root.resolve("cli/src/main/java/dev/gantry/cli/Some.java");
    for (Path input : List.of(lockfile, source)) {
      Files.createDirectories(input.getParent());
      Files.writeString(input, "content of " + input.getFileName());
      Files.setLastModifiedTime(input, before);
    }
    // the Maven wrapper the launcher builds with, standing in: it notes each build
    Path builds = root.resolve("builds");
    Path mvnw =
        Files.writeString(root.resolve("mvnw"), "#!/bin/sh\necho build >> \"" + builds + "\"\n");
    Files.setPosixFilePermissions(
        mvnw, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));

    Run first = run(dir, List.of("bash", launcher.toString(), "version"));
    assertThat(first.exit()).as(first.out()).isZero();
    assertThat(builds).doesNotExist();

    // npm rewrote the lockfile: the same bytes, a new time
    Files.setLastModifiedTime(lockfile, FileTime.from(Instant.now().plusSeconds(60)));
    Run touched = run(dir, List.of("bash", launcher.toString(), "version"));
    assertThat(touched.exit()).as(touched.out()).isZero();
    assertThat(touched.out()).doesNotContain("building the CLI");
    assertThat(builds).doesNotExist();

    // a change of content, whatever its time
    Files.writeString(source, "changed");
    Files.setLastModifiedTime(source, before);
    Run changed = run(dir, List.of("bash", launcher.toString(), "version"));
    assertThat(changed.exit()).as(changed.out()).isZero();
    assertThat(changed.out()).contains("building the CLI");
    assertThat(Files.readAllLines(builds)).hasSize(1);

    Run again = run(dir, List.of("bash", launcher.toString(), "version"));
    assertThat(again.out()).doesNotContain("building the CLI");
    assertThat(Files.readAllLines(builds)).hasSize(1);
  }

  @Test
  void theJarHoldsWhatThePodCopyOfDeliverablesNeeds(@TempDir Path dir) throws Exception {
    Path probe = Path.of("src", "test", "resources", "launcher", "TarProbe.java");
    Run run = run(dir, List.of("java", "-cp", JAR.toString(), probe.toString()));
    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.out()).contains("tar ok");
  }

  @Test
  void commandsThatNeedNoClusterRunFromTheJar(@TempDir Path dir) throws Exception {
    Run install = run(dir, jar("install", "--image", "gantry:test", "--dry-run"));
    assertThat(install.exit()).as(install.out()).isZero();
    assertThat(install.out()).contains("CustomResourceDefinition").contains("gantry:test");

    Run token =
        run(
            dir,
            jar(
                "workers",
                "token",
                "create",
                "--account",
                "acc",
                "--data-dir",
                dir.resolve("data").toString()));
    assertThat(token.exit()).as(token.out()).isZero();

    Run deliverables = run(dir, jar("deliverables", "get", "--help"));
    assertThat(deliverables.exit()).as(deliverables.out()).isZero();
    assertThat(deliverables.out()).contains("--output");
  }

  /** A kubeconfig whose one context points at {@code server}. */
  static Path kubeconfig(Path dir, String server) throws IOException {
    return Files.writeString(
        dir.resolve("kubeconfig"),
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster: {server: "%s", insecure-skip-tls-verify: true}
        users:
        - name: u
          user: {token: t}
        contexts:
        - name: x
          context: {cluster: c, user: u}
        current-context: x
        """
            .formatted(server));
  }

  @Test
  void aRefusedServerFailsAtOnceNamingTheServerWithoutExceptionNames(@TempDir Path dir)
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    } // closed: connections to it are refused
    String server = "https://127.0.0.1:" + port;
    long started = System.nanoTime();
    Run get = run(dir, jar("get", "provisions"), kubeconfig(dir, server));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(get.exit()).as(get.out()).isNotZero();
    assertThat(get.out())
        .contains("cannot reach the Kubernetes API server at " + server + "/")
        .contains("refused")
        .doesNotContain("Exception")
        .doesNotContain("Operation: [");
    // the client library's own retries took about 21 s here
    assertThat(took).as(get.out()).isLessThan(Duration.ofSeconds(12));
  }

  @Test
  void aServerThatHangsUpIsSaidPlainly(@TempDir Path dir) throws Exception {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread hangUp =
          new Thread(
              () -> {
                while (!s.isClosed()) {
                  try (Socket c = s.accept()) {
                    // closed at once, before any TLS
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      hangUp.setDaemon(true);
      hangUp.start();
      String server = "https://127.0.0.1:" + s.getLocalPort();
      Run get = run(dir, jar("get", "provisions"), kubeconfig(dir, server));
      assertThat(get.exit()).as(get.out()).isNotZero();
      assertThat(get.out())
          .contains("cannot reach the Kubernetes API server at " + server + "/")
          .doesNotContain("Exception")
          .doesNotContain("Operation: [");
    }
  }

  @Test
  void waitEndsAtItsTimeoutWhenTheServerNeverAnswers(@TempDir Path dir) throws Exception {
    // accepts connections and never says a word: the TLS handshake waits forever
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
      Thread accept =
          new Thread(
              () -> {
                while (!s.isClosed()) {
                  try {
                    held.add(s.accept());
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      accept.setDaemon(true);
      accept.start();
      String server = "https://127.0.0.1:" + s.getLocalPort();
      long started = System.nanoTime();
      Run wait =
          run(
              dir,
              jar("wait", "provision/hello", "--for=ready", "--timeout=2s"),
              kubeconfig(dir, server));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(wait.exit()).as(wait.out()).isNotZero();
      assertThat(wait.out())
          .contains("cannot reach the Kubernetes API server at " + server + "/")
          .contains("did not answer in time");
      assertThat(took).as(wait.out()).isLessThan(Duration.ofSeconds(12));
      for (Socket c : held) {
        c.close();
      }
    }
  }

  @Test
  void aMalformedKubeconfigIsNamedWithoutAParserTrace(@TempDir Path dir) throws Exception {
    Path broken = Files.writeString(dir.resolve("broken-config"), "clusters: [\n  - {name: c\n");
    Run get = run(dir, jar("get", "provisions"), broken);
    assertThat(get.exit()).as(get.out()).isNotZero();
    assertThat(get.out())
        .contains("cannot read the kubeconfig " + broken)
        .contains("KUBECONFIG")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
  }
}
