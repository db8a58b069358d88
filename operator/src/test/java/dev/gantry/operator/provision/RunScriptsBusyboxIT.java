package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;

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
    dev.gantry.operator.testing.RequiredProgram.busybox();
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
  void everyRunsOutputIsKeptOnTheVolumeWithItsExitCode() throws Exception {
    Process p =
        run(
            relocate(RunScripts.WRAPPER),
            List.of(
                "sh", "-c", "echo 'creating 3 nodes'; echo 'Error: quota exceeded' >&2; exit 4"),
            "GANTRY_RUN",
            "destroy",
            "GANTRY_RUN_ID",
            "2-3");
    assertThat(p.waitFor()).isEqualTo(4);
    String log = Files.readString(deliverables.resolve("runs/2-3.log"));
    assertThat(log)
        .startsWith("# gantry: destroy run 2-3 in pod ")
        .contains("creating 3 nodes\n", "Error: quota exceeded\n")
        .endsWith("# gantry: exit code 4\n");
    assertThat(tools.resolve("apply-exit")).as("only an apply tells the sidecar").doesNotExist();
  }

  @Test
  void theNewestRunLogsAreKeptAndTheOldestRemoved() throws Exception {
    for (int i = 1; i <= 4; i++) {
      Process p =
          run(
              relocate(RunScripts.WRAPPER),
              List.of("echo", "run " + i),
              "GANTRY_RUN_ID",
              "1-" + i,
              "GANTRY_LOG_KEEP",
              "2");
      assertThat(p.waitFor()).isZero();
      // ls -t orders by modification time, in whole seconds on some filesystems: age the older.
      for (int j = 1; j <= i; j++) {
        Path older = deliverables.resolve("runs/1-" + j + ".log");
        if (Files.exists(older)) {
          Files.setLastModifiedTime(
              older, java.nio.file.attribute.FileTime.fromMillis(1_000_000L * j));
        }
      }
    }
    try (var logs = Files.list(deliverables.resolve("runs"))) {
      assertThat(logs.map(f -> f.getFileName().toString()).sorted())
          .containsExactly("1-3.log", "1-4.log");
    }
    var manifest = DeliverablesManifest.parse(Files.readString(terminationLog)).orElseThrow();
    assertThat(manifest.files()).as("run logs are not deliverables").isEmpty();
  }

  @Test
  void aPlanRunReportsItsChecksumAndSummaryAndKeepsItsTextWhileChangesAreNoFailure()
      throws Exception {
    Path planFile = deliverables.resolve("plans/2-1.tfplan");
    Files.createDirectories(planFile.getParent());
    Files.writeString(deliverables.resolve("plans/1-1.tfplan"), "an older plan");
    Process p =
        run(
            relocate(RunScripts.WRAPPER),
            List.of(
                "sh",
                "-c",
                "echo '  + resource \"vsphere_vm\" \"node\"'; printf plan-bytes > \"$GANTRY_PLAN_FILE\";"
                    + " echo 'Plan: 2 to add, 1 to change, 0 to destroy.'; exit 2"),
            "GANTRY_RUN",
            "plan",
            "GANTRY_RUN_ID",
            "2-1",
            "GANTRY_PLAN_FILE",
            planFile.toString());
    assertThat(p.waitFor()).as("exit code 2 is 'changes', not a failure").isZero();
    PlanResult result = PlanResult.parse(Files.readString(terminationLog)).orElseThrow();
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.sha256()).isEqualTo(sha256(planFile));
    assertThat(result.summary()).isEqualTo("+2 ~1 -0");
    assertThat(Files.readString(deliverables.resolve("plans/2-1.txt")))
        .contains("vsphere_vm", "Plan: 2 to add");
    assertThat(deliverables.resolve("plans/1-1.tfplan"))
        .as("a superseded plan goes")
        .doesNotExist();
  }

  @Test
  void anApprovedApplyRefusesAPlanFileThatIsNotTheApprovedOne() throws Exception {
    Path planFile = deliverables.resolve("plans/2-1.tfplan");
    Files.createDirectories(planFile.getParent());
    Files.writeString(planFile, "the plan");
    String approved = sha256(planFile);
    Files.writeString(planFile, "a plan swapped in later");
    Process refused =
        run(
            relocate(RunScripts.WRAPPER),
            List.of("sh", "-c", "echo applied > \"$GANTRY_DELIVERABLES/applied\""),
            "GANTRY_RUN_ID",
            "2-2",
            "GANTRY_PLAN_FILE",
            planFile.toString(),
            "GANTRY_PLAN_SHA256",
            approved);
    assertThat(refused.waitFor()).isEqualTo(1);
    assertThat(deliverables.resolve("applied")).doesNotExist();
    assertThat(Files.readString(deliverables.resolve("runs/2-2.log")))
        .contains("is not the plan that was approved");

    Files.writeString(planFile, "the plan");
    Process applied =
        run(
            relocate(RunScripts.WRAPPER),
            List.of("sh", "-c", "echo applied > \"$GANTRY_DELIVERABLES/applied\""),
            "GANTRY_RUN_ID",
            "2-3",
            "GANTRY_PLAN_FILE",
            planFile.toString(),
            "GANTRY_PLAN_SHA256",
            approved);
    assertThat(applied.waitFor()).isZero();
    assertThat(deliverables.resolve("applied")).exists();
    assertThat(planFile).as("an applied plan is used up").doesNotExist();
  }

  @Test
  void sidecarStaysForGantryToReadTheOutputsThenEndsOnceRead() throws Exception {
    Files.writeString(deliverables.resolve("outputs.json"), "{}");
    Process sidecar =
        run(
            relocate(RunScripts.SIDECAR),
            List.of(),
            "GANTRY_HOLD_SECONDS",
            "0",
            "GANTRY_OUTPUTS",
            "outputs.json kubeconfig",
            "GANTRY_OUTPUTS_WAIT",
            "3600");
    Files.writeString(tools.resolve("apply-exit"), "0\n");
    Files.writeString(deliverables.resolve("done"), "");
    assertThat(sidecar.waitFor(3, TimeUnit.SECONDS)).as("waits for the read").isFalse();
    Files.writeString(tools.resolve("outputs-read"), "");
    assertThat(sidecar.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  /**
   * A stand-in for Terraform's state commands, for the retain step: the state is a file of
   * addresses, one per line; {@code state list -state=F [A]} prints those equal to A or inside it,
   * {@code state rm -state=F A} removes them; {@code plan -destroy -state=F} prints what is left as
   * Terraform prints a destroy plan.
   */
  Path fakeTerraform() throws IOException {
    Path bin = Files.createDirectories(root.resolve("bin"));
    Path tf = bin.resolve("terraform");
    Files.writeString(tf, dev.gantry.operator.testing.FakeTerraform.script(BUSYBOX + " sh"));
    tf.toFile().setExecutable(true);
    return bin;
  }

  @Test
  void aDestroyFirstForgetsTheRetainedAddressesSoTheyAreKept() throws Exception {
    Path bin = fakeTerraform();
    Path state = deliverables.resolve("terraform.tfstate");
    Files.writeString(
        state,
        "module.nodes.vsphere_vm.node[0]\nmodule.nodes.vsphere_vm.node[1]\nmodule.rancher.helm_release.rancher\n");
    Process p =
        run(
            relocate(RunScripts.WRAPPER),
            List.of(bin.resolve("terraform").toString(), "destroy", "-state=" + state),
            "GANTRY_RUN",
            "destroy",
            "GANTRY_RUN_ID",
            "1-3",
            "GANTRY_STATE",
            state.toString(),
            "GANTRY_RETAIN",
            "module.rancher\nmodule.gone",
            "PATH",
            bin + ":/usr/bin:/bin");
    assertThat(p.waitFor()).isZero();
    assertThat(Files.readString(state)).doesNotContain("module.rancher");
    String log = Files.readString(deliverables.resolve("runs/1-3.log"));
    assertThat(log)
        .contains("# gantry: kept module.rancher (forgotten before the destroy)")
        .contains("# gantry: module.gone is not in the state; nothing to forget")
        .contains("destroying module.nodes.vsphere_vm.node[0] module.nodes.vsphere_vm.node[1]")
        .doesNotContain("destroying module.rancher");
  }

  @Test
  void aPreviewListsWhatADestroyRemovesAndKeepsWithoutTouchingTheState() throws Exception {
    Path bin = fakeTerraform();
    Path state = deliverables.resolve("terraform.tfstate");
    String before = "module.nodes.vsphere_vm.node[0]\nmodule.rancher.helm_release.rancher\n";
    Files.writeString(state, before);
    List<String> tool =
        new ArrayList<>(
            List.of(BUSYBOX.toString(), "sh", "-c", relocate(RunScripts.PREVIEW), "preview"));
    Process p =
        run(
            relocate(RunScripts.WRAPPER),
            tool,
            "GANTRY_RUN",
            "preview",
            "GANTRY_RUN_ID",
            "1-4",
            "GANTRY_STATE",
            state.toString(),
            "GANTRY_RETAIN",
            "module.rancher",
            "PATH",
            bin + ":/usr/bin:/bin");
    assertThat(p.waitFor()).isZero();
    assertThat(Files.readString(state)).as("the real state is untouched").isEqualTo(before);
    var preview =
        PreviewPlanner.parse(
            Files.readString(terminationLog), new dev.gantry.api.provision.DestroyPreviewStatus());
    assertThat(preview.kept).containsExactly("module.rancher.helm_release.rancher");
    assertThat(preview.destroy).containsExactly("module.nodes.vsphere_vm.node[0]");
    assertThat(preview.summary).isEqualTo("Plan: 0 to add, 0 to change, 1 to destroy.");
    assertThat(preview.truncated).isNull();
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

  /**
   * In its container the sidecar's shell is PID 1, which the kernel sends SIGTERM only if it
   * handles it; run so (a PID namespace of its own), it must end on the kubelet's SIGTERM instead
   * of waiting out the grace period.
   */
  @Test
  void sidecarAsPidOneEndsOnSigterm() throws Exception {
    String script = relocate(RunScripts.SIDECAR);
    ProcessBuilder builder =
        new ProcessBuilder(
                "unshare", "--pid", "--fork", BUSYBOX.toString(), "sh", "-c", script, "sidecar")
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("sidecar-output").toFile());
    builder.environment().put("GANTRY_DELIVERABLES", deliverables.toString());
    builder.environment().put("GANTRY_HOLD_SECONDS", "3600");
    builder.environment().put("PATH", "/usr/bin:/bin");
    Process unshare = builder.start();
    try {
      ProcessHandle sidecar =
          org.awaitility.Awaitility.await()
              .atMost(java.time.Duration.ofSeconds(10))
              .until(() -> unshare.toHandle().children().findFirst(), java.util.Optional::isPresent)
              .orElseThrow();
      assertThat(unshare.waitFor(2, TimeUnit.SECONDS)).as("up while the tool runs").isFalse();
      sidecar.destroy(); // SIGTERM, as the kubelet sends
      assertThat(unshare.waitFor(5, TimeUnit.SECONDS)).as("ended on SIGTERM").isTrue();
    } finally {
      unshare.destroyForcibly();
      unshare.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void aDriftCheckRemovesItsOwnPlanAndLeavesTheApprovalPlanAlone() throws Exception {
    Path approvalPlan = deliverables.resolve("plans/2-1.tfplan");
    Files.createDirectories(approvalPlan.getParent());
    Files.writeString(approvalPlan, "the plan awaiting approval");
    Path driftPlan = deliverables.resolve("plans/2-2.tfplan");
    Process p =
        run(
            relocate(RunScripts.WRAPPER),
            List.of(
                "sh",
                "-c",
                "printf drift-bytes > \"$GANTRY_PLAN_FILE\"; echo 'No changes.'; exit 0"),
            "GANTRY_RUN",
            "plan",
            "GANTRY_DRIFT",
            "1",
            "GANTRY_RUN_ID",
            "2-2",
            "GANTRY_PLAN_FILE",
            driftPlan.toString());
    assertThat(p.waitFor()).isZero();
    assertThat(PlanResult.parse(Files.readString(terminationLog)).orElseThrow().sha256())
        .as("the check's plan was made and reported")
        .isNotNull();
    assertThat(approvalPlan).as("another run's plan stays").exists();
    assertThat(driftPlan).as("a check's plan is never applied").doesNotExist();
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
    builder.environment().put("GANTRY_RUN", "apply");
    builder.environment().put("GANTRY_RUN_ID", "1-1");
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
