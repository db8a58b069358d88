package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code components.<name>} reads: the object as the API server has it (metadata, spec,
 * status, data), plus, by kind, {@code service} (host, port, ports) for a Service, {@code secret}
 * (decoded values, in place of data) for a Secret, {@code outputs} for a Provision, and {@code
 * members} (its ready pods, see {@link Members}) for a kind that runs pods.
 */
final class ComponentValues {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ComponentValues() {}

  /**
   * @param outputs a Provision's outputs by key, as the outputs Secret holds them; null for other
   *     kinds
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> of(JsonNode live, Map<String, String> outputs) {
    return of(live, outputs, List.of());
  }

  /**
   * @param pods the component's pods, for a kind that runs them
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> of(JsonNode live, Map<String, String> outputs, List<JsonNode> pods) {
    Map<String, Object> values = (Map<String, Object>) CelValues.of(live.deepCopy());
    String kind = live.path("kind").asText();
    String apiVersion = live.path("apiVersion").asText();
    if ("v1".equals(apiVersion) && "Service".equals(kind)) {
      values.put("service", service(live));
    }
    if (TemplateRenderer.isSecret(live)) {
      values.remove("data");
      values.remove("stringData");
      values.put("secret", decoded(live.path("data")));
    }
    if (NetworkRules.runsPods(live)) {
      values.put("members", Members.of(pods));
    }
    if (outputs != null) {
      Map<String, Object> parsed = new LinkedHashMap<>();
      outputs.forEach((k, v) -> parsed.put(k, output(v)));
      values.put("outputs", parsed);
    }
    return values;
  }

  private static Map<String, Object> service(JsonNode service) {
    Map<String, Object> values = new LinkedHashMap<>();
    String name = service.path("metadata").path("name").asText();
    String namespace = service.path("metadata").path("namespace").asText();
    values.put("host", name + "." + namespace + ".svc");
    Map<String, Object> ports = new LinkedHashMap<>();
    JsonNode list = service.path("spec").path("ports");
    for (JsonNode p : list) {
      if (p.has("name")) {
        ports.put(p.get("name").asText(), p.path("port").asLong());
      }
    }
    if (list.size() > 0) {
      values.put("port", list.get(0).path("port").asLong());
    }
    values.put("ports", ports);
    return values;
  }

  private static Map<String, Object> decoded(JsonNode data) {
    Map<String, Object> values = new LinkedHashMap<>();
    data.fields()
        .forEachRemaining(
            f ->
                values.put(
                    f.getKey(),
                    new String(
                        Base64.getDecoder().decode(f.getValue().asText()),
                        StandardCharsets.UTF_8)));
    return values;
  }

  /**
   * An output as written: a list or an object stays one (Provision writes non-string outputs as
   * JSON); anything else is its text.
   */
  private static Object output(String value) {
    String trimmed = value.strip();
    if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
      try {
        return CelValues.of(JSON.readTree(trimmed));
      } catch (java.io.IOException e) {
        return value;
      }
    }
    return value;
  }
}
