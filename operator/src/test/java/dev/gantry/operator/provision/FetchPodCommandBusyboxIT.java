package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fetch pod's command under a real static busybox ends on SIGTERM at once, as the kubelet sends
 * it on delete; a bare sleep as PID 1 ignored it and held the claim for the grace period.
 */
class FetchPodCommandBusyboxIT {
  static final Path BUSYBOX = Path.of("/usr/bin/busybox");

  @Test
  void theFetchPodEndsAtOnceOnSigterm() throws Exception {
    dev.gantry.operator.testing.RequiredProgram.busybox();
    var pod = DeliverablesFetchPod.desired(RunJobTest.provision(null), "busybox:1.36");
    List<String> command = new ArrayList<>(pod.getSpec().getContainers().get(0).getCommand());
    assertThat(command.get(0)).isEqualTo("sh");
    command.add(0, BUSYBOX.toString());
    Process p = new ProcessBuilder(command).start();
    // The trap is set before the sleep starts; wait for the sleep child to exist.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> p.children().findAny().isPresent());
    List<ProcessHandle> sleeps = p.children().toList();
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(3, TimeUnit.SECONDS)).as("exited within 3 s of SIGTERM").isTrue();
    assertThat(p.exitValue()).isZero();
    sleeps.forEach(ProcessHandle::destroyForcibly);
  }
}
