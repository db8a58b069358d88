package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** The volume that carries deliverables (kubeconfig, keys) and the tool's state across runs. */
public class DeliverablesSpec {
  public static final String DEFAULT_MOUNT_PATH = "/deliverables";
  public static final String DEFAULT_SIZE = "1Gi";
  public static final int DEFAULT_HOLD_SECONDS = 60;

  @Default(DEFAULT_MOUNT_PATH)
  @Pattern("^/[^/]+(/[^/]+)*$")
  @JsonPropertyDescription("Where the volume is mounted in the containers.")
  public String mountPath;

  @Default(DEFAULT_SIZE)
  @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
  @JsonPropertyDescription("Requested size of the volume, as a Kubernetes quantity (1Gi, 500Mi).")
  public String size;

  @JsonPropertyDescription("Storage class of the volume; the cluster's default when unset.")
  public String storageClassName;

  @Default("ReadWriteOnce")
  @JsonPropertyDescription("Access mode of the volume.")
  public AccessMode accessMode;

  @Default("false")
  @JsonPropertyDescription(
      "Keep the volume (and so the state and deliverables) when the Provision is deleted.")
  public Boolean retainOnDelete;

  @Default("60")
  @Min(0)
  @Max(3600)
  @JsonPropertyDescription(
      "Seconds the deliverables sidecar stays up after the apply ends, for clients that copy the"
          + " deliverables with kubectl cp; writing <mountPath>/done ends it sooner.")
  public Integer holdSeconds;

  @JsonIgnore
  public String mountPathOrDefault() {
    return mountPath == null ? DEFAULT_MOUNT_PATH : mountPath;
  }

  @JsonIgnore
  public String sizeOrDefault() {
    return size == null ? DEFAULT_SIZE : size;
  }

  @JsonIgnore
  public AccessMode accessModeOrDefault() {
    return accessMode == null ? AccessMode.ReadWriteOnce : accessMode;
  }

  @JsonIgnore
  public boolean retained() {
    return retainOnDelete != null && retainOnDelete;
  }

  @JsonIgnore
  public int holdSecondsOrDefault() {
    return holdSeconds == null ? DEFAULT_HOLD_SECONDS : holdSeconds;
  }

  public enum AccessMode {
    ReadWriteOnce,
    ReadWriteOncePod,
    ReadWriteMany
  }
}
