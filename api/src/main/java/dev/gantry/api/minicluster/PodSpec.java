package dev.gantry.api.minicluster;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** Pod-level settings applied to every rank. */
public class PodSpec {
  @JsonPropertyDescription("Labels on every rank's pod.")
  public Map<String, String> labels;

  @JsonPropertyDescription("Annotations on every rank's pod.")
  public Map<String, String> annotations;

  @JsonPropertyDescription("Node labels a rank's node must have.")
  public Map<String, String> nodeSelector;

  @JsonPropertyDescription("Required node affinity: label to allowed values (operator In).")
  public Map<String, List<String>> nodeAffinity;

  @JsonPropertyDescription("Service account of the pods.")
  public String serviceAccountName;

  @JsonPropertyDescription(
      "Mount the service account token; default false, as in the Flux Operator.")
  public Boolean automountServiceAccountToken;

  @Default("OnFailure")
  @JsonPropertyDescription("Pod restart policy: OnFailure (default) or Never.")
  public RestartPolicy restartPolicy;

  @JsonPropertyDescription("Tolerations of the pods.")
  public List<Toleration> tolerations;

  @JsonPropertyDescription("Runtime class of the pods.")
  public String runtimeClassName;

  @JsonPropertyDescription("Scheduler of the pods.")
  public String schedulerName;

  @JsonPropertyDescription("DNS policy of the pods.")
  public String dnsPolicy;

  @JsonPropertyDescription("Use the host's IPC namespace.")
  public Boolean hostIPC;

  @JsonPropertyDescription("Use the host's PID namespace.")
  public Boolean hostPID;

  @JsonPropertyDescription("Pod overhead resources.")
  public Map<String, Quantity> resources;

  @JsonPropertyDescription("Pod security context of every rank.")
  public PodSecurityContext securityContext;

  public enum RestartPolicy {
    OnFailure,
    Never
  }
}
