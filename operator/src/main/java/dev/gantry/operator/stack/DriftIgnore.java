package dev.gantry.operator.stack;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The fields a component leaves to others once its object exists (drift.ignore: spec.replicas under
 * an autoscaler): not compared for drift, and kept as they are when the object is written again.
 * Pure.
 */
final class DriftIgnore {
  private DriftIgnore() {}

  /** {@code wanted} without the ignored fields, for the drift comparison. */
  static JsonNode without(JsonNode wanted, List<JsonPointer> ignored) {
    if (ignored.isEmpty()) {
      return wanted;
    }
    JsonNode copy = wanted.deepCopy();
    for (JsonPointer p : ignored) {
      JsonNode parent = copy.at(p.head());
      if (parent.isObject()) {
        ((ObjectNode) parent).remove(p.last().getMatchingProperty());
      }
    }
    return copy;
  }

  /** {@code written} with the ignored fields as the live object has them. */
  static ObjectNode keep(ObjectNode written, JsonNode live, List<JsonPointer> ignored) {
    for (JsonPointer p : ignored) {
      JsonNode have = live.at(p);
      JsonNode parent = written.at(p.head());
      if (!parent.isObject()) {
        continue;
      }
      String name = p.last().getMatchingProperty();
      if (have.isMissingNode()) {
        ((ObjectNode) parent).remove(name);
      } else {
        ((ObjectNode) parent).set(name, have.deepCopy());
      }
    }
    return written;
  }
}
