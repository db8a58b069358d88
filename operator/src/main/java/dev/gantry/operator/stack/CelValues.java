package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON to the values CEL evaluates over (integers as long, objects as maps) and back. The
 * conversion back refuses what JSON cannot hold, naming the CEL type.
 */
final class CelValues {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private CelValues() {}

  static Object of(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(f -> map.put(f.getKey(), of(f.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.forEach(e -> list.add(of(e)));
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
    return node.asText();
  }

  static JsonNode json(Object value) {
    if (value == null
        || value instanceof NullValue
        || value instanceof com.google.protobuf.NullValue) {
      return NODES.nullNode();
    }
    if (value instanceof String s) {
      return NODES.textNode(s);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (value instanceof Integer i) {
      return NODES.numberNode(i.longValue());
    }
    if (value instanceof UnsignedLong u) {
      return NODES.numberNode(u.bigIntegerValue());
    }
    if (value instanceof Double d) {
      if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
        // 2.0 from arithmetic on numbers that were written as integers: keep it an integer,
        // which is what fields like replicas accept.
        return NODES.numberNode(d.longValue());
      }
      return NODES.numberNode(d);
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      map.forEach((k, v) -> object.set(String.valueOf(k), json(v)));
      return object;
    }
    if (value instanceof Iterable<?> list) {
      ArrayNode array = NODES.arrayNode();
      list.forEach(e -> array.add(json(e)));
      return array;
    }
    throw new IllegalArgumentException(
        "a value of CEL type " + value.getClass().getSimpleName() + " cannot be written as JSON");
  }

  /** The text of a value put into a longer string. */
  static String text(Object value) {
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof Map<?, ?> || value instanceof Iterable<?>) {
      throw new IllegalArgumentException(
          "a "
              + (value instanceof Map<?, ?> ? "map" : "list")
              + " cannot be part of a longer string; make the expression the whole value, or"
              + " join it, for example ${list.join(',')}");
    }
    JsonNode json = json(value);
    return json.isTextual() ? json.asText() : json.toString();
  }
}
