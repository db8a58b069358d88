package dev.gantry.operator.provision;

import java.time.Duration;

/**
 * Operator-wide settings of the Provision controller.
 *
 * @param toolsImage image with a static busybox at /bin/busybox, used by the init container and the
 *     deliverables sidecar (the official busybox images are static)
 * @param destroyRetryBase delay before retrying a failed destroy; it doubles with each failure, up
 *     to 64 times this
 */
public record ProvisionSettings(String toolsImage, Duration destroyRetryBase) {
  public static final String DEFAULT_TOOLS_IMAGE = "busybox:1.36";
  public static final Duration DEFAULT_DESTROY_RETRY_BASE = Duration.ofSeconds(10);

  public static ProvisionSettings defaults() {
    return new ProvisionSettings(DEFAULT_TOOLS_IMAGE, DEFAULT_DESTROY_RETRY_BASE);
  }

  /** Delay after the n-th failed destroy: the base, doubling, capped at 64 times the base. */
  public Duration destroyBackoff(int failedAttempt) {
    return destroyRetryBase.multipliedBy(1L << Math.min(Math.max(failedAttempt - 1, 0), 6));
  }
}
