package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The object to write over a live one: the live object with every field the rendering names set to
 * the rendered value, and every field the last rendering named but this one does not removed
 * (kubectl apply's three-way merge, by field; lists are replaced whole). Fields neither rendering
 * named — what the API server and other controllers filled in — stay as they are.
 */
final class ChildMerge {
  private ChildMerge() {}

  /**
   * @param lastApplied what Gantry wrote last time, or null when unknown (then nothing is removed)
   */
  static ObjectNode merge(JsonNode live, JsonNode desired, JsonNode lastApplied) {
    ObjectNode result = live.deepCopy();
    result.remove("status");
    overlay(result, desired, lastApplied);
    if (TemplateRenderer.isSecret(desired)) {
      // A Secret keeps no last-applied copy (it would copy the values): its data is Gantry's
      // whole, so keys taken out of the template go.
      result.set("data", desired.path("data").deepCopy());
    }
    return result;
  }

  private static void overlay(ObjectNode target, JsonNode desired, JsonNode last) {
    List<String> names = new ArrayList<>();
    desired.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode want = desired.get(name);
      JsonNode have = target.get(name);
      JsonNode before = last == null ? null : last.get(name);
      if (want.isObject() && have != null && have.isObject()) {
        overlay((ObjectNode) have, want, before != null && before.isObject() ? before : null);
      } else {
        target.set(name, want.deepCopy());
      }
    }
    if (last == null) {
      return;
    }
    last.fieldNames()
        .forEachRemaining(
            name -> {
              if (!desired.has(name)) {
                target.remove(name);
              }
            });
  }
}
