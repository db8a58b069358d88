package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** The deliverables volume and the files the last successful apply left on it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeliverablesStatus {
  @JsonPropertyDescription("The PersistentVolumeClaim holding the deliverables.")
  public String claimName;

  @JsonPropertyDescription("Where the volume is mounted in the run containers.")
  public String mountPath;

  @JsonPropertyDescription("The generation whose apply produced this list.")
  public Long generation;

  @JsonPropertyDescription("Files, relative to the mount path.")
  public List<DeliverableFile> files = new ArrayList<>();

  @JsonPropertyDescription(
      "True when there were more files than fit in the pod's termination message; download them"
          + " with gantry deliverables get.")
  public Boolean truncated;
}
