package dev.gantry.operator.relations;

/**
 * @param gateImage image of the init container that holds a consumer back while relations are
 *     missing (it only needs sh and sleep)
 */
public record InjectionSettings(String gateImage) {
  public static InjectionSettings defaults() {
    return new InjectionSettings("busybox:1.36");
  }
}
