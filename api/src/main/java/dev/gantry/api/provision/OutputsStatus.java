package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** The outputs Secret as the last successful apply left it: names and checksums, never values. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OutputsStatus {
  @JsonPropertyDescription("The Secret holding the outputs.")
  public String secretName;

  @JsonPropertyDescription("The generation whose apply produced them.")
  public Long generation;

  @JsonPropertyDescription("The run (<generation>-<number>) whose outputs these are.")
  public String run;

  @JsonPropertyDescription(
      "The Secret's keys, each with its value's size and, unless sensitive, its SHA-256.")
  public List<OutputItem> items = new ArrayList<>();

  /** One key of the outputs Secret. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class OutputItem {
    @JsonPropertyDescription("The Secret key.")
    public String name;

    @JsonPropertyDescription("Where it came from: the JSON file or the deliverable.")
    public String source;

    @JsonPropertyDescription("Size of the value in bytes.")
    public Long size;

    @JsonPropertyDescription(
        "SHA-256 of the value, lower-case hex, to tell when it changes. Absent for an output the"
            + " tool marks sensitive: a digest of a password lets anyone who reads status confirm"
            + " a guess of it.")
    public String sha256;

    @JsonPropertyDescription("True when the tool marks the output sensitive.")
    public Boolean sensitive;

    public OutputItem() {}

    public OutputItem(String name, String source, long size, String sha256) {
      this.name = name;
      this.source = source;
      this.size = size;
      this.sha256 = sha256;
    }
  }
}
