package dev.gantry.operator.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** The AdmissionReview a validating webhook answers with: allowed, or refused with why. Pure. */
public final class AdmissionAnswers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AdmissionAnswers() {}

  /**
   * @param uid the request's uid, echoed as the API server requires
   * @param refusal why the request is refused, or empty to allow it
   * @param code the HTTP code the API server returns to the client for a refusal (403, 422)
   * @param reason its reason (Forbidden, Invalid)
   */
  public static String review(String uid, Optional<String> refusal, int code, String reason) {
    ObjectNode out = JSON.createObjectNode();
    out.put("apiVersion", "admission.k8s.io/v1");
    out.put("kind", "AdmissionReview");
    ObjectNode response = out.putObject("response");
    response.put("uid", uid);
    response.put("allowed", refusal.isEmpty());
    refusal.ifPresent(
        why -> {
          ObjectNode status = response.putObject("status");
          status.put("code", code);
          status.put("reason", reason);
          status.put("message", why);
        });
    return out.toString();
  }

  /** The answer to a body that is not JSON. */
  public static String notJson() {
    return JSON.createObjectNode().put("error", "the body is not JSON").toString();
  }
}
