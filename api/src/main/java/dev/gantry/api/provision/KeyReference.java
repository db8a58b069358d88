package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One key of a Secret or ConfigMap in the Provision's namespace. */
public class KeyReference {
  public static final String DEFAULT_KEY = "terraform.tfvars";

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the Secret or ConfigMap.")
  public String name;

  @Default(DEFAULT_KEY)
  @Pattern("^[-._a-zA-Z0-9]+$")
  @JsonPropertyDescription("Key that holds the variables file.")
  public String key;

  public KeyReference() {}

  public KeyReference(String name, String key) {
    this.name = name;
    this.key = key;
  }

  @JsonIgnore
  public String keyOrDefault() {
    return key == null ? DEFAULT_KEY : key;
  }
}
