package dev.gantry.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A comparison measured as several pairs, the reference and Gantry one right after the other so a
 * busy moment of the machine falls on both, reported as the median ratio with its spread. A target
 * counts as met only when every pair meets it: one met by the median alone is at the margin, and
 * the report says so and counts it as not met.
 */
final class PairedRuns {
  /** How many pairs a benchmark counts: {@code -Dbench.runs}, default 5. */
  static int count() {
    return Math.max(1, Integer.getInteger("bench.runs", 5));
  }

  /**
   * Pair indexes to run: index 0 is a warm-up pair (the JIT compiling both sides), printed and not
   * counted; then {@link #count()} counted ones.
   */
  static int total() {
    return count() + 1;
  }

  private final String what;
  private final double target;
  private final boolean atLeast;
  private final List<Double> ratios = new ArrayList<>();

  /**
   * @param what the ratio's name, e.g. "direct / operator"
   * @param target the least ratio that meets the target
   */
  PairedRuns(String what, double target) {
    this("ratio (" + what + ")", target, true);
  }

  /**
   * @param what what each pair yields, e.g. "added p99 (ms)"
   * @param target the value that meets the target
   * @param atLeast whether values at or above {@code target} meet it (else at or below)
   */
  PairedRuns(String what, double target, boolean atLeast) {
    this.what = what;
    this.target = target;
    this.atLeast = atLeast;
  }

  /** Adds what one pair yielded (a difference, say), already computed. */
  void addValue(double value) {
    ratios.add(value);
  }

  private boolean meets(double value) {
    return atLeast ? value >= target : value <= target;
  }

  /**
   * Adds pair {@code index} (0: the warm-up, not counted) and prints it; returns its ratio {@code
   * reference / subject} (times).
   */
  double add(int index, double referenceSeconds, double subjectSeconds) {
    double ratio = referenceSeconds / subjectSeconds;
    if (index > 0) {
      ratios.add(ratio);
    }
    System.out.printf(
        Locale.ROOT,
        "  %s: reference %.2f s, Gantry %.2f s, ratio %.2f%n",
        index == 0 ? "warm-up pair (not counted)" : "pair " + index,
        referenceSeconds,
        subjectSeconds,
        ratio);
    return ratio;
  }

  double median() {
    List<Double> sorted = ratios.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  double min() {
    return ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  double max() {
    return ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  String verdict() {
    if (ratios.stream().allMatch(this::meets)) {
      return "met";
    }
    return meets(median()) ? "NOT MET (at the margin: some pairs fall short)" : "NOT MET";
  }

  /** The median and spread alone, for a figure written down without a target. */
  String summary() {
    return String.format(
        Locale.ROOT,
        "%s: median %.2f, spread %.2f-%.2f over %d paired runs (no target)",
        what,
        median(),
        min(),
        max(),
        ratios.size());
  }

  String report() {
    return String.format(
        Locale.ROOT,
        "%s: median %.2f, spread %.2f-%.2f over %d paired runs (target %s %.2f): %s",
        what,
        median(),
        min(),
        max(),
        ratios.size(),
        atLeast ? ">=" : "<=",
        target,
        verdict());
  }
}
