package dev.gantry.api.minicluster;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An HPC cluster inside Kubernetes: one Flux instance whose ranks are the pods of an indexed Job.
 * Compatible with the Flux Operator's {@code flux-framework.org/v1alpha2} manifests.
 */
@Group(MiniCluster.GROUP)
@Version(MiniCluster.VERSION)
@AdditionalPrinterColumn(
    name = "Size",
    jsonPath = ".spec.size",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.readyRanks",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value = "self.metadata.name.size() <= " + MiniCluster.MAX_NAME_LENGTH,
    message =
        "metadata.name must be at most "
            + MiniCluster.MAX_NAME_LENGTH
            + " characters: pod host names are <name>-<index> and must stay DNS labels")
public class MiniCluster extends CustomResource<MiniClusterSpec, MiniClusterStatus>
    implements Namespaced {
  public static final String GROUP = "flux-framework.org";
  public static final String VERSION = "v1alpha2";
  public static final String KIND = "MiniCluster";

  /** 63 (DNS label) minus room for "-<index>" up to 9999 and the Job controller's suffixes. */
  public static final int MAX_NAME_LENGTH = 50;
}
