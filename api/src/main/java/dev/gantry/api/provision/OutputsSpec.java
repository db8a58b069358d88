package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * What of a successful apply becomes the Secret {@code <name>-outputs}, for other workloads and
 * Stacks to consume: JSON files flattened to keys, and deliverables published whole.
 */
public class OutputsSpec {
  public static final String DEFAULT_JSON = "outputs.json";

  /** Bound on each list, so the rules over them stay within the API server's cost budget. */
  public static final int MAX_ITEMS = 64;

  @Size(max = MAX_ITEMS)
  @JsonPropertyDescription(
      "JSON files on the deliverables volume (paths relative to its mount path) whose top-level"
          + " keys become Secret keys. Terraform's `terraform output -json` shape ({\"name\":"
          + " {\"value\": ...}}) publishes each output's value; strings as they are, other values as"
          + " JSON. Default: [outputs.json], published when the tool wrote it. An empty list"
          + " publishes none.")
  public List<@io.fabric8.generator.annotation.Pattern(OutputFile.PATH) String> json;

  @Size(max = MAX_ITEMS)
  @JsonPropertyDescription(
      "Deliverables published whole, one Secret key each (for example the kubeconfig). The apply"
          + " must leave each of them, or the outputs are not published.")
  public List<OutputFile> files;

  /** The JSON files to read: the default when unset. */
  @JsonIgnore
  public List<String> jsonOrDefault() {
    return json == null ? List.of(DEFAULT_JSON) : json;
  }

  /** Whether a JSON file may be absent: only the default one, which the tool may not write. */
  @JsonIgnore
  public boolean jsonOptional() {
    return json == null;
  }

  @JsonIgnore
  public List<OutputFile> filesOrEmpty() {
    return files == null ? List.of() : files;
  }
}
