package dev.gantry.operator.stack;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.api.stack.StackComponent;
import dev.gantry.operator.stack.StackDefinition.Component;
import dev.gantry.operator.stack.StackDefinition.TemplateField;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Renders a component into the object Gantry writes: expressions evaluated, the Stack's labels and
 * owner reference added, a Secret's stringData folded into data as the API server would. Pure.
 */
public final class TemplateRenderer {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private TemplateRenderer() {}

  /** Who owns the children. */
  public record Owner(String apiVersion, String kind, String name, String namespace, String uid) {}

  /**
   * The object to write, and the hash of it that tells a change of the Stack from a change of the
   * object.
   */
  public record Rendered(ObjectNode object, String hash) {
    public String name() {
      return object.path("metadata").path("name").asText();
    }

    public String apiVersion() {
      return object.path("apiVersion").asText();
    }

    public String kind() {
      return object.path("kind").asText();
    }
  }

  /**
   * @param variables parameters, secretParameters and components, as CEL reads them
   * @param sensitive values that must not appear outside a Secret (sensitive outputs)
   * @throws IllegalArgumentException when an expression fails, with the field and why
   */
  public static Rendered render(
      Component component, Owner owner, Map<String, ?> variables, Collection<String> sensitive) {
    ObjectNode body = component.body().deepCopy();
    String at = "spec.components[" + component.name() + "]." + component.type().field();
    for (TemplateField field : component.fields()) {
      JsonNode value = value(field, variables, at + path(field.pointer()));
      set(body, field.pointer(), value);
    }
    ObjectNode object;
    if (component.type() == StackComponent.Kind.TEMPLATE) {
      object = body;
    } else {
      object = NODES.objectNode();
      object.put("apiVersion", component.apiVersion());
      object.put("kind", component.kind());
      object.putObject("metadata").put("name", StackNames.child(owner.name(), component.name()));
      object.set("spec", body);
    }
    ObjectNode metadata = object.with("metadata");
    metadata.put("namespace", owner.namespace());
    ObjectNode labels = metadata.with("labels");
    StackNames.labels(owner.name(), component.name()).forEach(labels::put);
    ObjectNode pods = NetworkRules.podTemplate(object);
    if (pods != null && pods != object) {
      // The pods carry the Stack and the component too, so network rules can select them.
      ObjectNode podLabels = pods.with("metadata").with("labels");
      podLabels.put(StackNames.OWNER_LABEL, owner.name());
      podLabels.put(StackNames.COMPONENT_LABEL, component.name());
      if (component.metrics() != null) {
        // The convention many Prometheus setups scrape by, beside Gantry's own discovery.
        ObjectNode podAnnotations = pods.with("metadata").with("annotations");
        podAnnotations.put("prometheus.io/scrape", "true");
        podAnnotations.put("prometheus.io/port", String.valueOf(component.metrics().port));
        podAnnotations.put("prometheus.io/path", component.metrics().pathOrDefault());
      }
    }
    ArrayNode owners = NODES.arrayNode();
    owners
        .addObject()
        .put("apiVersion", owner.apiVersion())
        .put("kind", owner.kind())
        .put("name", owner.name())
        .put("uid", owner.uid())
        // No blockOwnerDeletion: the Stack's own finalizer orders its teardown, and the flag
        // would need update on stacks/finalizers from the account the child is written as
        // wherever OwnerReferencesPermissionEnforcement is on (OpenShift).
        .put("controller", true);
    metadata.set("ownerReferences", owners);
    if (component.orphan()) {
      metadata.with("annotations").put(StackNames.DELETION_POLICY, "Orphan");
    }
    boolean secret = isSecret(object);
    if (secret) {
      foldStringData(object);
    } else {
      refuseSensitive(object, sensitive, at);
    }
    String hash = CanonicalJson.sha256(object);
    if (!secret) {
      // kubectl apply's memory of what it wrote, so a field taken out of the template is taken out
      // of the object; never on a Secret, whose values it would copy into an annotation.
      metadata.with("annotations").put(StackNames.LAST_APPLIED, CanonicalJson.text(object));
    }
    return new Rendered(object, hash);
  }

  static boolean isSecret(JsonNode object) {
    return "v1".equals(object.path("apiVersion").asText())
        && "Secret".equals(object.path("kind").asText());
  }

  private static JsonNode value(TemplateField field, Map<String, ?> variables, String at) {
    try {
      if (field.text().whole()) {
        return CelValues.json(
            ExpressionEnvironment.evaluate(field.expressions().get(0), variables));
      }
      StringBuilder text = new StringBuilder();
      int e = 0;
      for (TemplateText.Part part : field.text().parts()) {
        if (part.expression()) {
          text.append(
              CelValues.text(
                  ExpressionEnvironment.evaluate(field.expressions().get(e++), variables)));
        } else {
          text.append(part.text());
        }
      }
      return NODES.textNode(text.toString());
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException(at + ": " + ex.getMessage(), ex);
    }
  }

  private static String path(JsonPointer pointer) {
    StringBuilder path = new StringBuilder();
    JsonPointer p = pointer;
    while (p != null && !p.matches()) {
      if (p.mayMatchElement() && p.getMatchingProperty().chars().allMatch(Character::isDigit)) {
        path.append('[').append(p.getMatchingIndex()).append(']');
      } else {
        path.append('.').append(p.getMatchingProperty());
      }
      p = p.tail();
    }
    return path.toString();
  }

  private static void set(ObjectNode root, JsonPointer pointer, JsonNode value) {
    JsonNode parent = root.at(pointer.head());
    String last = pointer.last().getMatchingProperty();
    if (parent.isObject()) {
      ((ObjectNode) parent).set(last, value);
    } else if (parent.isArray()) {
      ((ArrayNode) parent).set(pointer.last().getMatchingIndex(), value);
    }
  }

  /** stringData into data, base64, as the API server stores it; compares equal with what it has. */
  private static void foldStringData(ObjectNode secret) {
    JsonNode stringData = secret.remove("stringData");
    if (stringData == null || !stringData.isObject()) {
      return;
    }
    ObjectNode data = secret.with("data");
    stringData
        .fields()
        .forEachRemaining(
            f ->
                data.put(
                    f.getKey(),
                    Base64.getEncoder()
                        .encodeToString(f.getValue().asText().getBytes(StandardCharsets.UTF_8))));
  }

  /** A sensitive output's value found in a plain field is refused, naming the field only. */
  private static void refuseSensitive(JsonNode node, Collection<String> sensitive, String at) {
    if (sensitive.isEmpty()) {
      return;
    }
    check(node, sensitive, "", at);
  }

  private static void check(JsonNode node, Collection<String> sensitive, String path, String at) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        var f = fields.next();
        check(f.getValue(), sensitive, path + "." + f.getKey(), at);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        check(node.get(i), sensitive, path + "[" + i + "]", at);
      }
    } else if (node.isTextual()) {
      String text = node.asText();
      for (String s : sensitive) {
        if (s.length() >= 4 && text.contains(s)) {
          throw new IllegalArgumentException(
              at
                  + path
                  + ": holds an output the tool marks sensitive; sensitive values may go only into"
                  + " a Secret's data or stringData");
        }
      }
    }
  }
}
