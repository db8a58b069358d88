package dev.gantry.cli;

import java.time.Duration;

/** Parses kubectl-style durations: 90s, 5m, 1h30m, or a bare number of seconds. */
final class Durations {
  private Durations() {}

  static Duration parse(String text) {
    if (text.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    return dev.gantry.api.Durations.parse(text)
        .orElseThrow(
            () ->
                new UserError(
                    "invalid duration \"" + text + "\": use for example 90s, 5m or 1h30m"));
  }
}
