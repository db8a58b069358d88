package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.api.stack.Stack;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Optional;

/**
 * Answers the API server's review of a Stack CREATE or UPDATE: refused, naming each field, when its
 * spec does not compile — an unknown component or field, a type error, a cycle, a secret in a plain
 * field, a cluster-scoped kind. The controller checks the same and reports it in status, so the
 * registration's failurePolicy is Ignore: a Gantry that is down never blocks a Stack, it only
 * admits one the controller will then refuse. Pure: JSON in, JSON out.
 */
public final class StackAdmission {
  public static final String PATH = "/validate-stack";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param status the HTTP status
   * @param body the AdmissionReview answer
   * @param refused whether the Stack was refused
   */
  public record Answer(int status, String body, boolean refused) {}

  public Answer handle(byte[] body) {
    JsonNode request;
    try {
      request = JSON.readTree(body).path("request");
    } catch (Exception e) {
      return new Answer(
          400, JSON.createObjectNode().put("error", "the body is not JSON").toString(), false);
    }
    Optional<String> refusal = refusal(request);
    ObjectNode out = JSON.createObjectNode();
    out.put("apiVersion", "admission.k8s.io/v1");
    out.put("kind", "AdmissionReview");
    ObjectNode response = out.putObject("response");
    response.put("uid", request.path("uid").asText(""));
    response.put("allowed", refusal.isEmpty());
    refusal.ifPresent(
        why -> {
          ObjectNode status = response.putObject("status");
          status.put("code", 422);
          status.put("reason", "Invalid");
          status.put("message", why);
        });
    return new Answer(200, out.toString(), refusal.isPresent());
  }

  /** Why the Stack in the review is refused, or empty when it is admitted. */
  static Optional<String> refusal(JsonNode request) {
    String operation = request.path("operation").asText();
    if (!"CREATE".equals(operation) && !"UPDATE".equals(operation)) {
      return Optional.empty();
    }
    JsonNode object = request.path("object");
    if (!object.isObject() || object.path("metadata").path("deletionTimestamp").isTextual()) {
      return Optional.empty();
    }
    if ("UPDATE".equals(operation)
        && object.path("spec").equals(request.path("oldObject").path("spec"))) {
      // Only the spec is judged: a finalizer or a label added to a Stack admitted before (or
      // while Gantry was down) is never refused for a spec nobody is changing.
      return Optional.empty();
    }
    Stack stack;
    try {
      stack = Serialization.jsonMapper().treeToValue(object, Stack.class);
    } catch (Exception e) {
      return Optional.empty(); // the schema is the API server's to check
    }
    if (stack.getSpec() == null) {
      return Optional.empty();
    }
    String namespace = request.path("namespace").asText(stack.getMetadata().getNamespace());
    List<StackDefinition.Problem> problems;
    try {
      problems = StackCompiler.compile(stack.getSpec(), namespace).problems();
    } catch (RuntimeException e) {
      return Optional.empty(); // cannot tell: admit, as failurePolicy Ignore would
    }
    if (problems.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "Stack "
            + stack.getMetadata().getName()
            + " is invalid: "
            + String.join("; ", problems.stream().map(StackDefinition.Problem::toString).toList()));
  }
}
