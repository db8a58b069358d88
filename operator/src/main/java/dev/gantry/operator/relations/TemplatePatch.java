package dev.gantry.operator.relations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSONPatch from a pod template before injection to after it, for exactly the fields injection
 * touches: annotations, init containers, volumes, and each container's env and volume mounts. Each
 * changed field is replaced whole, which is linear in its size — a generic diff of long env lists
 * (a longest-common-subsequence on arrays) costs milliseconds on large pods.
 */
final class TemplatePatch {
  private TemplatePatch() {}

  static ArrayNode of(String prefix, JsonNode before, JsonNode after) {
    ArrayNode ops = JsonNodeFactory.instance.arrayNode();
    List<String> paths =
        new ArrayList<>(List.of("/metadata/annotations", "/spec/initContainers", "/spec/volumes"));
    JsonNode containers = after.at("/spec/containers");
    for (int i = 0; i < containers.size(); i++) {
      paths.add("/spec/containers/" + i + "/env");
      paths.add("/spec/containers/" + i + "/volumeMounts");
    }
    for (String path : paths) {
      field(ops, prefix, path, before, after);
    }
    return ops;
  }

  private static void field(
      ArrayNode ops, String prefix, String path, JsonNode before, JsonNode after) {
    JsonNode was = before.at(path);
    JsonNode now = after.at(path);
    boolean had = !was.isMissingNode() && !was.isNull();
    boolean has =
        !now.isMissingNode() && !now.isNull() && !(now.isContainerNode() && now.isEmpty());
    if (had && has && was.equals(now)) {
      return;
    }
    if (had && !has) {
      if (!(was.isContainerNode() && was.isEmpty())) {
        ops.add(op("remove", prefix + path, null));
      }
      return;
    }
    if (!has) {
      return;
    }
    if (had) {
      ops.add(op("replace", prefix + path, now));
      return;
    }
    // Absent before: add it, creating a missing parent object (a template without metadata).
    String parent = path.substring(0, path.lastIndexOf('/'));
    if (before.at(parent).isMissingNode() && !parent.isEmpty()) {
      ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
      wrapper.set(path.substring(path.lastIndexOf('/') + 1), now);
      ops.add(op("add", prefix + parent, wrapper));
    } else {
      ops.add(op("add", prefix + path, now));
    }
  }

  private static ObjectNode op(String op, String path, JsonNode value) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("op", op);
    node.put("path", path);
    if (value != null) {
      node.set("value", value);
    }
    return node;
  }
}
