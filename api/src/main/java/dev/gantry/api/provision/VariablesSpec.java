package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** Where the variables file comes from and where it is mounted. */
@ValidationRule(
    value =
        "(has(self.inline) ? 1 : 0) + (has(self.secretRef) ? 1 : 0) + (has(self.configMapRef) ? 1 :"
            + " 0) <= 1",
    message = "variables: set only one of inline, secretRef and configMapRef")
public class VariablesSpec {
  public static final String DEFAULT_PATH = "/tfvars/terraform.tfvars";

  @JsonPropertyDescription(
      "The variables file's text. Gantry stores it in a Secret it owns, never in a ConfigMap.")
  public String inline;

  @JsonPropertyDescription("A key of a Secret in this namespace that holds the variables file.")
  public KeyReference secretRef;

  @JsonPropertyDescription(
      "A key of a ConfigMap in this namespace that holds the variables file. Prefer secretRef when"
          + " the file carries credentials.")
  public KeyReference configMapRef;

  @Default(DEFAULT_PATH)
  @Pattern("^/[^/]+(/[^/]+)*/[^/]+$")
  @JsonPropertyDescription(
      "Absolute path of the variables file inside the containers; its directory is the mount"
          + " point and must not be / itself.")
  public String path;

  @JsonIgnore
  public String pathOrDefault() {
    return path == null ? DEFAULT_PATH : path;
  }

  @JsonIgnore
  public boolean isEmpty() {
    return inline == null && secretRef == null && configMapRef == null;
  }
}
