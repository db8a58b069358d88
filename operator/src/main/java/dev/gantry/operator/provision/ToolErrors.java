package dev.gantry.operator.provision;

import java.util.ArrayList;
import java.util.List;

/**
 * The tool's own error blocks in a run's last output: Terraform's (and OpenTofu's) {@code Error:}
 * paragraphs, plain or in the box it draws on a terminal ({@code ╷ │ Error: … ╵}), so that a failed
 * run's condition says what the tool said rather than only its exit code. Bounded, since the
 * condition lives in the Provision's status.
 */
final class ToolErrors {
  /** At most this many characters of error text in a condition. */
  static final int MAX = 1500;

  private ToolErrors() {}

  /** The error blocks, each from its {@code Error:} line to the blank line or box end after it. */
  static List<String> in(String output) {
    List<String> blocks = new ArrayList<>();
    if (output == null) {
      return blocks;
    }
    StringBuilder block = null;
    for (String raw : output.split("\r?\n", -1)) {
      String line = unboxed(raw);
      if (line.startsWith("Error:")) {
        if (block != null) {
          blocks.add(block.toString().strip());
        }
        block = new StringBuilder(line);
      } else if (block != null) {
        boolean boxEnd = raw.strip().startsWith("╵");
        if (boxEnd || (line.isBlank() && !raw.strip().startsWith("│"))) {
          blocks.add(block.toString().strip());
          block = null;
        } else {
          block.append('\n').append(line);
        }
      }
    }
    if (block != null) {
      blocks.add(block.toString().strip());
    }
    return blocks;
  }

  /** The blocks joined and cut to {@link #MAX}, or empty when the output has none. */
  static String summary(String output) {
    String all = String.join("\n\n", in(output));
    return all.length() <= MAX ? all : all.substring(0, MAX - 1) + "…";
  }

  /** A line without Terraform's box drawing ("│ Error: x" → "Error: x"). */
  private static String unboxed(String line) {
    String s = line.strip();
    if (s.startsWith("│")) {
      return s.substring(1).strip();
    }
    return s;
  }
}
