package dev.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.gantry.operator.stack.StackNames;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fields in which two versions of one object differ, each as a dotted path with its old and new
 * value ({@code spec.replicas: 2 → 3}). Pure.
 *
 * <ul>
 *   <li>What the API server keeps for itself (resourceVersion, generation, managedFields,
 *       creationTimestamp, uid), the status and Gantry's own record of what it wrote
 *       (gantry.dev/last-applied) are not compared: they change on any write and say nothing about
 *       what the write changes.
 *   <li>A Secret's values are never shown: a key of its data or stringData that changed reads
 *       "(secret value changed)" (or added, removed).
 *   <li>A list whose items all have a distinct name (containers, env, ports, volumes) is compared
 *       item by item by name ({@code containers[name=web].image}), so an item inserted does not
 *       make every later one look changed; other lists index by index.
 * </ul>
 */
final class FieldChanges {
  /** Longer values are cut: a path says where to look, a whole ConfigMap file is too much. */
  static final int MAX_VALUE = 120;

  private static final Set<String> IGNORED =
      Set.of(
          "/status",
          "/metadata/resourceVersion",
          "/metadata/generation",
          "/metadata/managedFields",
          "/metadata/creationTimestamp",
          "/metadata/uid",
          "/metadata/annotations/" + StackNames.LAST_APPLIED.replace("/", "~1"));

  /** A key that reads as itself in a dotted path; others are bracketed and quoted. */
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_/-]+");

  /** One changed field: where, and what it was and becomes (or that a secret value changed). */
  record Change(String path, String description) {
    @Override
    public String toString() {
      return path + ": " + description;
    }
  }

  private final boolean secret;
  private final List<Change> changes = new ArrayList<>();

  private FieldChanges(boolean secret) {
    this.secret = secret;
  }

  /** The changes from {@code before} to {@code after}, in the order of their fields. */
  static List<Change> between(JsonNode before, JsonNode after) {
    FieldChanges walk = new FieldChanges(isSecret(before) || isSecret(after));
    walk.compare("", "", before, after);
    return List.copyOf(walk.changes);
  }

  private static boolean isSecret(JsonNode object) {
    return "v1".equals(object.path("apiVersion").asText())
        && "Secret".equals(object.path("kind").asText());
  }

  private void compare(String path, String pointer, JsonNode before, JsonNode after) {
    if (IGNORED.contains(pointer) || before.equals(after)) {
      return;
    }
    if (secret && (pointer.startsWith("/data/") || pointer.startsWith("/stringData/"))) {
      changes.add(new Change(path, secretChange(before, after)));
      return;
    }
    if (secret && (pointer.equals("/data") || pointer.equals("/stringData"))) {
      // Walked key by key even when the whole map comes or goes, so no value is ever shown.
      before = before.isObject() ? before : JsonNodeFactory.instance.objectNode();
      after = after.isObject() ? after : JsonNodeFactory.instance.objectNode();
    }
    if (before.isObject() && after.isObject()) {
      Set<String> keys = new LinkedHashSet<>();
      before.fieldNames().forEachRemaining(keys::add);
      after.fieldNames().forEachRemaining(keys::add);
      for (String key : keys) {
        compare(
            path + key(path, key),
            pointer + "/" + key.replace("~", "~0").replace("/", "~1"),
            before.path(key),
            after.path(key));
      }
    } else if (before.isArray() && after.isArray()) {
      Map<String, JsonNode> was = byName(before);
      Map<String, JsonNode> is = byName(after);
      if (was != null && is != null) {
        compareNamed(path, pointer, was, is);
      } else {
        for (int i = 0; i < Math.max(before.size(), after.size()); i++) {
          compare(path + "[" + i + "]", pointer + "/" + i, before.path(i), after.path(i));
        }
      }
    } else {
      changes.add(new Change(path, show(before) + " → " + show(after)));
    }
  }

  private void compareNamed(
      String path, String pointer, Map<String, JsonNode> was, Map<String, JsonNode> is) {
    Set<String> names = new LinkedHashSet<>(was.keySet());
    names.addAll(is.keySet());
    for (String name : names) {
      // The pointer names the item, not its index: nothing under a list is ignored or secret.
      compare(
          path + "[name=" + name + "]",
          pointer + "/" + name,
          was.getOrDefault(name, MissingNode.getInstance()),
          is.getOrDefault(name, MissingNode.getInstance()));
    }
    List<String> common = new ArrayList<>(was.keySet());
    common.retainAll(is.keySet());
    List<String> after = new ArrayList<>(is.keySet());
    after.retainAll(was.keySet());
    if (!common.equals(after)) {
      changes.add(new Change(path, "order " + common + " → " + after));
    }
  }

  /** A list's items by their name, or null unless every item is an object with its own name. */
  private static Map<String, JsonNode> byName(JsonNode list) {
    Map<String, JsonNode> named = new LinkedHashMap<>();
    for (Iterator<JsonNode> items = list.elements(); items.hasNext(); ) {
      JsonNode item = items.next();
      JsonNode name = item.path("name");
      if (!name.isTextual() || named.put(name.asText(), item) != null) {
        return null;
      }
    }
    return named.isEmpty() ? null : named;
  }

  private static String secretChange(JsonNode before, JsonNode after) {
    if (before.isMissingNode()) {
      return "(secret value added)";
    }
    if (after.isMissingNode()) {
      return "(secret value removed)";
    }
    return "(secret value changed)";
  }

  private static String key(String path, String key) {
    if (PLAIN_KEY.matcher(key).matches()) {
      return path.isEmpty() ? key : "." + key;
    }
    // Label and annotation keys hold dots (app.kubernetes.io/name): bracketed, they stay one key.
    return "[" + JsonNodeFactory.instance.textNode(key) + "]";
  }

  /** A value as JSON (strings quoted, so "2" and 2 differ), cut when long; "(none)" when absent. */
  static String show(JsonNode value) {
    if (value.isMissingNode()) {
      return "(none)";
    }
    String text = value.toString();
    return text.length() <= MAX_VALUE ? text : text.substring(0, MAX_VALUE - 1) + "…";
  }
}
