package dev.gantry.operator.provision;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** spec.driftDetection.interval: hours, minutes and seconds, as Go writes durations (1h30m). */
final class DriftInterval {
  static final Duration MINIMUM = Duration.ofMinutes(1);
  private static final Pattern FORM = Pattern.compile("^(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?$");

  private DriftInterval() {}

  static Optional<Duration> parse(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      Duration d = Duration.ofHours(group(m, 1)).plusMinutes(group(m, 2)).plusSeconds(group(m, 3));
      return Optional.of(d);
    } catch (ArithmeticException e) {
      return Optional.empty();
    }
  }

  static String problem(String text) {
    Optional<Duration> parsed = parse(text);
    if (parsed.isEmpty()) {
      return "spec.driftDetection.interval \""
          + text
          + "\" is not a duration: write hours, minutes and seconds such as 1h, 30m or 1h30m";
    }
    return "spec.driftDetection.interval "
        + text
        + " is under a minute; each check runs a plan against the real infrastructure: use 1m or"
        + " more";
  }

  private static long group(Matcher m, int i) {
    return m.group(i) == null ? 0 : Long.parseLong(m.group(i));
  }
}
