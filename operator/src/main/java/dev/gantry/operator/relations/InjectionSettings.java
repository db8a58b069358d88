package dev.gantry.operator.relations;

/**
 * @param gateImage image of the init container that holds a consumer back while relations are
 *     missing (it only needs sh and sleep)
 * @param gatePullPolicy its pull policy; null follows the workload's first container, so a workload
 *     told never to pull does not pull the gate either
 */
public record InjectionSettings(String gateImage, String gatePullPolicy) {
  public InjectionSettings(String gateImage) {
    this(gateImage, null);
  }

  public static InjectionSettings defaults() {
    return new InjectionSettings("busybox:1.36");
  }
}
