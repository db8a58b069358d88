package dev.gantry.api.provision;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;

/** What to run and with what inputs. Defaults live in the schema and, for the mock server, here. */
public class ProvisionSpec {
  public static final int DEFAULT_BACKOFF_LIMIT = 0;

  @Required
  @Pattern("^\\S+$")
  @JsonPropertyDescription(
      "Container image holding the infrastructure code and its tool, for example an image with"
          + " Terraform and a module that builds a Rancher cluster.")
  public String image;

  @JsonPropertyDescription(
      "When the kubelet pulls the image: Always, IfNotPresent or Never. Kubernetes' default applies"
          + " when unset.")
  public PullPolicy imagePullPolicy;

  @JsonPropertyDescription("Names of Secrets in this namespace used to pull the image.")
  public List<String> imagePullSecrets;

  @JsonPropertyDescription(
      "Command and arguments of the apply run. Default: terraform apply -input=false -auto-approve"
          + " -var-file=<variables.path> -state=<deliverables.mountPath>/terraform.tfstate")
  public RunSpec apply;

  @JsonPropertyDescription(
      "Command and arguments of the destroy run, and what it keeps (retain). Default: terraform"
          + " destroy -input=false -auto-approve -var-file=<variables.path>"
          + " -state=<deliverables.mountPath>/terraform.tfstate")
  public DestroySpec destroy;

  @JsonPropertyDescription(
      "Command and arguments of the plan run that manual approval waits on. Default: terraform"
          + " plan -input=false -no-color -detailed-exitcode -var-file=<variables.path>"
          + " -state=<deliverables.mountPath>/terraform.tfstate -out=$(GANTRY_PLAN_FILE). A custom"
          + " plan must write its plan file to $(GANTRY_PLAN_FILE).")
  public RunSpec plan;

  @Default("auto")
  @JsonPropertyDescription(
      "auto: each generation is applied at once. manual: each generation is planned first and"
          + " waits in phase AwaitingApproval until gantry approve provision/NAME approves exactly"
          + " that plan, which the apply then runs.")
  public Approval approval;

  @JsonPropertyDescription(
      "Input variables (a terraform.tfvars file), inline or from a Secret or ConfigMap key; mounted"
          + " read-only as a file in both runs.")
  public VariablesSpec variables;

  @JsonPropertyDescription("Extra environment variables for the apply and destroy containers.")
  public List<EnvVar> env;

  @JsonPropertyDescription("Extra environment sources (Secrets, ConfigMaps) for both containers.")
  public List<EnvFromSource> envFrom;

  @JsonPropertyDescription(
      "CPU and memory requests and limits of the apply and destroy containers.")
  public ResourceRequirements resources;

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Service account the runs use; the namespace's default when unset.")
  public String serviceAccountName;

  @JsonPropertyDescription(
      "The run pods beyond image and command: nodeSelector, tolerations, security contexts,"
          + " extra volumes and mounts, pod labels and annotations.")
  public RunnerPodSpec runner;

  @JsonPropertyDescription(
      "The persistent volume that holds the deliverables and the tool's state between runs.")
  public DeliverablesSpec deliverables;

  @JsonPropertyDescription(
      "Periodic drift checks of the applied generation: a plan run (never an apply) every"
          + " interval that sets the Drifted condition, and with remediate applies again.")
  public DriftDetectionSpec driftDetection;

  @JsonPropertyDescription(
      "What a successful apply publishes in the Secret <name>-outputs: JSON outputs flattened to"
          + " keys and deliverables such as the kubeconfig. Default: the keys of outputs.json, when"
          + " the tool writes one.")
  public OutputsSpec outputs;

  @JsonPropertyDescription(
      "The runs' output kept on the deliverables volume after their pods are gone.")
  public RunLogsSpec runLogs;

  @Default("0")
  @Min(0)
  @Max(20)
  @JsonPropertyDescription("How many times a failed run's pod is retried before the run fails.")
  public Integer backoffLimit;

  @Min(1)
  @JsonPropertyDescription(
      "Seconds a run may take before Kubernetes stops it; unlimited when unset.")
  public Long activeDeadlineSeconds;

  @Default("true")
  @JsonPropertyDescription(
      "Run the destroy Job when the Provision is deleted. Set false to only remove Gantry's objects.")
  public Boolean destroyOnDelete;

  @JsonIgnore
  public int backoffLimitOrDefault() {
    return backoffLimit == null ? DEFAULT_BACKOFF_LIMIT : backoffLimit;
  }

  @JsonIgnore
  public boolean destroysOnDelete() {
    return destroyOnDelete == null || destroyOnDelete;
  }

  @JsonIgnore
  public VariablesSpec variablesOrDefault() {
    return variables == null ? new VariablesSpec() : variables;
  }

  @JsonIgnore
  public boolean manualApproval() {
    return approval == Approval.manual;
  }

  @JsonIgnore
  public OutputsSpec outputsOrDefault() {
    return outputs == null ? new OutputsSpec() : outputs;
  }

  @JsonIgnore
  public RunLogsSpec runLogsOrDefault() {
    return runLogs == null ? new RunLogsSpec() : runLogs;
  }

  @JsonIgnore
  public DeliverablesSpec deliverablesOrDefault() {
    return deliverables == null ? new DeliverablesSpec() : deliverables;
  }

  /** Lower-case, as users write it. */
  public enum Approval {
    auto,
    manual
  }

  public enum PullPolicy {
    Always,
    IfNotPresent,
    Never
  }
}
