package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.api.stack.StackComponent.ComponentPort;
import dev.gantry.operator.stack.StackDefinition.Component;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Stack's network rules — the security group per service of the procedure it replaces — as
 * NetworkPolicies, from the graph: a component's pods accept traffic only on the ports it declares,
 * only from the components that reference or depend on it (directly, or through a Service component
 * that depends on it, as a Service fronts its workload), and from anywhere when it is exposed
 * publicly. A component that runs pods and declares no ports accepts nothing. Only ingress is
 * ruled. Pure.
 */
public final class NetworkRules {
  static final String API_VERSION = "networking.k8s.io/v1";
  static final String KIND = "NetworkPolicy";

  /** Where each kind that runs pods keeps its pod template (within the object). */
  private static final Map<String, String> POD_TEMPLATES =
      Map.of(
          "apps/Deployment", "/spec/template",
          "apps/StatefulSet", "/spec/template",
          "apps/DaemonSet", "/spec/template",
          "apps/ReplicaSet", "/spec/template",
          "batch/Job", "/spec/template",
          "batch/CronJob", "/spec/jobTemplate/spec/template",
          "/Pod", "");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private NetworkRules() {}

  static boolean runsPods(JsonNode object) {
    return POD_TEMPLATES.containsKey(key(object));
  }

  public static boolean runsPods(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    return POD_TEMPLATES.containsKey(
        (slash < 0 ? "" : apiVersion.substring(0, slash)) + "/" + kind);
  }

  /** The pod template of an object that runs pods (the object itself for a Pod), or null. */
  static ObjectNode podTemplate(ObjectNode object) {
    String path = POD_TEMPLATES.get(key(object));
    if (path == null) {
      return null;
    }
    if (path.isEmpty()) {
      return object;
    }
    JsonNode template = object.at(path);
    return template.isObject() ? (ObjectNode) template : null;
  }

  private static String key(JsonNode object) {
    String apiVersion = object.path("apiVersion").asText();
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    return group + "/" + object.path("kind").asText();
  }

  /** The policy for {@code c}'s pods, rendered as a child of the component. */
  static TemplateRenderer.Rendered policy(
      StackDefinition def, Component c, TemplateRenderer.Owner owner) {
    ObjectNode policy = NODES.objectNode();
    policy.put("apiVersion", API_VERSION);
    policy.put("kind", KIND);
    policy.putObject("metadata").put("name", name(owner.name(), c.name()));
    ObjectNode body = policy.putObject("spec");
    body.putObject("podSelector").set("matchLabels", selector(owner.name(), c.name()));
    body.putArray("policyTypes").add("Ingress");
    ArrayNode ingress = body.putArray("ingress");
    List<ComponentPort> ports = c.ports();
    if (!ports.isEmpty()) {
      Set<String> peers = peers(def, c.name());
      if (!peers.isEmpty()) {
        ObjectNode rule = ingress.addObject();
        ObjectNode from = rule.putArray("from").addObject().putObject("podSelector");
        from.putObject("matchLabels").put(StackNames.OWNER_LABEL, owner.name());
        ObjectNode in = from.putArray("matchExpressions").addObject();
        in.put("key", StackNames.COMPONENT_LABEL).put("operator", "In");
        ArrayNode values = in.putArray("values");
        peers.forEach(values::add);
        rule.set("ports", ports(ports));
      }
      if (c.exposed()) {
        ingress.addObject().set("ports", ports(ports));
      }
    }
    Component synthetic =
        Component.synthetic(
            c.name(), API_VERSION, KIND, policy, List.of(), c.timeout(), c.orphan());
    return TemplateRenderer.render(synthetic, owner, Map.of(), Set.of());
  }

  static String name(String stack, String component) {
    return StackNames.child(stack, component) + "-ingress";
  }

  private static ObjectNode selector(String stack, String component) {
    ObjectNode labels = NODES.objectNode();
    labels.put(StackNames.OWNER_LABEL, stack);
    labels.put(StackNames.COMPONENT_LABEL, component);
    return labels;
  }

  private static ArrayNode ports(List<ComponentPort> ports) {
    ArrayNode list = NODES.arrayNode();
    for (ComponentPort p : ports) {
      list.addObject().put("port", p.port).put("protocol", p.protocol == null ? "TCP" : p.protocol);
    }
    return list;
  }

  /**
   * The components whose pods may reach {@code target}'s: those that depend on it, and those that
   * depend on a Service component that depends on it (a Service passes traffic on to what it
   * fronts), in name order.
   */
  public static Set<String> peers(StackDefinition def, String target) {
    Set<String> peers = new TreeSet<>();
    Set<String> fronts = new HashSet<>();
    Deque<String> reached = new ArrayDeque<>(List.of(target));
    while (!reached.isEmpty()) {
      String t = reached.pop();
      for (Component d : def.components().values()) {
        if (!d.dependsOn().contains(t)) {
          continue;
        }
        if ("v1".equals(d.apiVersion()) && "Service".equals(d.kind())) {
          if (fronts.add(d.name())) {
            reached.push(d.name());
          }
        } else {
          peers.add(d.name());
        }
      }
    }
    return peers;
  }
}
