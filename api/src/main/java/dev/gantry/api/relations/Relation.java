package dev.gantry.api.relations;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An explicit relation: a consumer workload gets a provider's connection data for one interface,
 * without annotations on the workload. Annotation-declared relations (the tengu.io contract) work
 * the same way and show up beside these in `gantry get relations`.
 */
@Group(Relation.GROUP)
@Version(Relation.VERSION)
@ShortNames("rel")
@AdditionalPrinterColumn(
    name = "Interface",
    jsonPath = ".spec.interface",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Endpoint",
    jsonPath = ".status.endpoint.url",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Relation extends CustomResource<RelationSpec, RelationStatus> implements Namespaced {
  public static final String GROUP = "gantry.dev";
  public static final String VERSION = "v1alpha1";

  /** The seed's contract, kept unchanged. */
  public static final String CONSUMES = "tengu.io/consumes";

  public static final String RELATIONS = "tengu.io/relations";
  public static final String RELATIONSHIPS_LABEL = "tengu.io/relationships";
  public static final String PROVIDES_LABEL = "tengu.io/provides";
  public static final String NAMESPACE_OPT_IN = "tengu-injector";
  public static final String GANTRY_NAMESPACE_OPT_IN = "gantry.dev/relations";

  /** Gantry's additions. */
  public static final String CREDENTIALS_ANNOTATION = "gantry.dev/credentials-secret";

  /**
   * Put by Gantry on a credentials Secret it binds, so it can watch those Secrets (and only those)
   * and roll the consumers when a value changes.
   */
  public static final String CREDENTIALS_LABEL = "gantry.dev/relation-credentials";

  public static final String SERVICE_BINDING_ANNOTATION = "gantry.dev/service-binding";
  public static final String HASH_ANNOTATION = "gantry.dev/relations-hash";
  public static final String STATUS_ANNOTATION = "gantry.dev/relations-status";
}
