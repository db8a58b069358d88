package dev.gantry.operator.provision;

import dev.gantry.api.provision.Provision;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/**
 * A short-lived pod that mounts the deliverables volume read-only so the CLI can copy the files
 * after the apply pod is gone. It is not a run: it only reads, and it deletes itself after ten
 * minutes if the CLI that started it goes away.
 */
public final class DeliverablesFetchPod {
  public static final String CONTAINER = "fetch";
  static final int LIFETIME_SECONDS = 600;

  private DeliverablesFetchPod() {}

  public static Pod desired(Provision provision, String toolsImage) {
    String name = provision.getMetadata().getName();
    String mountPath = provision.getSpec().deliverablesOrDefault().mountPathOrDefault();
    // Where the runs may schedule and as whom they run, so that it reaches the same volume.
    var runner =
        provision.getSpec().runner == null
            ? new dev.gantry.api.provision.RunnerPodSpec()
            : provision.getSpec().runner;
    return new PodBuilder()
        .withNewMetadata()
        .withName(ProvisionNames.fetchPod(name))
        .withNamespace(provision.getMetadata().getNamespace())
        .withLabels(ProvisionLabels.of(name, ProvisionLabels.FETCH))
        .endMetadata()
        .withNewSpec()
        .withNodeSelector(runner.nodeSelector)
        .withTolerations(runner.tolerations)
        .withSecurityContext(runner.securityContext)
        .withRestartPolicy("Never")
        .withActiveDeadlineSeconds((long) LIFETIME_SECONDS)
        .withTerminationGracePeriodSeconds(5L)
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(toolsImage)
        .withImagePullPolicy(
            provision.getSpec().imagePullPolicy == null
                ? null
                : provision.getSpec().imagePullPolicy.name())
        // A sleep as PID 1 has no SIGTERM handler, so deleting the pod would wait the whole grace
        // period while it holds the claim; the trap ends it at once.
        .withCommand("sh", "-c", "trap 'exit 0' TERM; sleep " + LIFETIME_SECONDS + " & wait $!")
        .addNewVolumeMount()
        .withName("deliverables")
        .withMountPath(mountPath)
        .withReadOnly(true)
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("deliverables")
        .withNewPersistentVolumeClaim()
        .withClaimName(ProvisionNames.deliverablesClaim(name))
        .withReadOnly(true)
        .endPersistentVolumeClaim()
        .endVolume()
        .endSpec()
        .build();
  }
}
