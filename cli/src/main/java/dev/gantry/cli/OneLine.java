package dev.gantry.cli;

import java.util.stream.Collectors;

/**
 * A multi-line message (a failed run's "last output:" and its lines) for one-line views: its
 * non-blank lines joined with " / ", cut at a width with an ellipsis. Cutting at the first newline
 * lost exactly the output that says why a run failed.
 */
final class OneLine {
  static final int WIDTH = 200;

  private OneLine() {}

  static String of(String text) {
    return of(text, WIDTH);
  }

  static String of(String text, int width) {
    if (text == null) {
      return "";
    }
    String joined =
        text.lines()
            .map(String::strip)
            .filter(line -> !line.isEmpty())
            .collect(Collectors.joining(" / "))
            .replace(": / ", ": ");
    return joined.length() <= width ? joined : joined.substring(0, width - 1) + "…";
  }
}
