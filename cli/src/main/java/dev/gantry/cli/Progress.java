package dev.gantry.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;

/**
 * Shows a long wait: on a terminal one line redrawn with the elapsed time; otherwise a line each
 * time the state changes, so CI logs stay readable.
 */
final class Progress {
  private final PrintWriter err;
  private final boolean terminal;
  private final Instant start = Instant.now();
  private String last = "";

  Progress(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  void show(String state) {
    long seconds = Duration.between(start, Instant.now()).toSeconds();
    if (terminal) {
      String line = String.format("[%3ds] %s", seconds, state);
      int width = 120;
      err.print(
          "\r"
              + (line.length() > width
                  ? line.substring(0, width)
                  : String.format("%-" + width + "s", line)));
      err.flush();
    } else if (!state.equals(last)) {
      err.printf("[%ds] %s%n", seconds, state);
      err.flush();
    }
    last = state;
  }

  void done() {
    if (terminal) {
      err.println();
      err.flush();
    }
  }
}
