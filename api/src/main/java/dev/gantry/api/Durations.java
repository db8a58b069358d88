package dev.gantry.api;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration format of Gantry's fields and flags, as kubectl writes them: 90s, 10m, 1h30m. The
 * schema patterns of duration fields accept exactly these.
 */
public final class Durations {
  /** For a schema: one or more of a number and a unit. */
  public static final String PATTERN = "^([0-9]+(s|m|h))+$";

  private static final Pattern PART = Pattern.compile("(\\d+)(h|m|s)");

  private Durations() {}

  /**
   * @return the duration, or empty when the text is not one (or is zero)
   */
  public static Optional<Duration> parse(String text) {
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
      return Optional.empty();
    }
    return Optional.of(total);
  }
}
