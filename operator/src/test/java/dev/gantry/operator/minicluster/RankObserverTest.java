package dev.gantry.operator.minicluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import org.junit.jupiter.api.Test;

/** A rank that does not come up says which container failed, with its exit code and output. */
class RankObserverTest {
  @Test
  void aFailedInitContainerIsReportedWithItsExitCodeAndLastOutput() {
    ContainerStatus init =
        new ContainerStatusBuilder()
            .withName("flux-view")
            .withNewState()
            .withNewWaiting()
            .withReason("CrashLoopBackOff")
            .endWaiting()
            .endState()
            .withNewLastState()
            .withNewTerminated()
            .withExitCode(3)
            .withMessage("copying the view\ncp: /opt/view: No space left on device\n")
            .endTerminated()
            .endLastState()
            .build();
    assertThat(RankObserver.containerProblem(init))
        .isEqualTo(
            "flux-view exited with code 3 (CrashLoopBackOff); last output: copying the view\n"
                + "cp: /opt/view: No space left on device");
  }

  @Test
  void anImageWithoutBashIsNamedAsTheCause() {
    ContainerStatus runner =
        new ContainerStatusBuilder()
            .withName("flux-sample")
            .withNewState()
            .withNewWaiting()
            .withReason("RunContainerError")
            .withMessage(
                "failed to create containerd task: exec: \"/bin/bash\": stat /bin/bash: no such"
                    + " file or directory: unknown")
            .endWaiting()
            .endState()
            .build();
    assertThat(RankObserver.containerProblem(runner))
        .startsWith("flux-sample RunContainerError: failed to create containerd task")
        .endsWith("(the MiniCluster's images need /bin/bash: the entrypoint scripts run under it)");
  }

  @Test
  void aContainerThatIsOnlyInitializingIsNoProblem() {
    ContainerStatus starting =
        new ContainerStatusBuilder()
            .withName("flux-sample")
            .withNewState()
            .withNewWaiting()
            .withReason("PodInitializing")
            .endWaiting()
            .endState()
            .build();
    assertThat(RankObserver.containerProblem(starting)).isNull();
  }
}
