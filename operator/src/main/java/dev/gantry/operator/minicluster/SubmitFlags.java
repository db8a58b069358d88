package dev.gantry.operator.minicluster;

/**
 * The flags the leader passes to flux submit (or flux batch), as the Flux Operator computes them.
 */
public final class SubmitFlags {
  private SubmitFlags() {}

  /**
   * tasks 0 gives one task per node ({@code -N size}); otherwise {@code -n tasks}, with {@code -N
   * size} in front when there are at least as many tasks as nodes.
   */
  public static String of(int tasks, int size, String optionFlags, boolean debug) {
    StringBuilder flags = new StringBuilder();
    if (tasks == 0) {
      flags.append("-N ").append(size);
    } else {
      if (tasks >= size) {
        flags.append("-N ").append(size).append(' ');
      }
      flags.append("-n").append(tasks);
    }
    if (optionFlags != null && !optionFlags.isBlank()) {
      flags.append(' ').append(optionFlags.trim());
    }
    if (debug) {
      flags.append(" -vvv");
    }
    return flags.toString();
  }
}
