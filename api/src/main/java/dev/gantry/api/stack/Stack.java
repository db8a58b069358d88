package dev.gantry.api.stack;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A multi-service application as one resource: components (any namespaced object written as a
 * manifest, a Provision, a MiniCluster) created in dependency order, each only once what it needs
 * is Ready, kept as declared, and torn down in reverse.
 */
@Group(Stack.GROUP)
@Version(Stack.VERSION)
@ShortNames("stk")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.readyComponents",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Stack extends CustomResource<StackSpec, StackStatus> implements Namespaced {
  public static final String GROUP = "gantry.dev";
  public static final String VERSION = "v1alpha1";
}
