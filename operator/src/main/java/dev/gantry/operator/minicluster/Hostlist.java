package dev.gantry.operator.minicluster;

/** RFC 29 host lists: {@code name-[0-3]} for ranks 0 to 3, {@code name-0} for one. */
public final class Hostlist {
  private Hostlist() {}

  public static String of(String name, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("a host list needs at least one host");
    }
    return count == 1 ? name + "-0" : name + "-[0-" + (count - 1) + "]";
  }
}
