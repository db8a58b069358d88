package dev.gantry.api.minicluster;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;

/** The flux view: an image with Flux that an init container copies into a shared volume. */
public class FluxContainer {
  public static final String DEFAULT_IMAGE =
      "ghcr.io/converged-computing/flux-view-ubuntu:tag-noble";
  public static final String DEFAULT_NAME = "flux-view";
  public static final String DEFAULT_MOUNT_PATH = "/mnt/flux";

  @Default(DEFAULT_IMAGE)
  @JsonPropertyDescription("The flux view image.")
  public String image;

  @Default(DEFAULT_NAME)
  @JsonPropertyDescription("Name of the init container and of the shared volume.")
  public String name;

  @Default(DEFAULT_MOUNT_PATH)
  @JsonPropertyDescription("Where the flux view and configuration are mounted.")
  public String mountPath;

  @JsonPropertyDescription(
      "Take Flux from the application image instead; the init container still writes the configuration.")
  public Boolean disable;

  @JsonPropertyDescription("Working directory of the init container.")
  public String workingDir;

  @JsonPropertyDescription("PYTHONPATH for Flux's Python bindings; found in the view when unset.")
  public String pythonPath;

  @JsonPropertyDescription("Resources of the init container.")
  public ResourceRequirements resources;

  @JsonPropertyDescription("Always pull the flux view image.")
  public Boolean pullAlways;

  @io.fabric8.generator.annotation.Pattern("^(Always|IfNotPresent|Never)$")
  @JsonPropertyDescription(
      "Pull policy of the flux view image (a Gantry field): Always, IfNotPresent or Never."
          + " Default: Always with pullAlways, else the Flux runner container's imagePullPolicy,"
          + " else IfNotPresent.")
  public String imagePullPolicy;

  @JsonPropertyDescription("A Secret to pull the flux view image with.")
  public String imagePullSecret;

  @JsonPropertyDescription("Security context of the init container.")
  public SecurityContext securityContext;

  @JsonIgnore
  public String imageOrDefault() {
    return image == null ? DEFAULT_IMAGE : image;
  }

  @JsonIgnore
  public String nameOrDefault() {
    return name == null ? DEFAULT_NAME : name;
  }

  @JsonIgnore
  public String mountPathOrDefault() {
    return mountPath == null ? DEFAULT_MOUNT_PATH : mountPath;
  }

  @JsonIgnore
  public boolean disabledOn() {
    return Boolean.TRUE.equals(disable);
  }
}
