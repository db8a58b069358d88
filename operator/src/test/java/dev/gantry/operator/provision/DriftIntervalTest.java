package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DriftIntervalTest {
  @Test
  void hoursMinutesAndSecondsAreReadAsGoWritesThem() {
    assertThat(DriftInterval.parse("1h")).contains(Duration.ofHours(1));
    assertThat(DriftInterval.parse("1h30m")).contains(Duration.ofMinutes(90));
    assertThat(DriftInterval.parse("90s")).contains(Duration.ofSeconds(90));
  }

  @Test
  void otherFormsAreNotDurationsAndTheProblemNamesTheField() {
    assertThat(DriftInterval.parse("1 hour")).isEmpty();
    assertThat(DriftInterval.parse("")).isEmpty();
    assertThat(DriftInterval.parse("30m1h")).isEmpty();
    assertThat(DriftInterval.problem("1 hour"))
        .contains("spec.driftDetection.interval \"1 hour\" is not a duration", "1h30m");
    assertThat(DriftInterval.problem("59s")).contains("under a minute", "1m or more");
  }
}
