package dev.gantry.api.fidelity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a real API server refuses in a CRD that the fabric8 mock accepts: a schema that is not
 * structural, and CEL rules whose estimated cost exceeds the budget (a rule over an unbounded list,
 * map or string, or all rules together times how often each runs).
 */
final class CrdCheck {
  private static final Set<String> FORBIDDEN =
      Set.of("$ref", "definitions", "dependencies", "additionalItems", "patternProperties", "not");

  private final List<String> problems = new ArrayList<>();
  private long total;

  private CrdCheck() {}

  /** The problems of every version's schema of a CRD; empty when a real API server takes it. */
  static List<String> problems(JsonNode crd) {
    CrdCheck check = new CrdCheck();
    for (JsonNode version : crd.path("spec").path("versions")) {
      JsonNode schema = version.path("schema").path("openAPIV3Schema");
      String where = version.path("name").asText() + ":";
      if (schema.isMissingNode()) {
        check.problems.add(where + " has no openAPIV3Schema");
        continue;
      }
      check.walk(schema, where, 1, true);
    }
    if (check.total > CelRuleCost.CRD_BUDGET) {
      check.problems.add(
          "all rules together cost an estimated "
              + check.total
              + ", over the API server's budget of "
              + CelRuleCost.CRD_BUDGET
              + " for a CRD: bound the lists and maps that rules sit under");
    }
    return check.problems;
  }

  private void walk(JsonNode s, String path, long cardinality, boolean root) {
    boolean preserves = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    boolean intOrString = s.path("x-kubernetes-int-or-string").asBoolean(false);
    String type = s.path("type").asText("");
    if (type.isEmpty() && !preserves && !intOrString) {
      problems.add(path + " has no type (a structural schema needs one on every field)");
    }
    for (String key : FORBIDDEN) {
      if (s.has(key)) {
        problems.add(path + " uses " + key + ", which a structural schema may not");
      }
    }
    if (s.path("uniqueItems").asBoolean(false)) {
      problems.add(path + " sets uniqueItems: true, which the API server refuses");
    }
    if (s.has("additionalProperties")
        && s.path("additionalProperties").isBoolean()
        && !s.path("additionalProperties").asBoolean()) {
      problems.add(path + " sets additionalProperties: false, which the API server refuses");
    }
    if (s.has("properties") && s.has("additionalProperties")) {
      problems.add(path + " has both properties and additionalProperties");
    }
    if (type.equals("array") && !s.has("items")) {
      problems.add(path + " is an array without items");
    }
    for (JsonNode rule : s.path("x-kubernetes-validations")) {
      CelRuleCost.Estimate estimate =
          CelRuleCost.of(rule.path("rule").asText(), s, path.isEmpty() ? "self" : path);
      for (String unbounded : estimate.unbounded()) {
        problems.add(path + " rule \"" + rule.path("rule").asText() + "\": " + unbounded);
      }
      if (estimate.unbounded().isEmpty() && estimate.cost() > CelRuleCost.RULE_BUDGET) {
        problems.add(
            path
                + " rule \""
                + rule.path("rule").asText()
                + "\" costs an estimated "
                + estimate.cost()
                + ", over the per-rule budget of "
                + CelRuleCost.RULE_BUDGET);
      }
      total =
          CelRuleCost.saturatingMultiply(estimate.cost(), cardinality) > Long.MAX_VALUE - total
              ? Long.MAX_VALUE
              : total + CelRuleCost.saturatingMultiply(estimate.cost(), cardinality);
    }
    var properties = s.path("properties").fields();
    while (properties.hasNext()) {
      Map.Entry<String, JsonNode> p = properties.next();
      String child = root ? p.getKey() : path + "." + p.getKey();
      if (root && p.getKey().equals("metadata")) {
        checkRootMetadata(p.getValue());
        continue;
      }
      walk(p.getValue(), child, cardinality, false);
    }
    if (s.has("items") && s.get("items").isObject()) {
      walk(s.get("items"), path + "[]", times(cardinality, s, "maxItems"), false);
    }
    if (s.path("additionalProperties").isObject()) {
      walk(
          s.get("additionalProperties"),
          path + "{}",
          times(cardinality, s, "maxProperties"),
          false);
    }
  }

  /** At the root, metadata may only restrict name and generateName. */
  private void checkRootMetadata(JsonNode metadata) {
    var names = metadata.path("properties").fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!name.equals("name") && !name.equals("generateName")) {
        problems.add("metadata." + name + " may not be specified in a CRD's schema");
      }
    }
  }

  private static long times(long cardinality, JsonNode s, String bound) {
    long n = s.has(bound) ? s.get(bound).asLong() : CelRuleCost.MAX_REQUEST_BYTES / 3;
    return CelRuleCost.saturatingMultiply(cardinality, Math.max(1, n));
  }
}
