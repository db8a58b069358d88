package dev.gantry.cli;

import java.time.Duration;
import java.time.Instant;

/** kubectl's short ages: 45s, 12m, 3h, 5d. */
final class Ages {
  private Ages() {}

  static String since(String timestamp, Instant now) {
    if (timestamp == null) {
      return "<unknown>";
    }
    Duration d = Duration.between(Instant.parse(timestamp), now);
    if (d.isNegative()) {
      d = Duration.ZERO;
    }
    if (d.toSeconds() < 120) {
      return d.toSeconds() + "s";
    }
    if (d.toMinutes() < 120) {
      return d.toMinutes() + "m";
    }
    if (d.toHours() < 48) {
      return d.toHours() + "h";
    }
    return d.toDays() + "d";
  }
}
