package dev.gantry.operator.provision;

import java.time.Duration;

/**
 * Operator-wide settings of the Provision controller.
 *
 * @param toolsImage image with a static busybox at /bin/busybox, used by the init container and the
 *     deliverables sidecar (the official busybox images are static)
 * @param destroyRetryBase delay before retrying a failed destroy; it doubles with each failure, up
 *     to 64 times this
 * @param toolsPullPolicy pull policy of the tools image where the Provision sets none (null: the
 *     cluster's default); a Provision's spec.imagePullPolicy applies to every image of its pods
 * @param volumeReader how the operator reads outputs off the deliverables volume (exec into the
 *     pods it made; tests without a kubelet read a directory instead)
 */
public record ProvisionSettings(
    String toolsImage,
    Duration destroyRetryBase,
    String toolsPullPolicy,
    VolumeReader volumeReader) {
  public static final String DEFAULT_TOOLS_IMAGE = "busybox:1.36";
  public static final Duration DEFAULT_DESTROY_RETRY_BASE = Duration.ofSeconds(10);

  public ProvisionSettings(String toolsImage, Duration destroyRetryBase) {
    this(toolsImage, destroyRetryBase, null);
  }

  public ProvisionSettings(String toolsImage, Duration destroyRetryBase, String toolsPullPolicy) {
    this(toolsImage, destroyRetryBase, toolsPullPolicy, new ExecVolumeReader());
  }

  public ProvisionSettings withToolsPullPolicy(String policy) {
    return new ProvisionSettings(toolsImage, destroyRetryBase, policy, volumeReader);
  }

  public ProvisionSettings withVolumeReader(VolumeReader reader) {
    return new ProvisionSettings(toolsImage, destroyRetryBase, toolsPullPolicy, reader);
  }

  /** The pull policy of the tools containers in a Provision's pods. */
  public String toolsPullPolicy(dev.gantry.api.provision.ProvisionSpec spec) {
    return spec.imagePullPolicy != null ? spec.imagePullPolicy.name() : toolsPullPolicy;
  }

  public static ProvisionSettings defaults() {
    return new ProvisionSettings(DEFAULT_TOOLS_IMAGE, DEFAULT_DESTROY_RETRY_BASE);
  }

  /** Delay after the n-th failed destroy: the base, doubling, capped at 64 times the base. */
  public Duration destroyBackoff(int failedAttempt) {
    return destroyRetryBase.multipliedBy(1L << Math.min(Math.max(failedAttempt - 1, 0), 6));
  }
}
