package dev.gantry.operator.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Whether what Gantry wants of an object is all in the object as the API server stores it: every
 * field the wanted JSON names has the same value there (arrays element by element, in order);
 * fields the server added are no difference. A null or absent wanted value asks nothing.
 */
public final class JsonSubset {
  private JsonSubset() {}

  public static boolean within(JsonNode wanted, JsonNode actual) {
    if (wanted == null || wanted.isNull() || wanted.isMissingNode()) {
      return true;
    }
    if (actual == null || actual.isNull() || actual.isMissingNode()) {
      return wanted.isObject() && wanted.isEmpty() || wanted.isArray() && wanted.isEmpty();
    }
    if (wanted.isObject()) {
      if (!actual.isObject()) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> fields = wanted.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!within(field.getValue(), actual.get(field.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (wanted.isArray()) {
      if (!actual.isArray() || actual.size() != wanted.size()) {
        return false;
      }
      for (int i = 0; i < wanted.size(); i++) {
        if (!within(wanted.get(i), actual.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (wanted.isNumber() && actual.isNumber()) {
      // 2 written as a long and 2 read back as an int are the same value.
      return wanted.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    return wanted.equals(actual);
  }
}
