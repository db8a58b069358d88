package dev.gantry.api.provision;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Runs an infrastructure-as-code image as an apply Job, hands back its deliverables, destroys on
 * delete.
 */
@Group(Provision.GROUP)
@Version(Provision.VERSION)
@ShortNames("prov")
@AdditionalPrinterColumn(
    name = "Run",
    jsonPath = ".status.run.jobName",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(value = "has(self.spec)", message = "spec is required: set at least spec.image")
@ValidationRule(
    value = "self.metadata.name.size() <= " + Provision.MAX_NAME_LENGTH,
    message =
        "metadata.name must be at most "
            + Provision.MAX_NAME_LENGTH
            + " characters: Gantry names its Jobs apply-<name> and destroy-<name>, and a Job name"
            + " is limited to 63 characters")
public class Provision extends CustomResource<ProvisionSpec, ProvisionStatus>
    implements Namespaced {
  public static final String GROUP = "gantry.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String KIND = "Provision";

  /** 63 (Job name and job-name label limit) minus the length of "destroy-". */
  public static final int MAX_NAME_LENGTH = 55;

  /** Set to "true" on a Provision to delete it without running the destroy Job. */
  public static final String SKIP_DESTROY_ANNOTATION = "gantry.dev/skip-destroy";

  /**
   * Under manual approval: the id of the plan the user approved (gantry approve sets it). Only the
   * plan awaiting approval with exactly this id is applied.
   */
  public static final String APPROVED_PLAN_ANNOTATION = "gantry.dev/approved-plan";

  /**
   * A request for a destroy preview (gantry destroy-preview sets a new token): a plan with -destroy
   * that lists what a destroy would remove and what spec.destroy.retain keeps.
   */
  public static final String DESTROY_PREVIEW_ANNOTATION = "gantry.dev/destroy-preview";
}
