package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A deliverable published whole as one key of the outputs Secret. */
public class OutputFile {
  /**
   * Relative, made of plain segments (no "..", no spaces): the run pods read exactly this file
   * under the mount path.
   */
  public static final String PATH =
      "^([A-Za-z0-9_-][A-Za-z0-9._-]*)(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$";

  /** What a Secret accepts as a key. */
  public static final String KEY = "^[-._a-zA-Z0-9]+$";

  @Required
  @Pattern(PATH)
  @JsonPropertyDescription(
      "The file, relative to the deliverables mount path, for example kubeconfig or keys/id_rsa.")
  public String path;

  @Pattern(KEY)
  @JsonPropertyDescription("The Secret key; default: the file's name (the path's last segment).")
  public String key;

  public OutputFile() {}

  public OutputFile(String path, String key) {
    this.path = path;
    this.key = key;
  }

  @JsonIgnore
  public String keyOrDefault() {
    return key != null ? key : path.substring(path.lastIndexOf('/') + 1);
  }
}
