package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Periodic plan runs (never applies) that tell when the real infrastructure has drifted. */
public class DriftDetectionSpec {
  /** A Go-style duration of hours, minutes and seconds: 1h, 30m, 1h30m, 90s. */
  public static final String INTERVAL = "^([0-9]+h)?([0-9]+m)?([0-9]+s)?$";

  @Required
  @Size(min = 2, max = 32)
  @Pattern(INTERVAL)
  @ValidationRule(
      value = "duration(self) >= duration('60s')",
      message =
          "spec.driftDetection.interval must be at least 1m: each check runs a plan against the"
              + " real infrastructure")
  @JsonPropertyDescription(
      "How long after the last apply or check the next drift check runs, at least 1m: 1h, 30m,"
          + " 1h30m.")
  public String interval;

  @Default("false")
  @JsonPropertyDescription(
      "When a check finds drift, apply again: at once under approval auto; under approval"
          + " manual a new plan is made and awaits approval.")
  public Boolean remediate;

  @JsonIgnore
  public boolean remediates() {
    return remediate != null && remediate;
  }
}
