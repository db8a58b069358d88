package dev.gantry.workers.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.workers.ApiError;
import dev.gantry.workers.upload.BindingSpec;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The secrets a settings patch's {@code bindings} set, as Cloudflare reads that list: it replaces
 * the worker's bindings, so a {@code secret_text} binding with {@code text} sets that secret, one
 * without keeps it (wrangler 3 and 4.86 send every existing secret back that way from {@code secret
 * bulk}), and a secret the list leaves out is deleted. Other bindings belong to versions and are
 * not changed here.
 */
final class SettingsBindings {
  private SettingsBindings() {}

  /** Secret name to new value, null deleting. */
  static Map<String, String> secretChanges(JsonNode bindings, List<String> existing) {
    if (!bindings.isArray()) {
      throw ApiError.invalid("settings bindings must be a list of {type, name, ...} objects");
    }
    Map<String, String> change = new HashMap<>();
    Set<String> listed = new HashSet<>();
    for (JsonNode b : bindings) {
      if (!BindingSpec.SECRET_TEXT.equals(b.path("type").asText())) {
        continue;
      }
      String name = b.path("name").asText("");
      if (name.isEmpty()) {
        throw ApiError.invalid("a secret_text binding in settings needs a name");
      }
      if (!listed.add(name)) {
        throw ApiError.invalid("settings bindings name secret " + name + " twice");
      }
      if (b.path("text").isTextual()) {
        change.put(name, b.path("text").asText());
      } else if (!existing.contains(name)) {
        throw ApiError.invalid(
            "secret_text binding "
                + name
                + " has no text and the worker has no such secret to keep");
      }
    }
    for (String name : existing) {
      if (!listed.contains(name)) {
        change.put(name, null);
      }
    }
    return change;
  }
}
