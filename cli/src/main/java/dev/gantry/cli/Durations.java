package dev.gantry.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses kubectl-style durations: 90s, 5m, 1h30m, or a bare number of seconds. */
final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(h|m|s)");

  private Durations() {}

  static Duration parse(String text) {
    if (text.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    Matcher m = PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
              });
      end = m.end();
    }
    if (end != text.length() || end == 0) {
      throw new UserError("invalid duration \"" + text + "\": use for example 90s, 5m or 1h30m");
    }
    return total;
  }
}
