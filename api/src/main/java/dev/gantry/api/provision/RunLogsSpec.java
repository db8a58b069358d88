package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The runs' output kept on the deliverables volume, so it outlives the pods. */
public class RunLogsSpec {
  public static final int DEFAULT_KEEP = 10;

  @Default("10")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription(
      "How many run logs (runs/<generation>-<run>.log) stay on the volume; each run removes the"
          + " oldest beyond this.")
  public Integer keep;

  @JsonIgnore
  public int keepOrDefault() {
    return keep == null ? DEFAULT_KEEP : keep;
  }
}
