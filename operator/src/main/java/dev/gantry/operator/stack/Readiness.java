package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Whether an object is Ready, by its kind's own signals, with what it is waiting for in words: a
 * Deployment available with its new template rolled out, a StatefulSet's and a DaemonSet's pods
 * ready and updated, a Job complete, a claim bound, a Service with a ready endpoint, a Provision or
 * MiniCluster Ready. An object of another kind is Ready once it exists, unless it reports a Ready
 * condition or an observedGeneration behind its generation.
 */
public final class Readiness {
  private Readiness() {}

  /** Ready, waiting (with why), or failed for good (with why). */
  public record Verdict(State state, String message) {
    public static Verdict ready() {
      return new Verdict(State.READY, "");
    }

    static Verdict waiting(String message) {
      return new Verdict(State.WAITING, message);
    }

    static Verdict failed(String message) {
      return new Verdict(State.FAILED, message);
    }

    public boolean isReady() {
      return state == State.READY;
    }
  }

  public enum State {
    READY,
    WAITING,
    FAILED
  }

  /**
   * @param readyEndpoints for a Service, its ready endpoints, or null when not known
   */
  public static Verdict of(JsonNode object, Integer readyEndpoints) {
    String kind = object.path("kind").asText();
    String group = group(object.path("apiVersion").asText());
    JsonNode status = object.path("status");
    if (behind(object)) {
      return Verdict.waiting(
          kind
              + " generation "
              + object.path("metadata").path("generation").asLong()
              + " not yet observed by its controller");
    }
    return switch (group + "/" + kind) {
      case "apps/Deployment" -> deployment(object, status);
      case "apps/StatefulSet" -> statefulSet(object, status);
      case "apps/DaemonSet" -> daemonSet(status);
      case "batch/Job" -> job(status);
      case "/PersistentVolumeClaim" ->
          "Bound".equals(status.path("phase").asText())
              ? Verdict.ready()
              : Verdict.waiting(
                  "claim " + status.path("phase").asText("Pending").toLowerCase() + ", not bound");
      case "/Service" -> service(object, readyEndpoints);
      case "/Pod" -> pod(status);
      case "gantry.dev/Provision", "flux-framework.org/MiniCluster" -> gantry(kind, status);
      default -> readyCondition(kind, status);
    };
  }

  private static String group(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  private static boolean behind(JsonNode object) {
    JsonNode observed = object.path("status").path("observedGeneration");
    JsonNode generation = object.path("metadata").path("generation");
    return observed.isNumber() && generation.isNumber() && observed.asLong() < generation.asLong();
  }

  private static Verdict deployment(JsonNode object, JsonNode status) {
    long want = object.path("spec").path("replicas").asLong(1);
    if (!status.has("observedGeneration")) {
      return Verdict.waiting("0/" + want + " replicas available");
    }
    for (JsonNode c : status.path("conditions")) {
      if ("Progressing".equals(c.path("type").asText())
          && "ProgressDeadlineExceeded".equals(c.path("reason").asText())) {
        return Verdict.failed("rollout stuck: " + c.path("message").asText());
      }
    }
    long updated = status.path("updatedReplicas").asLong(0);
    long available = status.path("availableReplicas").asLong(0);
    long total = status.path("replicas").asLong(0);
    if (updated < want) {
      return Verdict.waiting(updated + "/" + want + " replicas updated");
    }
    if (total > updated) {
      return Verdict.waiting((total - updated) + " old replicas still running");
    }
    if (available < want) {
      return Verdict.waiting(available + "/" + want + " replicas available");
    }
    return Verdict.ready();
  }

  private static Verdict statefulSet(JsonNode object, JsonNode status) {
    long want = object.path("spec").path("replicas").asLong(1);
    long ready = status.path("readyReplicas").asLong(0);
    if (!status.has("observedGeneration") || ready < want) {
      return Verdict.waiting(ready + "/" + want + " replicas ready");
    }
    String update = status.path("updateRevision").asText("");
    String current = status.path("currentRevision").asText("");
    if (!update.isEmpty()
        && !update.equals(current)
        && status.path("updatedReplicas").asLong(0) < want) {
      return Verdict.waiting(
          status.path("updatedReplicas").asLong(0) + "/" + want + " replicas updated");
    }
    return Verdict.ready();
  }

  private static Verdict daemonSet(JsonNode status) {
    long want = status.path("desiredNumberScheduled").asLong(0);
    long ready = status.path("numberReady").asLong(0);
    long updated = status.path("updatedNumberScheduled").asLong(0);
    if (!status.has("observedGeneration") || ready < want || updated < want) {
      return Verdict.waiting(ready + "/" + want + " pods ready");
    }
    return Verdict.ready();
  }

  private static Verdict job(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if (!"True".equals(c.path("status").asText())) {
        continue;
      }
      switch (c.path("type").asText()) {
        case "Complete":
          return Verdict.ready();
        case "Failed":
          return Verdict.failed(
              "Job failed: " + c.path("reason").asText() + " " + c.path("message").asText());
        default:
      }
    }
    return Verdict.waiting(
        "Job running: "
            + status.path("succeeded").asLong(0)
            + " succeeded, "
            + status.path("failed").asLong(0)
            + " failed");
  }

  private static Verdict service(JsonNode object, Integer readyEndpoints) {
    JsonNode spec = object.path("spec");
    boolean selects = spec.path("selector").isObject() && spec.path("selector").size() > 0;
    if ("ExternalName".equals(spec.path("type").asText()) || !selects) {
      return Verdict.ready();
    }
    if (readyEndpoints == null || readyEndpoints == 0) {
      return Verdict.waiting("no ready endpoints");
    }
    return Verdict.ready();
  }

  private static Verdict pod(JsonNode status) {
    String phase = status.path("phase").asText("Pending");
    if ("Failed".equals(phase)) {
      return Verdict.failed("pod failed: " + status.path("message").asText(phase));
    }
    if ("Succeeded".equals(phase)) {
      return Verdict.ready();
    }
    // A pod is ready when its Ready condition says so; one that has none yet is not.
    for (JsonNode c : status.path("conditions")) {
      if ("Ready".equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
        return Verdict.ready();
      }
    }
    return Verdict.waiting("pod " + phase.toLowerCase() + ", not ready");
  }

  private static Verdict gantry(String kind, JsonNode status) {
    if ("Failed".equals(status.path("phase").asText())) {
      return Verdict.failed(kind + " failed: " + readyMessage(status));
    }
    for (JsonNode c : status.path("conditions")) {
      if ("Ready".equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
        return Verdict.ready();
      }
    }
    String phase = status.path("phase").asText("Pending");
    String why = readyMessage(status);
    return Verdict.waiting(kind + " " + phase + (why.isEmpty() ? "" : ": " + why));
  }

  private static String readyMessage(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return c.path("message").asText("");
      }
    }
    return "";
  }

  private static Verdict readyCondition(String kind, JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText())
            ? Verdict.ready()
            : Verdict.waiting(
                kind + " not Ready: " + c.path("message").asText(c.path("reason").asText("")));
      }
    }
    return Verdict.ready();
  }
}
