package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** The last destroy preview: what a destroy would remove, and what it would keep. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DestroyPreviewStatus {
  @JsonPropertyDescription("The request it answers (the gantry.dev/destroy-preview annotation).")
  public String token;

  @JsonPropertyDescription("The preview run (<generation>-<number>); its log has the whole plan.")
  public String run;

  @JsonPropertyDescription("Running, Succeeded or Failed.")
  public String phase;

  @JsonPropertyDescription("Resource addresses the destroy would remove.")
  public List<String> destroy = new ArrayList<>();

  @JsonPropertyDescription("Resource addresses spec.destroy.retain keeps.")
  public List<String> kept = new ArrayList<>();

  @JsonPropertyDescription("Terraform's summary line of the destroy plan.")
  public String summary;

  @JsonPropertyDescription("True when the lists were cut to fit; the run's log has them whole.")
  public Boolean truncated;

  @JsonPropertyDescription("Why the preview failed.")
  public String message;
}
