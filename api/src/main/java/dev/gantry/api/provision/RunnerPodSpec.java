package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.Map;

/**
 * What users set on the pods of the apply and destroy runs beyond the tool's image and command:
 * where they schedule, who they run as, extra volumes for the tool, and labels and annotations (for
 * policy engines, service meshes, cost reports). Gantry's own volumes, mount paths and labels
 * cannot be replaced.
 */
@ValidationRule(
    value =
        "!has(self.volumes) || self.volumes.all(v, !(v.name in ['deliverables', 'variables',"
            + " 'gantry-tools']))",
    message =
        "spec.runner.volumes: deliverables, variables and gantry-tools are Gantry's own volume"
            + " names; name yours otherwise")
@ValidationRule(
    value =
        "!has(self.volumeMounts) || self.volumeMounts.all(m, !(m.name in ['deliverables',"
            + " 'variables', 'gantry-tools']) && m.mountPath != '/gantry')",
    message =
        "spec.runner.volumeMounts: mount your own volumes (spec.runner.volumes), not Gantry's, and"
            + " not at /gantry (Gantry's tools)")
public class RunnerPodSpec {
  /** Bounds that keep the rules over these lists within the API server's cost budget. */
  public static final int MAX_ITEMS = 32;

  @JsonPropertyDescription("Node labels the run pods must match (the pod's nodeSelector).")
  public Map<String, String> nodeSelector;

  @Size(max = MAX_ITEMS)
  @JsonPropertyDescription("Taints the run pods tolerate.")
  public List<Toleration> tolerations;

  @JsonPropertyDescription(
      "The run pods' security context (runAsUser, fsGroup, seccompProfile, ...); fsGroup also"
          + " makes the deliverables volume writable for a non-root tool.")
  public PodSecurityContext securityContext;

  @JsonPropertyDescription("The tool container's security context (apply and destroy).")
  public SecurityContext containerSecurityContext;

  @Size(max = MAX_ITEMS)
  @JsonPropertyDescription(
      "Extra volumes for the run pods: cloud credentials from a Secret, a CA bundle, a cache.")
  public List<Volume> volumes;

  @Size(max = MAX_ITEMS)
  @JsonPropertyDescription("Where the tool container mounts volumes of spec.runner.volumes.")
  public List<VolumeMount> volumeMounts;

  @Size(max = MAX_ITEMS)
  @JsonPropertyDescription("Labels added to the run pods (Gantry's own stay).")
  public Map<String, String> podLabels;

  @JsonPropertyDescription("Annotations added to the run pods (Gantry's own stay).")
  public Map<String, String> podAnnotations;
}
