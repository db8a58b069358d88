package dev.gantry.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RoutingTest {
  @Test
  void drawsFallIntoEachVersionsShare() {
    var split =
        new TrafficSplit<>(
            List.of(new TrafficSplit.Share<>("a", 50.0), new TrafficSplit.Share<>("b", 50.0)));
    assertThat(split.pick(0)).isEqualTo("a");
    assertThat(split.pick(49.999)).isEqualTo("a");
    assertThat(split.pick(50)).isEqualTo("b");
    assertThat(split.pick(99.999)).isEqualTo("b");
  }

  @Test
  void manyDrawsFollowTheGivenPercentages() {
    var split =
        new TrafficSplit<>(
            List.of(new TrafficSplit.Share<>("a", 10.0), new TrafficSplit.Share<>("b", 90.0)));
    Random random = new Random(42);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      counts.merge(split.pick(random.nextDouble() * 100), 1, Integer::sum);
    }
    assertThat(counts.get("a")).isBetween(9_500, 10_500);
    assertThat(counts.get("b")).isBetween(89_500, 90_500);
  }

  @Test
  void hostNamesAreScriptDotSubdomainDotDomain() {
    String domain = "workers.localhost";
    assertThat(WorkerHosts.of("hello", "acme", domain)).isEqualTo("hello.acme.workers.localhost");
    assertThat(WorkerHosts.normalize("Hello.ACME.workers.localhost:8787", domain))
        .contains("hello.acme.workers.localhost");
    assertThat(WorkerHosts.normalize("hello.acme.workers.localhost.", domain))
        .contains("hello.acme.workers.localhost");
    assertThat(WorkerHosts.normalize("acme.workers.localhost", domain)).isEmpty();
    assertThat(WorkerHosts.normalize("a.b.acme.workers.localhost", domain)).isEmpty();
    assertThat(WorkerHosts.normalize("hello.acme.example.com", domain)).isEmpty();
    assertThat(WorkerHosts.normalize(null, domain)).isEqualTo(Optional.empty());
  }

  @Test
  void workerdsVersionIsTheNewestCompatibilityDate() {
    assertThat(WorkerdVersion.parse("workerd 2026-11-17\n")).contains(LocalDate.of(2026, 11, 17));
    assertThat(WorkerdVersion.parse("something else")).isEmpty();
  }
}
