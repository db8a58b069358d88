package dev.gantry.api.fidelity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A manifest checked as a real API server checks it on {@code kubectl apply} (strict field
 * validation, kubectl's default): unknown fields refused, types, required fields, enums, patterns,
 * bounds, then the schema's defaults applied and its CEL rules evaluated.
 */
final class ManifestValidation {
  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final List<String> problems = new ArrayList<>();

  private ManifestValidation() {}

  /** The problems of one object against the openAPIV3Schema of its CRD version. */
  static List<String> problems(JsonNode schema, JsonNode manifest) {
    ManifestValidation v = new ManifestValidation();
    JsonNode object = manifest.deepCopy();
    applyDefaults(schema, object);
    v.check(schema, object, "", true);
    return v.problems;
  }

  private void check(JsonNode s, JsonNode value, String path, boolean root) {
    String at = path.isEmpty() ? "<root>" : path;
    if (value.isNull()) {
      if (!s.path("nullable").asBoolean(false)) {
        problems.add(at + ": null is not allowed");
      }
      return;
    }
    if (!typeMatches(s, value)) {
      problems.add(
          at + ": must be of type " + s.path("type").asText() + ", not " + value.getNodeType());
      return;
    }
    if (s.has("enum")) {
      boolean found = false;
      for (JsonNode e : s.get("enum")) {
        found |= e.equals(value);
      }
      if (!found) {
        problems.add(at + ": " + value + " is not one of " + s.get("enum"));
      }
    }
    if (value.isTextual()) {
      String text = value.asText();
      if (s.has("pattern") && !Pattern.compile(s.get("pattern").asText()).matcher(text).find()) {
        problems.add(at + ": \"" + text + "\" does not match " + s.get("pattern").asText());
      }
      if (s.has("maxLength") && text.length() > s.get("maxLength").asInt()) {
        problems.add(at + ": longer than " + s.get("maxLength").asInt());
      }
      if (s.has("minLength") && text.length() < s.get("minLength").asInt()) {
        problems.add(at + ": shorter than " + s.get("minLength").asInt());
      }
    }
    if (value.isNumber()) {
      if (s.has("minimum") && value.asDouble() < s.get("minimum").asDouble()) {
        problems.add(at + ": less than " + s.get("minimum").asText());
      }
      if (s.has("maximum") && value.asDouble() > s.get("maximum").asDouble()) {
        problems.add(at + ": more than " + s.get("maximum").asText());
      }
    }
    if (value.isArray()) {
      if (s.has("maxItems") && value.size() > s.get("maxItems").asInt()) {
        problems.add(at + ": more than " + s.get("maxItems").asInt() + " items");
      }
      if (s.has("minItems") && value.size() < s.get("minItems").asInt()) {
        problems.add(at + ": fewer than " + s.get("minItems").asInt() + " items");
      }
      for (int i = 0; i < value.size(); i++) {
        check(s.path("items"), value.get(i), path + "[" + i + "]", false);
      }
    }
    if (value.isObject()) {
      checkObject(s, value, path, root);
    }
    for (JsonNode rule : s.path("x-kubernetes-validations")) {
      evaluate(rule, value, at);
    }
  }

  private void checkObject(JsonNode s, JsonNode value, String path, boolean root) {
    String prefix = path.isEmpty() ? "" : path + ".";
    for (JsonNode required : s.path("required")) {
      if (!value.has(required.asText())) {
        problems.add(prefix + required.asText() + ": Required value");
      }
    }
    boolean preserves = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    var fields = value.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String name = f.getKey();
      if (root && (name.equals("apiVersion") || name.equals("kind") || name.equals("metadata"))) {
        continue;
      }
      JsonNode property = s.path("properties").path(name);
      if (!property.isMissingNode()) {
        check(property, f.getValue(), prefix + name, false);
      } else if (s.path("additionalProperties").isObject()) {
        check(s.get("additionalProperties"), f.getValue(), prefix + name, false);
      } else if (!preserves) {
        problems.add(
            "strict decoding error: unknown field \""
                + prefix
                + name
                + "\" (kubectl apply refuses it)");
      }
    }
  }

  private void evaluate(JsonNode rule, JsonNode value, String at) {
    String text = rule.path("rule").asText();
    try {
      Object result =
          RUNTIME
              .createProgram(COMPILER.compile(text).getAst())
              .eval(Map.of("self", toJava(value)));
      if (!Boolean.TRUE.equals(result)) {
        problems.add(at + ": " + rule.path("message").asText("failed rule: " + text));
      }
    } catch (Exception e) {
      problems.add(at + ": rule \"" + text + "\" could not be evaluated: " + e.getMessage());
    }
  }

  private static boolean typeMatches(JsonNode s, JsonNode value) {
    if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return value.isIntegralNumber() || value.isTextual();
    }
    return switch (s.path("type").asText("")) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> true;
    };
  }

  /** The API server defaults absent fields before it validates; so do rules see them. */
  private static void applyDefaults(JsonNode s, JsonNode value) {
    if (value instanceof ObjectNode object) {
      var properties = s.path("properties").fields();
      while (properties.hasNext()) {
        Map.Entry<String, JsonNode> p = properties.next();
        if (!object.has(p.getKey()) && p.getValue().has("default")) {
          object.set(p.getKey(), p.getValue().get("default").deepCopy());
        }
        if (object.has(p.getKey())) {
          applyDefaults(p.getValue(), object.get(p.getKey()));
        }
      }
      if (s.path("additionalProperties").isObject()) {
        object.forEach(child -> applyDefaults(s.get("additionalProperties"), child));
      }
    } else if (value.isArray()) {
      value.forEach(item -> applyDefaults(s.path("items"), item));
    }
  }

  private static Object toJava(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(f -> map.put(f.getKey(), toJava(f.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toJava(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.isNull() ? null : node.asText();
  }
}
