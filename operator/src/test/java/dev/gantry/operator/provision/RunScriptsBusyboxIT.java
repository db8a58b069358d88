package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the apply pod's real scripts under a real static busybox (Debian's busybox-static, which
 * .ci/run installs), with the pod's absolute paths moved into a temporary directory.
 */
class RunScriptsBusyboxIT {
  static final Path BUSYBOX = Path.of("/usr/bin/busybox");

  @TempDir Path root;
  Path tools;
  Path deliverables;
  Path terminationLog;

  @BeforeEach
  void layout() throws Exception {
    assumeTrue(
        Files.isExecutable(BUSYBOX), "busybox-static is not installed (.ci/run installs it)");
    tools = Files.createDirectories(root.resolve("gantry"));
    deliverables = Files.createDirectories(root.resolve("deliverables"));
    terminationLog = root.resolve("termination-log");
    Files.writeString(deliverables.resolve("done"), "left over from the last run");
    Process init =
        run(relocate(RunScripts.INIT).replace("/bin/busybox", BUSYBOX.toString()), List.of());
    assertThat(init.waitFor()).isZero();
    assertThat(tools.resolve("busybox")).isExecutable();
    assertThat(deliverables.resolve("done")).doesNotExist();
  }

  @Test
  void successfulToolListsEveryDeliverableWithSizeAndSha256() throws Exception {
    Process p =
        run(
            relocate(RunScripts.WRAPPER),
            List.of(
                "sh",
                "-c",
                "printf 'apiVersion: v1\\n' > \"$GANTRY_DELIVERABLES/kubeconfig\";"
                    + " mkdir -p \"$GANTRY_DELIVERABLES/keys\"; printf secret > \"$GANTRY_DELIVERABLES/keys/id rsa\";"
                    + " touch \"$GANTRY_DELIVERABLES/done\"; echo applied"));
    assertThat(p.waitFor()).isZero();
    assertThat(Files.readString(tools.resolve("apply-exit")).trim()).isEqualTo("0");

    var manifest = DeliverablesManifest.parse(Files.readString(terminationLog)).orElseThrow();
    assertThat(manifest.truncated()).isFalse();
    assertThat(manifest.files())
        .extracting(f -> f.name)
        .containsExactly("keys/id rsa", "kubeconfig");
    assertThat(manifest.files().get(1).size)
        .isEqualTo(Files.size(deliverables.resolve("kubeconfig")));
    assertThat(manifest.files().get(1).sha256)
        .isEqualTo(sha256(deliverables.resolve("kubeconfig")));
    assertThat(manifest.files().get(0).sha256)
        .isEqualTo(sha256(deliverables.resolve("keys/id rsa")));
  }

  @Test
  void failingToolKeepsItsExitCodeAndLeavesTheMessageToTheLogFallback() throws Exception {
    Process p =
        run(
            relocate(RunScripts.WRAPPER),
            List.of("sh", "-c", "echo 'Error: no credentials' >&2; exit 3"));
    assertThat(p.waitFor()).isEqualTo(3);
    assertThat(Files.readString(tools.resolve("apply-exit")).trim()).isEqualTo("3");
    assertThat(terminationLog).doesNotExist();
  }

  @Test
  void manyFilesAreCutBelowTheKubeletLimitAndMarkedTruncated() throws Exception {
    Process p =
        run(
            relocate(RunScripts.WRAPPER),
            List.of(
                "sh",
                "-c",
                "i=0; while [ $i -lt 200 ]; do echo $i > \"$GANTRY_DELIVERABLES/file-$i\"; i=$((i+1)); done"));
    assertThat(p.waitFor()).isZero();
    assertThat(Files.size(terminationLog)).isLessThanOrEqualTo(RunScripts.MANIFEST_LIMIT);
    var manifest = DeliverablesManifest.parse(Files.readString(terminationLog)).orElseThrow();
    assertThat(manifest.truncated()).isTrue();
    assertThat(manifest.files()).isNotEmpty().hasSizeLessThan(200);
  }

  @Test
  void sidecarWaitsWhileTheToolRunsThenHoldsThenEnds() throws Exception {
    Process sidecar = run(relocate(RunScripts.SIDECAR), List.of(), "GANTRY_HOLD_SECONDS", "1");
    assertThat(sidecar.waitFor(2, TimeUnit.SECONDS)).as("still up while the tool runs").isFalse();
    Files.writeString(tools.resolve("apply-exit"), "0\n");
    assertThat(sidecar.waitFor(10, TimeUnit.SECONDS)).as("ends after the hold").isTrue();
    assertThat(sidecar.exitValue()).isZero();
  }

  @Test
  void sidecarEndsAtOnceWhenAClientWritesTheDoneMarker() throws Exception {
    Process sidecar = run(relocate(RunScripts.SIDECAR), List.of(), "GANTRY_HOLD_SECONDS", "3600");
    Files.writeString(tools.resolve("apply-exit"), "0\n");
    assertThat(sidecar.waitFor(2, TimeUnit.SECONDS)).isFalse();
    Files.writeString(deliverables.resolve("done"), "");
    assertThat(sidecar.waitFor(5, TimeUnit.SECONDS)).isTrue();
  }

  private String relocate(String script) {
    return script
        .replace(RunScripts.TOOLS_DIR + "/", tools + "/")
        .replace("/dev/termination-log", terminationLog.toString());
  }

  private Process run(String script, List<String> toolCommand, String... env) throws IOException {
    List<String> command =
        new ArrayList<>(List.of(BUSYBOX.toString(), "sh", "-c", script, "gantry-run"));
    command.addAll(toolCommand);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("output-" + System.nanoTime()).toFile());
    builder.environment().put("GANTRY_DELIVERABLES", deliverables.toString());
    builder.environment().put("PATH", "/usr/bin:/bin");
    for (int i = 0; i < env.length; i += 2) {
      builder.environment().put(env[i], env[i + 1]);
    }
    return builder.start();
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
