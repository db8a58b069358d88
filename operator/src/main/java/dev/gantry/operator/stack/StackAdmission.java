package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.api.stack.Stack;
import dev.gantry.operator.kube.AdmissionAnswers;
import dev.gantry.operator.relations.AdmissionHandler;
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

  private static final String KIND = "Stack";
  private static final ObjectMapper JSON = new ObjectMapper();

  public AdmissionHandler.Answer handle(byte[] body) {
    JsonNode request;
    try {
      request = JSON.readTree(body).path("request");
    } catch (Exception e) {
      return new AdmissionHandler.Answer(
          400, AdmissionAnswers.notJson(), KIND, AdmissionHandler.Outcome.REFUSED);
    }
    Optional<String> refusal = refusal(request);
    return new AdmissionHandler.Answer(
        200,
        AdmissionAnswers.review(request.path("uid").asText(""), refusal, 422, "Invalid"),
        KIND,
        refusal.isPresent() ? AdmissionHandler.Outcome.DENIED : AdmissionHandler.Outcome.UNCHANGED);
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
