package dev.gantry.operator.stack;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.common.types.SimpleType;
import dev.gantry.api.stack.StackComponent;
import dev.gantry.api.stack.StackSpec;
import dev.gantry.operator.stack.StackDefinition.Component;
import dev.gantry.operator.stack.StackDefinition.Problem;
import dev.gantry.operator.stack.StackDefinition.TemplateField;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks and compiles a Stack's spec: what the admission webhook refuses, and what the controller
 * reports when a Stack got past no webhook. Pure: needs no cluster.
 */
public final class StackCompiler {
  public static final String PROVISION_API = "gantry.dev/v1alpha1";
  public static final String MINICLUSTER_API = "flux-framework.org/v1alpha2";

  private static final Pattern NAME = Pattern.compile(StackComponent.NAME_PATTERN);

  /** Kinds that are not namespaced, refused without asking the API server. */
  static final Set<String> CLUSTER_SCOPED =
      Set.of(
          "Namespace",
          "Node",
          "PersistentVolume",
          "ClusterRole",
          "ClusterRoleBinding",
          "CustomResourceDefinition",
          "StorageClass",
          "PriorityClass",
          "IngressClass",
          "RuntimeClass",
          "CSIDriver",
          "CSINode",
          "VolumeAttachment",
          "ValidatingWebhookConfiguration",
          "MutatingWebhookConfiguration",
          "ValidatingAdmissionPolicy",
          "ValidatingAdmissionPolicyBinding",
          "APIService",
          "CertificateSigningRequest",
          "FlowSchema",
          "PriorityLevelConfiguration");

  /** How long a leaving member is held for its leave action when the component does not say. */
  static final Duration DEFAULT_MEMBER_LEAVE_TIMEOUT = Duration.ofMinutes(5);

  private StackCompiler() {}

  /**
   * @param namespace the Stack's namespace: a template may name no other
   */
  public static StackDefinition compile(StackSpec spec, String namespace) {
    List<Problem> problems = new ArrayList<>();
    List<StackComponent> declared =
        spec == null || spec.components == null ? List.of() : spec.components;
    if (declared.isEmpty()) {
      problems.add(new Problem("spec.components", "a Stack needs at least one component"));
    }
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < declared.size(); i++) {
      StackComponent c = declared.get(i);
      String field = "spec.components[" + i + "].name";
      if (c.name == null || !NAME.matcher(c.name).matches()) {
        problems.add(
            new Problem(
                field,
                "\""
                    + c.name
                    + "\" is not a component name: a lower-case letter, then up to 39 letters and"
                    + " digits (camelCase, no dashes: mediaServer, not media-server)"));
      } else if (!names.add(c.name)) {
        problems.add(new Problem(field, "\"" + c.name + "\" names two components; rename one"));
      }
    }
    Set<String> secretNames = new LinkedHashSet<>();
    if (spec != null && spec.secretParameters != null) {
      for (int i = 0; i < spec.secretParameters.size(); i++) {
        var p = spec.secretParameters.get(i);
        if (p.name == null || !secretNames.add(p.name)) {
          problems.add(
              new Problem(
                  "spec.secretParameters[" + i + "].name",
                  p.name == null ? "set a name" : "\"" + p.name + "\" is given twice"));
        }
        if (spec.parameters != null && p.name != null && spec.parameters.has(p.name)) {
          problems.add(
              new Problem(
                  "spec.secretParameters[" + i + "].name",
                  "\"" + p.name + "\" is also a parameter; give the secret one another name"));
        }
      }
    }
    ExpressionEnvironment env =
        new ExpressionEnvironment(spec == null ? null : spec.parameters, secretNames, names);

    Map<String, Component> components = new LinkedHashMap<>();
    for (StackComponent c : declared) {
      if (c.name == null || components.containsKey(c.name) || !names.contains(c.name)) {
        continue;
      }
      Component compiled = component(c, namespace, env, names, problems);
      if (compiled != null) {
        components.put(c.name, compiled);
      }
    }
    Map<String, List<String>> dependencies = new LinkedHashMap<>();
    components.forEach((n, c) -> dependencies.put(n, c.dependsOn()));
    StackGraph graph = new StackGraph(dependencies);
    graph
        .cycle()
        .ifPresent(
            cycle ->
                problems.add(
                    new Problem(
                        "spec.components",
                        "the components depend on each other in a cycle: "
                            + String.join(" → ", cycle)
                            + "; remove one of these references or dependsOn entries")));
    return new StackDefinition(components, graph, List.copyOf(problems), env);
  }

  private static Component component(
      StackComponent c,
      String namespace,
      ExpressionEnvironment env,
      Set<String> names,
      List<Problem> problems) {
    String at = "spec.components[" + c.name + "]";
    int kinds =
        (c.template != null ? 1 : 0)
            + (c.provision != null ? 1 : 0)
            + (c.miniCluster != null ? 1 : 0);
    if (kinds != 1) {
      problems.add(
          new Problem(
              at,
              kinds == 0
                  ? "set one of template, provision and miniCluster"
                  : "sets " + kinds + " of template, provision and miniCluster; keep one"));
      return null;
    }
    StackComponent.Kind type = c.kind();
    ObjectNode body =
        switch (type) {
          case TEMPLATE -> c.template.deepCopy();
          case PROVISION -> c.provision.deepCopy();
          case MINICLUSTER -> c.miniCluster.deepCopy();
        };
    String apiVersion;
    String kind;
    if (type == StackComponent.Kind.TEMPLATE) {
      apiVersion = literal(body, "apiVersion", at + ".template", problems);
      kind = literal(body, "kind", at + ".template", problems);
      checkMetadata(body, namespace, at + ".template", problems);
      if (kind != null && CLUSTER_SCOPED.contains(kind)) {
        problems.add(
            new Problem(
                at + ".template.kind",
                kind + " is cluster-scoped; a Stack makes only namespaced objects"));
      }
    } else {
      apiVersion = type == StackComponent.Kind.PROVISION ? PROVISION_API : MINICLUSTER_API;
      kind = type == StackComponent.Kind.PROVISION ? "Provision" : "MiniCluster";
    }

    List<TemplateField> fields = new ArrayList<>();
    Set<String> dependsOn = new LinkedHashSet<>();
    boolean secretKind =
        type == StackComponent.Kind.TEMPLATE && "Secret".equals(kind) && "v1".equals(apiVersion);
    ExpressionEnvironment.Compiled forEach = forEach(c, at, env, dependsOn, problems);
    walk(
        body,
        JsonPointer.empty(),
        at + "." + type.field(),
        env,
        // each is readable wherever forEach is given, even one refused: one problem, not two
        c.forEach == null ? ExpressionEnvironment.Use.TEMPLATE : ExpressionEnvironment.Use.EACH,
        secretKind,
        fields,
        dependsOn,
        problems);
    if (forEach != null
        && fields.stream()
            .filter(f -> f.pointer().toString().equals("/metadata/name"))
            .flatMap(f -> f.expressions().stream())
            .noneMatch(ExpressionEnvironment.Compiled::readsEach)) {
      problems.add(
          new Problem(
              at + ".template.metadata.name",
              "a forEach makes one object per item, so the name must read each and differ per"
                  + " item: for example name: media-${each.name} (or media-${each} for a list of"
                  + " strings)"));
    }

    if (c.dependsOn != null) {
      for (String d : c.dependsOn) {
        if (!names.contains(d)) {
          problems.add(
              new Problem(
                  at + ".dependsOn",
                  "\""
                      + d
                      + "\" is not a component of this Stack (components: "
                      + String.join(", ", names)
                      + ")"));
        } else {
          dependsOn.add(d);
        }
      }
    }
    List<ExpressionEnvironment.Compiled> include =
        conditions(
            c.includeWhen, ExpressionEnvironment.Use.INCLUDE, at + ".includeWhen", env, problems);
    List<ExpressionEnvironment.Compiled> ready =
        conditions(c.readyWhen, ExpressionEnvironment.Use.READY, at + ".readyWhen", env, problems);
    Duration timeout = duration(c.timeout, at + ".timeout", problems);
    if (c.metrics != null
        && (apiVersion == null || kind == null || !NetworkRules.runsPods(apiVersion, kind))) {
      problems.add(
          new Problem(
              at + ".metrics",
              "metrics are scraped from pods; "
                  + (kind == null ? "this component" : "a " + kind)
                  + " runs none. Declare them on the component that runs the pods"));
    }
    if (c.ports != null
        && !c.ports.isEmpty()
        && (apiVersion == null || kind == null || !NetworkRules.runsPods(apiVersion, kind))) {
      problems.add(
          new Problem(
              at + ".ports",
              "ports apply to a component that runs pods (a Deployment, StatefulSet, DaemonSet,"
                  + " Job, CronJob or Pod); "
                  + (kind == null ? "this one" : "a " + kind)
                  + " runs none. For a Service, declare the ports on the workload it fronts"
                  + " and let the Service depend on it"));
    }
    // Compiled before the component, so what the hooks read is waited for (and outlives them).
    Component hook =
        c.preDelete == null
            ? null
            : hookJob(
                c,
                c.preDelete,
                at + ".preDelete",
                ExpressionEnvironment.Use.TEMPLATE,
                env,
                dependsOn,
                timeout,
                problems);
    StackDefinition.MemberActions memberActions =
        memberActions(c, at, apiVersion, kind, env, dependsOn, timeout, problems);
    return new Component(
        c.name,
        type,
        apiVersion,
        kind,
        body,
        List.copyOf(fields),
        List.copyOf(dependsOn),
        include,
        ready,
        timeout,
        c.orphans(),
        c.ports == null ? List.of() : List.copyOf(c.ports),
        c.isPublic(),
        forEach,
        driftIgnored(c, at, problems),
        c.metrics,
        hook,
        memberActions);
  }

  /** onMemberJoin and onMemberLeave, on a component that runs pods. */
  private static StackDefinition.MemberActions memberActions(
      StackComponent c,
      String at,
      String apiVersion,
      String kind,
      ExpressionEnvironment env,
      Set<String> dependsOn,
      Duration timeout,
      List<Problem> problems) {
    Duration leaveTimeout =
        c.memberLeaveTimeout == null
            ? DEFAULT_MEMBER_LEAVE_TIMEOUT
            : duration(c.memberLeaveTimeout, at + ".memberLeaveTimeout", problems);
    if (c.onMemberJoin == null && c.onMemberLeave == null) {
      return null;
    }
    if (apiVersion == null || kind == null || !NetworkRules.runsPods(apiVersion, kind)) {
      problems.add(
          new Problem(
              at + (c.onMemberJoin != null ? ".onMemberJoin" : ".onMemberLeave"),
              "members are pods; "
                  + (kind == null ? "this component" : "a " + kind)
                  + " runs none. Declare member actions on the component that runs the pods"));
      return null;
    }
    ExpressionEnvironment.Use use = ExpressionEnvironment.Use.MEMBER;
    Component join =
        c.onMemberJoin == null
            ? null
            : hookJob(
                c, c.onMemberJoin, at + ".onMemberJoin", use, env, dependsOn, timeout, problems);
    Component leave =
        c.onMemberLeave == null
            ? null
            : hookJob(
                c, c.onMemberLeave, at + ".onMemberLeave", use, env, dependsOn, timeout, problems);
    return new StackDefinition.MemberActions(join, leave, leaveTimeout);
  }

  /** A Job a component runs besides its own objects, compiled as a Job template of its own. */
  private static Component hookJob(
      StackComponent c,
      ObjectNode spec,
      String at,
      ExpressionEnvironment.Use use,
      ExpressionEnvironment env,
      Set<String> dependsOn,
      Duration timeout,
      List<Problem> problems) {
    ObjectNode job = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    job.put("apiVersion", "batch/v1");
    job.put("kind", "Job");
    job.set("spec", spec.deepCopy());
    List<TemplateField> fields = new ArrayList<>();
    walk(
        job.get("spec"),
        JsonPointer.compile("/spec"),
        at,
        env,
        use,
        false,
        fields,
        dependsOn,
        problems);
    return Component.synthetic(c.name, "batch/v1", "Job", job, List.copyOf(fields), timeout, false);
  }

  private static final Pattern DOTTED = Pattern.compile("^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$");

  /** drift.ignore's dotted paths as pointers; metadata and the kind's identity are Gantry's. */
  private static List<JsonPointer> driftIgnored(
      StackComponent c, String at, List<Problem> problems) {
    List<JsonPointer> pointers = new ArrayList<>();
    List<String> paths = c.driftIgnored();
    for (int i = 0; i < paths.size(); i++) {
      String path = paths.get(i);
      String field = at + ".drift.ignore[" + i + "]";
      if (path == null || !DOTTED.matcher(path).matches()) {
        problems.add(
            new Problem(
                field, "\"" + path + "\" is not a dotted field path such as spec.replicas"));
      } else if (path.equals("apiVersion") || path.equals("kind") || path.startsWith("metadata")) {
        problems.add(
            new Problem(
                field,
                path
                    + " is how Gantry knows the object; only fields below spec, data and the"
                    + " like may be left to others"));
      } else {
        pointers.add(JsonPointer.compile("/" + path.replace(".", "/")));
      }
    }
    return List.copyOf(pointers);
  }

  /** A collection's expression: one ${...} giving a list, on a template. Null when none. */
  private static ExpressionEnvironment.Compiled forEach(
      StackComponent c,
      String at,
      ExpressionEnvironment env,
      Set<String> dependsOn,
      List<Problem> problems) {
    if (c.forEach == null) {
      return null;
    }
    String field = at + ".forEach";
    if (c.kind() != StackComponent.Kind.TEMPLATE) {
      problems.add(
          new Problem(
              field,
              "forEach applies to a template; a provision or miniCluster component makes one"
                  + " object"));
      return null;
    }
    TemplateText text;
    try {
      text = TemplateText.parse(c.forEach);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(field, e.getMessage()));
      return null;
    }
    if (!text.whole()) {
      problems.add(
          new Problem(
              field,
              "must be one ${expression} giving a list, for example ${parameters.mediaServers}"));
      return null;
    }
    String source = text.expressions().get(0);
    ExpressionEnvironment.Compiled compiled;
    try {
      compiled = env.compile(source, ExpressionEnvironment.Use.TEMPLATE);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(field, "${" + source + "}: " + e.getMessage()));
      return null;
    }
    var type = compiled.type();
    if (!(type instanceof dev.cel.common.types.ListType)
        && type != dev.cel.common.types.SimpleType.DYN) {
      problems.add(
          new Problem(
              field,
              "${" + source + "} gives " + type.name() + ", not a list: forEach needs a list"));
      return null;
    }
    if (compiled.readsSecrets()) {
      problems.add(
          new Problem(
              field, "${" + source + "} reads a secret; a collection's items are not secret"));
      return null;
    }
    dependsOn.addAll(compiled.components());
    return compiled;
  }

  private static String literal(
      ObjectNode template, String field, String at, List<Problem> problems) {
    JsonNode value = template.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      problems.add(new Problem(at + "." + field, "set " + field + ", as in the object's manifest"));
      return null;
    }
    if (!TemplateText.parse(value.asText()).literal()) {
      problems.add(
          new Problem(
              at + "." + field, field + " must be written out, not computed by an expression"));
      return null;
    }
    return value.asText();
  }

  private static void checkMetadata(
      ObjectNode template, String namespace, String at, List<Problem> problems) {
    JsonNode metadata = template.get("metadata");
    if (metadata == null
        || !metadata.isObject()
        || !metadata.hasNonNull("name")
        || !metadata.get("name").isTextual()
        || metadata.get("name").asText().isBlank()) {
      problems.add(
          new Problem(
              at + ".metadata.name",
              "set metadata.name: Gantry finds the object again by its name"
                  + (metadata != null && metadata.has("generateName")
                      ? " (generateName would make a new object on every pass)"
                      : "")));
      return;
    }
    JsonNode ns = metadata.get("namespace");
    if (ns != null && !ns.isNull() && !ns.asText().equals(namespace)) {
      problems.add(
          new Problem(
              at + ".metadata.namespace",
              "\""
                  + ns.asText()
                  + "\" is another namespace; a Stack makes its objects in its own ("
                  + namespace
                  + "): remove metadata.namespace"));
    }
  }

  private static void walk(
      JsonNode node,
      JsonPointer pointer,
      String at,
      ExpressionEnvironment env,
      ExpressionEnvironment.Use use,
      boolean secretKind,
      List<TemplateField> fields,
      Set<String> dependsOn,
      List<Problem> problems) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              f ->
                  walk(
                      f.getValue(),
                      pointer.appendProperty(f.getKey()),
                      at + "." + f.getKey(),
                      env,
                      use,
                      secretKind,
                      fields,
                      dependsOn,
                      problems));
      return;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(
            node.get(i),
            pointer.appendIndex(i),
            at + "[" + i + "]",
            env,
            use,
            secretKind,
            fields,
            dependsOn,
            problems);
      }
      return;
    }
    if (!node.isTextual()) {
      return;
    }
    TemplateText text;
    try {
      text = TemplateText.parse(node.asText());
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(at, e.getMessage()));
      return;
    }
    boolean secretAllowed = secretKind && secretField(pointer);
    if (text.literal()) {
      if (node.asText().contains("$${")) {
        // No expression, but an escaped ${ to write as a literal one when rendered.
        fields.add(new TemplateField(pointer, text, List.of(), secretAllowed));
      }
      return;
    }
    List<ExpressionEnvironment.Compiled> compiled = new ArrayList<>();
    for (String source : text.expressions()) {
      try {
        var expression = env.compile(source, use);
        if (expression.readsSecrets() && !secretAllowed) {
          problems.add(
              new Problem(
                  at,
                  "${"
                      + source
                      + "} reads a secret, which may go only into a Secret template's"
                      + " data or stringData; put it in a Secret component and refer to that"
                      + " Secret by name (secretKeyRef, envFrom, a volume)"));
        }
        dependsOn.addAll(expression.components());
        compiled.add(expression);
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(at, "${" + source + "}: " + e.getMessage()));
      }
    }
    fields.add(new TemplateField(pointer, text, List.copyOf(compiled), secretAllowed));
  }

  /** A Secret's data or stringData value: /data/<key> or /stringData/<key>. */
  static boolean secretField(JsonPointer pointer) {
    String p = pointer.toString();
    return p.matches("^/(data|stringData)/[^/]+$");
  }

  private static List<ExpressionEnvironment.Compiled> conditions(
      List<String> sources,
      ExpressionEnvironment.Use use,
      String at,
      ExpressionEnvironment env,
      List<Problem> problems) {
    List<ExpressionEnvironment.Compiled> compiled = new ArrayList<>();
    if (sources == null) {
      return compiled;
    }
    for (int i = 0; i < sources.size(); i++) {
      String source = stripBraces(sources.get(i));
      try {
        var expression = env.compile(source, use);
        var type = expression.type();
        if (type != SimpleType.BOOL && type != SimpleType.DYN) {
          problems.add(
              new Problem(
                  at + "[" + i + "]",
                  source + " is of type " + type.name() + "; a condition must be a bool"));
        } else {
          compiled.add(expression);
        }
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(at + "[" + i + "]", e.getMessage()));
      }
    }
    return List.copyOf(compiled);
  }

  /** Conditions may be written bare or as one ${...}, as in templates. */
  private static String stripBraces(String source) {
    if (source == null) {
      return "";
    }
    TemplateText text;
    try {
      text = TemplateText.parse(source.strip());
    } catch (IllegalArgumentException e) {
      return source;
    }
    return text.whole() ? text.parts().get(0).text() : source;
  }

  static Duration duration(String text, String at, List<Problem> problems) {
    if (text == null || text.isBlank()) {
      return Duration.ofMinutes(10);
    }
    var parsed = dev.gantry.api.Durations.parse(text).filter(d -> !d.isZero());
    if (parsed.isEmpty()) {
      problems.add(
          new Problem(at, "\"" + text + "\" is not a duration; write it like 90s, 10m or 1h30m"));
      return Duration.ofMinutes(10);
    }
    return parsed.get();
  }
}
