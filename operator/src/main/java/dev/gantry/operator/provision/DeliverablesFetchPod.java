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
  static final int READER_LIFETIME_SECONDS = 300;

  private DeliverablesFetchPod() {}

  public static Pod desired(Provision provision, String toolsImage) {
    return pod(
        provision,
        ProvisionNames.fetchPod(provision.getMetadata().getName()),
        ProvisionLabels.FETCH,
        toolsImage,
        provision.getSpec().imagePullPolicy == null
            ? null
            : provision.getSpec().imagePullPolicy.name(),
        LIFETIME_SECONDS);
  }

  /**
   * The pod the operator reads a finished apply's outputs through when the apply pod has ended.
   * Owned by the Provision, so it goes with it; it ends itself after a few minutes regardless.
   */
  public static Pod outputsReader(Provision provision, ProvisionSettings settings) {
    Pod pod =
        pod(
            provision,
            ProvisionNames.outputsReaderPod(provision.getMetadata().getName()),
            ProvisionLabels.OUTPUTS,
            settings.toolsImage(),
            settings.toolsPullPolicy(provision.getSpec()),
            READER_LIFETIME_SECONDS);
    pod.getMetadata()
        .setOwnerReferences(
            java.util.List.of(dev.gantry.operator.kube.OwnerReferences.controllerOf(provision)));
    return pod;
  }

  private static Pod pod(
      Provision provision,
      String podName,
      String component,
      String toolsImage,
      String pullPolicy,
      int lifetimeSeconds) {
    String name = provision.getMetadata().getName();
    String mountPath = provision.getSpec().deliverablesOrDefault().mountPathOrDefault();
    // Where the runs may schedule and as whom they run, so that it reaches the same volume.
    var runner =
        provision.getSpec().runner == null
            ? new dev.gantry.api.provision.RunnerPodSpec()
            : provision.getSpec().runner;
    return new PodBuilder()
        .withNewMetadata()
        .withName(podName)
        .withNamespace(provision.getMetadata().getNamespace())
        .withLabels(ProvisionLabels.of(name, component))
        .endMetadata()
        .withNewSpec()
        .withNodeSelector(runner.nodeSelector)
        .withTolerations(runner.tolerations)
        .withSecurityContext(runner.securityContext)
        .withRestartPolicy("Never")
        .withActiveDeadlineSeconds((long) lifetimeSeconds)
        .withTerminationGracePeriodSeconds(5L)
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(toolsImage)
        .withImagePullPolicy(pullPolicy)
        // A sleep as PID 1 has no SIGTERM handler, so deleting the pod would wait the whole grace
        // period while it holds the claim; the trap ends it at once.
        .withCommand("sh", "-c", "trap 'exit 0' TERM; sleep " + lifetimeSeconds + " & wait $!")
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
