package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One file on the deliverables volume. */
public class DeliverableFile {
  @JsonPropertyDescription("Path relative to the deliverables mount path.")
  public String name;

  @JsonPropertyDescription("Size in bytes.")
  public Long size;

  @JsonPropertyDescription("SHA-256 of the content, lower-case hex.")
  public String sha256;

  public DeliverableFile() {}

  public DeliverableFile(String name, long size, String sha256) {
    this.name = name;
    this.size = size;
    this.sha256 = sha256;
  }
}
