package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A component's members — the consul catalogue of the procedure Stack replaces, kept by Kubernetes:
 * its pods that are ready, each as {@code name}, {@code address} (the pod IP), {@code node}, {@code
 * labels} and {@code ports} (container port by name), in name order. A pod that is going away is no
 * member. Pure.
 */
final class Members {
  private Members() {}

  static List<Map<String, Object>> of(List<JsonNode> pods) {
    List<Map<String, Object>> members = new ArrayList<>();
    pods.stream()
        .filter(Members::ready)
        .sorted(Comparator.comparing(p -> p.path("metadata").path("name").asText()))
        .forEach(p -> members.add(member(p)));
    return members;
  }

  /** Ready, with an address, and not going away. */
  static boolean ready(JsonNode pod) {
    if (pod.path("metadata").hasNonNull("deletionTimestamp")
        || pod.path("status").path("podIP").asText().isEmpty()) {
      return false;
    }
    for (JsonNode c : pod.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText());
      }
    }
    return false;
  }

  /** One member, as expressions read it. */
  static Map<String, Object> member(JsonNode pod) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", pod.path("metadata").path("name").asText());
    m.put("address", pod.path("status").path("podIP").asText());
    m.put("node", pod.path("spec").path("nodeName").asText(""));
    Map<String, Object> labels = new LinkedHashMap<>();
    pod.path("metadata")
        .path("labels")
        .fields()
        .forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
    m.put("labels", labels);
    Map<String, Object> ports = new LinkedHashMap<>();
    for (JsonNode container : pod.path("spec").path("containers")) {
      for (JsonNode port : container.path("ports")) {
        if (port.has("name")) {
          ports.put(port.path("name").asText(), port.path("containerPort").asLong());
        }
      }
    }
    m.put("ports", ports);
    return m;
  }
}
