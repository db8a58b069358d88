package dev.gantry.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The webhook's own account of the reviews it served between two marks, read from the operator's
 * metrics (gantry.webhook.*): how many, their mean time in Gantry, the histogram bucket that holds
 * their p50 and p99, and the TLS handshakes the API server made. What a pod create gains beyond
 * that is the API server's side of the call: encoding the review, its client, the network, and
 * decoding and applying the patch.
 */
final class WebhookServerTimes {
  /** Cumulative counts at one moment. */
  record Mark(long count, double totalMillis, double handshakes, TreeMap<Double, Double> buckets) {}

  /** What was served between two marks. */
  record Served(
      long reviews, double meanMillis, double p50AtMost, double p99AtMost, double handshakes) {
    String line(String what) {
      return String.format(
          Locale.ROOT,
          "Gantry's own time for %d %s reviews: mean %.2f ms, p50 <= %.2f ms, p99 <= %.2f ms"
              + " (histogram bucket); TLS handshakes %.0f",
          reviews,
          what,
          meanMillis,
          p50AtMost,
          p99AtMost,
          handshakes);
    }
  }

  private WebhookServerTimes() {}

  /** The reviews of one outcome (patched, unchanged, refused) so far. */
  static Mark mark(MeterRegistry registry, String outcome) {
    long count = 0;
    double total = 0;
    TreeMap<Double, Double> buckets = new TreeMap<>();
    for (Timer timer : registry.find("gantry.webhook.admission").tag("outcome", outcome).timers()) {
      count += timer.count();
      total += timer.totalTime(TimeUnit.MILLISECONDS);
      for (CountAtBucket bucket : timer.takeSnapshot().histogramCounts()) {
        buckets.merge(bucket.bucket(TimeUnit.MILLISECONDS), bucket.count(), Double::sum);
      }
    }
    var handshakes =
        registry.find("gantry.webhook.tls.handshakes").tag("result", "succeeded").counter();
    return new Mark(count, total, handshakes == null ? 0 : handshakes.count(), buckets);
  }

  static Served between(Mark before, Mark after) {
    long reviews = after.count() - before.count();
    TreeMap<Double, Double> delta = new TreeMap<>();
    for (Map.Entry<Double, Double> bucket : after.buckets().entrySet()) {
      delta.put(
          bucket.getKey(), bucket.getValue() - before.buckets().getOrDefault(bucket.getKey(), 0.0));
    }
    return new Served(
        reviews,
        reviews == 0 ? 0 : (after.totalMillis() - before.totalMillis()) / reviews,
        atMost(delta, reviews, 0.50),
        atMost(delta, reviews, 0.99),
        after.handshakes() - before.handshakes());
  }

  /** The upper bound of the first bucket holding the {@code quantile} (counts are cumulative). */
  private static double atMost(TreeMap<Double, Double> cumulative, long reviews, double quantile) {
    for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
      if (bucket.getValue() >= quantile * reviews) {
        return bucket.getKey();
      }
    }
    return Double.POSITIVE_INFINITY;
  }
}
