package dev.gantry.api.minicluster;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** How ranks find each other. */
public class NetworkSpec {
  @Pattern("^[a-z]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Name of the headless Service and the pods' subdomain. Default: the MiniCluster's name.")
  public String headlessName;

  @JsonPropertyDescription(
      "Turn off the default zone affinity and host anti-affinity between ranks.")
  public Boolean disableAffinity;
}
