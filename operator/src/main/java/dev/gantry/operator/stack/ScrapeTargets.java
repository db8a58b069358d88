package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Stack's Prometheus targets, as HTTP service discovery lists them: one group per ready pod of
 * each component that declares metrics, its address at the metrics port, labelled with the
 * namespace, Stack, component and pod (and the path, as Prometheus' __metrics_path__). Pure.
 */
public final class ScrapeTargets {
  /** One target group of http_sd_configs. */
  public record Group(List<String> targets, Map<String, String> labels) {}

  private ScrapeTargets() {}

  static List<Group> of(
      StackDefinition def, String namespace, String stack, Map<String, List<JsonNode>> pods) {
    List<Group> groups = new ArrayList<>();
    for (StackDefinition.Component c : def.components().values()) {
      if (c.metrics() == null) {
        continue;
      }
      for (Map<String, Object> member : Members.of(pods.getOrDefault(c.name(), List.of()))) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("__metrics_path__", c.metrics().pathOrDefault());
        labels.put("namespace", namespace);
        labels.put("stack", stack);
        labels.put("component", c.name());
        labels.put("pod", (String) member.get("name"));
        groups.add(new Group(List.of(member.get("address") + ":" + c.metrics().port), labels));
      }
    }
    return List.copyOf(groups);
  }
}
