package dev.gantry.api.minicluster;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** An existing volume mounted into a container. */
public class ContainerVolume {
  @JsonPropertyDescription("Mount path in the container.")
  public String path;

  @JsonPropertyDescription("A host path (type Directory).")
  public String hostPath;

  @JsonPropertyDescription("A ConfigMap.")
  public String configMapName;

  @JsonPropertyDescription("ConfigMap items: key to path.")
  public Map<String, String> items;

  @JsonPropertyDescription("A PersistentVolumeClaim.")
  public String claimName;

  @JsonPropertyDescription("A Secret.")
  public String secretName;

  @JsonPropertyDescription("Mount read-only.")
  public Boolean readOnly;

  @JsonPropertyDescription("An emptyDir, mounted at /dev/shm as in the Flux Operator.")
  public Boolean emptyDir;

  @JsonPropertyDescription("emptyDir medium: memory selects Memory.")
  public String emptyDirMedium;

  @JsonPropertyDescription("emptyDir size limit.")
  public String emptyDirSizeLimit;

  @JsonPropertyDescription("A CSI volume of this driver.")
  public String csiDriver;

  @JsonPropertyDescription("Attributes passed to the CSI driver.")
  public Map<String, String> csiDriverAttributes;
}
