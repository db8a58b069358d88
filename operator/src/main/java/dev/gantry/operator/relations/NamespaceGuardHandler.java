package dev.gantry.operator.relations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.api.provision.Provision;
import dev.gantry.operator.kube.AdmissionAnswers;
import dev.gantry.operator.provision.NamespaceGuard;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Answers the API server's review of a namespace DELETE: refused, with what to do instead, while
 * the namespace holds a Provision whose destroy could not run once it terminates ({@link
 * NamespaceGuard}). Anything it cannot read or decide is allowed: the registration's failurePolicy
 * is Ignore too, so the guard never stands between a user and a namespace when Gantry is down.
 */
public final class NamespaceGuardHandler {
  public static final String PATH = "/validate-namespace-deletion";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Function<String, List<Provision>> provisionsIn;

  /**
   * @param provisionsIn the Provisions of a namespace (the API server is asked: namespace deletions
   *     are rare)
   */
  public NamespaceGuardHandler(Function<String, List<Provision>> provisionsIn) {
    this.provisionsIn = provisionsIn;
  }

  public AdmissionHandler.Answer handle(byte[] body) {
    JsonNode request;
    try {
      request = JSON.readTree(body).path("request");
    } catch (Exception e) {
      return new AdmissionHandler.Answer(
          400, AdmissionAnswers.notJson(), null, AdmissionHandler.Outcome.REFUSED);
    }
    String uid = request.path("uid").asText("");
    String namespace = request.path("name").asText("");
    Optional<String> refusal = Optional.empty();
    if ("DELETE".equals(request.path("operation").asText()) && !namespace.isEmpty()) {
      try {
        refusal = NamespaceGuard.refusal(namespace, provisionsIn.apply(namespace));
      } catch (RuntimeException e) {
        refusal = Optional.empty(); // cannot tell: allow, as failurePolicy Ignore would
      }
    }
    return new AdmissionHandler.Answer(
        200,
        AdmissionAnswers.review(uid, refusal, 403, "Forbidden"),
        "Namespace",
        refusal.isEmpty() ? AdmissionHandler.Outcome.UNCHANGED : AdmissionHandler.Outcome.DENIED);
  }
}
