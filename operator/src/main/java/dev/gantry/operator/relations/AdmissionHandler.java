package dev.gantry.operator.relations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.api.relations.Relation;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers admission.k8s.io/v1 AdmissionReviews for workloads and pods: resolves the relations they
 * declare and returns a JSONPatch that injects them. It never throws and never blocks: a request it
 * cannot read gets an error answer; an internal failure admits the object unchanged with a warning
 * (the relations controller rolls it once its data can be resolved).
 */
public class AdmissionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionHandler.class);

  /**
   * Larger than any object the API server accepts (1.5 MiB), with room for the review around it.
   */
  public static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

  private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet");

  /** Every kind the handler injects into: the workloads and bare pods. */
  static final Set<String> KINDS = union(WORKLOADS, "Pod");

  private static Set<String> union(Set<String> kinds, String kind) {
    Set<String> all = new java.util.HashSet<>(kinds);
    all.add(kind);
    return Set.copyOf(all);
  }

  private final ObjectMapper mapper = Serialization.jsonMapper();
  private final ProviderLookup lookup;
  private final InjectionSettings settings;

  public AdmissionHandler(ProviderLookup lookup, InjectionSettings settings) {
    this.lookup = lookup;
    this.settings = settings;
  }

  /** The same handler answering from {@code other} (the warm-up's in-memory providers). */
  AdmissionHandler answeringFrom(ProviderLookup other) {
    return new AdmissionHandler(other, settings);
  }

  /** What became of a review, for the webhook's metrics. */
  public enum Outcome {
    /** Answered with a patch. */
    PATCHED,
    /** Admitted as it came: nothing to inject. */
    UNCHANGED,
    /**
     * Admitted as it came with a warning, after an internal failure (the controller injects it).
     */
    FAILED,
    /** Not a review Gantry could read: answered with an HTTP error. */
    REFUSED,
    /** A validating review answered "not allowed" (a namespace that holds live Provisions). */
    DENIED;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * An HTTP answer: status and JSON body, with the reviewed object's kind (null when unread) and
   * what became of it.
   */
  public record Answer(int status, String body, String kind, Outcome outcome) {}

  public Answer handle(byte[] body) {
    if (body.length > MAX_BODY_BYTES) {
      return error(
          413, "AdmissionReview of " + body.length + " bytes is larger than " + MAX_BODY_BYTES);
    }
    JsonNode review;
    try {
      review = mapper.readTree(body);
    } catch (Exception e) {
      return error(400, "the body is not JSON: " + e.getMessage());
    }
    JsonNode request = review == null ? null : review.get("request");
    if (request == null || !request.hasNonNull("uid")) {
      return error(400, "not an admission.k8s.io/v1 AdmissionReview: request.uid is missing");
    }
    String uid = request.get("uid").asText();
    String kind = request.path("kind").path("kind").asText(null);
    try {
      Mutation mutation = mutate(request);
      return new Answer(
          200,
          response(uid, mutation),
          kind,
          mutation.patches() ? Outcome.PATCHED : Outcome.UNCHANGED);
    } catch (Exception e) {
      LOG.warn("admitting {} unchanged: {}", uid, e.toString());
      return new Answer(
          200,
          response(
              uid,
              new Mutation(null, List.of("gantry relations: not injected: " + e.getMessage()))),
          kind,
          Outcome.FAILED);
    }
  }

  record Mutation(ArrayNode patch, List<String> warnings) {
    boolean patches() {
      return patch != null && !patch.isEmpty();
    }
  }

  Mutation mutate(JsonNode request) throws Exception {
    String operation = request.path("operation").asText();
    String kind = request.path("kind").path("kind").asText();
    JsonNode object = request.get("object");
    if (!("CREATE".equals(operation) || "UPDATE".equals(operation))
        || object == null
        || object.isNull()) {
      return new Mutation(null, List.of());
    }
    String namespace =
        request.hasNonNull("namespace")
            ? request.get("namespace").asText()
            : object.path("metadata").path("namespace").asText(null);
    if ("Pod".equals(kind)) {
      Pod pod = new Pod();
      pod.setMetadata(mapper.treeToValue(object.path("metadata"), ObjectMeta.class));
      pod.setSpec(mapper.treeToValue(injectable(object.path("spec")), PodSpec.class));
      if (pod.getMetadata().getOwnerReferences() != null
          && !pod.getMetadata().getOwnerReferences().isEmpty()
          && !RelationDeclaration.fromAnnotations(pod.getMetadata().getAnnotations())
              .declaresAny()) {
        return new Mutation(null, List.of());
      }
      String name =
          pod.getMetadata().getName() != null
              ? pod.getMetadata().getName()
              : pod.getMetadata().getGenerateName();
      return patch(
          object,
          "",
          pod.getMetadata(),
          pod.getSpec(),
          namespace,
          "Pod",
          name,
          pod.getMetadata().getLabels());
    }
    if (WORKLOADS.contains(kind)) {
      JsonNode template = object.path("spec").path("template");
      PodTemplateSpec pod = new PodTemplateSpec();
      if (template.has("metadata")) {
        pod.setMetadata(mapper.treeToValue(template.get("metadata"), ObjectMeta.class));
      }
      pod.setSpec(mapper.treeToValue(injectable(template.path("spec")), PodSpec.class));
      ObjectMeta meta = mapper.treeToValue(object.path("metadata"), ObjectMeta.class);
      // The workload's own annotations declare; the template carries what is injected.
      ObjectMeta podMeta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
      return patchTemplate(object, meta, podMeta, pod.getSpec(), namespace, kind);
    }
    return new Mutation(
        null, List.of("gantry relations: " + kind + " is not a workload Gantry injects into"));
  }

  /**
   * The part of a pod spec injection reads or writes: the containers' names, pull policies, env and
   * volume mounts, and the init containers and volumes whole. The patch ({@link TemplatePatch})
   * touches nothing else, so the rest of a large pod (resources, probes, security contexts) is
   * never mapped onto the model: mapping it cost most of a review's time.
   */
  private JsonNode injectable(JsonNode spec) {
    ObjectNode slim = mapper.createObjectNode();
    ArrayNode containers = slim.putArray("containers");
    for (JsonNode c : spec.path("containers")) {
      ObjectNode kept = containers.addObject();
      for (String field : List.of("name", "imagePullPolicy", "env", "volumeMounts")) {
        if (c.has(field)) {
          kept.set(field, c.get(field));
        }
      }
    }
    for (String field : List.of("initContainers", "volumes")) {
      if (spec.has(field)) {
        slim.set(field, spec.get(field));
      }
    }
    return slim;
  }

  private Mutation patchTemplate(
      JsonNode object,
      ObjectMeta meta,
      ObjectMeta podMeta,
      PodSpec spec,
      String namespace,
      String kind) {
    RelationDeclaration declaration = RelationDeclaration.fromAnnotations(meta.getAnnotations());
    Map<String, String> podLabels = podMeta.getLabels();
    Resolution.Explicit explicit =
        lookup.explicitBindings(namespace, kind, meta.getName(), meta.getLabels());
    if (!declaration.declaresAny() && explicit.isEmpty() && !injectedBefore(podMeta)) {
      return new Mutation(null, List.of());
    }
    Resolution resolution = resolve(declaration, namespace, podLabels, explicit);
    JsonNode before = template(podMeta, spec);
    PodInjection.apply(podMeta, spec, meta.getName(), resolution, serviceBinding(meta), settings);
    return new Mutation(
        diff("/spec/template", before, template(podMeta, spec)), warnings(resolution));
  }

  private Mutation patch(
      JsonNode object,
      String prefix,
      ObjectMeta meta,
      PodSpec spec,
      String namespace,
      String kind,
      String name,
      Map<String, String> labels) {
    RelationDeclaration declaration = RelationDeclaration.fromAnnotations(meta.getAnnotations());
    Resolution.Explicit explicit = lookup.explicitBindings(namespace, kind, name, labels);
    if (!declaration.declaresAny() && explicit.isEmpty()) {
      return new Mutation(null, List.of());
    }
    Resolution resolution = resolve(declaration, namespace, labels, explicit);
    JsonNode before = template(meta, spec);
    PodInjection.apply(meta, spec, name, resolution, serviceBinding(meta), settings);
    return new Mutation(diff(prefix, before, template(meta, spec)), warnings(resolution));
  }

  /** Metadata and spec as JSON, both sides of the diff made the same way. */
  private JsonNode template(ObjectMeta meta, PodSpec spec) {
    ObjectNode node = mapper.createObjectNode();
    node.set("metadata", mapper.valueToTree(meta));
    node.set("spec", mapper.valueToTree(spec));
    return node;
  }

  /** A JSONPatch from {@code before} to {@code after}, its paths placed under {@code prefix}. */
  private ArrayNode diff(String prefix, JsonNode before, JsonNode after) {
    return TemplatePatch.of(prefix, before, after);
  }

  private Resolution resolve(
      RelationDeclaration declaration,
      String namespace,
      Map<String, String> podLabels,
      Resolution.Explicit explicit) {
    return RelationResolver.resolve(
        declaration,
        name -> lookup.service(namespace, name),
        secret -> lookup.credentials(namespace, secret),
        podLabels,
        explicit);
  }

  private static boolean injectedBefore(ObjectMeta podMeta) {
    return podMeta.getAnnotations() != null
        && podMeta.getAnnotations().containsKey(Relation.HASH_ANNOTATION);
  }

  private static boolean serviceBinding(ObjectMeta meta) {
    return meta.getAnnotations() != null
        && "true".equalsIgnoreCase(meta.getAnnotations().get(Relation.SERVICE_BINDING_ANNOTATION));
  }

  private static List<String> warnings(Resolution resolution) {
    return resolution.complete() ? List.of() : List.of("gantry relations: " + resolution.summary());
  }

  private String response(String uid, Mutation mutation) {
    ObjectNode out = mapper.createObjectNode();
    out.put("apiVersion", "admission.k8s.io/v1");
    out.put("kind", "AdmissionReview");
    ObjectNode response = out.putObject("response");
    response.put("uid", uid);
    response.put("allowed", true);
    if (mutation.patches()) {
      response.put("patchType", "JSONPatch");
      response.put(
          "patch",
          Base64.getEncoder()
              .encodeToString(mutation.patch().toString().getBytes(StandardCharsets.UTF_8)));
    }
    if (!mutation.warnings().isEmpty()) {
      ArrayNode warnings = response.putArray("warnings");
      mutation.warnings().forEach(warnings::add);
    }
    return out.toString();
  }

  private Answer error(int status, String message) {
    ObjectNode out = mapper.createObjectNode();
    out.put("error", message);
    return new Answer(status, out.toString(), null, Outcome.REFUSED);
  }
}
