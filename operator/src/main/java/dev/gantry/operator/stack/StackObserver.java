package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.api.stack.Stack;
import dev.gantry.api.stack.StackSpec.SecretParameter;
import dev.gantry.api.stack.StackStatus.ChildReference;
import dev.gantry.api.stack.StackStatus.ComponentStatus;
import dev.gantry.operator.provision.OutputsSecret;
import dev.gantry.operator.provision.ProvisionNames;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what a pass decides from: the Stack's children from the shared per-kind caches (the kinds
 * its components name, and those its status remembers, so a component taken out of the spec is
 * still found), the secret parameters and Provision outputs with a GET each (the user's Secrets are
 * not cached), and the ready endpoints of its Services.
 */
public final class StackObserver {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private final ChildKinds kinds;
  private final Clock clock;

  StackObserver(ChildKinds kinds, Clock clock) {
    this.kinds = kinds;
    this.clock = clock;
  }

  StackObservation observe(Stack stack, StackDefinition def, Context<Stack> context) {
    String namespace = stack.getMetadata().getNamespace();
    String name = stack.getMetadata().getName();
    Map<String, List<JsonNode>> children = new LinkedHashMap<>();
    Map<String, String> kindProblems = new LinkedHashMap<>();
    for (String[] kind : kindsInUse(stack, def)) {
      ChildKinds.Lookup lookup = kinds.lookup(kind[0], kind[1], context);
      if (lookup.problem() != null) {
        kindProblems.put(StackObservation.kindKey(kind[0], kind[1]), lookup.problem());
        continue;
      }
      lookup
          .watched()
          .informer()
          .list(
              namespace, r -> name.equals(r.getMetadata().getLabels().get(StackNames.OWNER_LABEL)))
          .forEach(
              r -> {
                String component = r.getMetadata().getLabels().get(StackNames.COMPONENT_LABEL);
                if (component != null) {
                  children
                      .computeIfAbsent(component, c -> new ArrayList<>())
                      .add(Serialization.jsonMapper().valueToTree(r));
                }
              });
    }
    KubernetesClient client = context.getClient();
    Map<String, String> secretParameters = new LinkedHashMap<>();
    Map<String, String> secretProblems = new LinkedHashMap<>();
    if (!deleting(stack)) {
      readSecretParameters(stack, client, secretParameters, secretProblems);
    }
    Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
    Set<String> sensitive = new LinkedHashSet<>();
    Reads reads = reads(children);
    reads
        .provisions()
        .forEach(
            (component, provision) ->
                readOutputs(client, namespace, provision)
                    .ifPresent(
                        o -> {
                          outputs.put(component, o.values());
                          sensitive.addAll(o.sensitiveValues());
                        }));
    Set<String> services = reads.services();
    Map<String, Integer> endpoints =
        deleting(stack) || services.isEmpty()
            ? Map.of()
            : readyEndpoints(client, namespace, services);
    return new StackObservation(
        stack,
        children,
        secretParameters,
        secretProblems,
        outputs,
        sensitive,
        endpoints,
        kindProblems,
        Set.of(),
        pods(stack, context),
        deleting(stack) && namespaceTerminating(client, namespace),
        clock.instant());
  }

  /**
   * What a Stack's children call for reading besides themselves.
   *
   * @param provisions each Provision child's name, by component: its outputs are read
   * @param services the Service children: their ready endpoints are counted
   */
  public record Reads(Map<String, String> provisions, Set<String> services) {}

  public static Reads reads(Map<String, List<JsonNode>> children) {
    Map<String, String> provisions = new LinkedHashMap<>();
    Set<String> services = new LinkedHashSet<>();
    children.forEach(
        (component, live) -> {
          for (JsonNode child : live) {
            String kind = child.path("kind").asText();
            String childName = child.path("metadata").path("name").asText();
            if ("Provision".equals(kind)
                && child.path("apiVersion").asText().startsWith("gantry.dev/")) {
              provisions.put(component, childName);
            } else if ("Service".equals(kind) && "v1".equals(child.path("apiVersion").asText())) {
              services.add(childName);
            }
          }
        });
    return new Reads(provisions, services);
  }

  /** Each kind the spec names or the status remembers, once. */
  public static List<String[]> kindsInUse(Stack stack, StackDefinition def) {
    Set<String> seen = new HashSet<>();
    List<String[]> kinds = new ArrayList<>();
    for (StackDefinition.Component c : def.components().values()) {
      if (c.apiVersion() != null && c.kind() != null && seen.add(c.apiVersion() + " " + c.kind())) {
        kinds.add(new String[] {c.apiVersion(), c.kind()});
      }
    }
    if (def.components().values().stream()
            .anyMatch(c -> c.preDelete() != null || c.memberActions() != null)
        && seen.add("batch/v1 Job")) {
      kinds.add(new String[] {"batch/v1", "Job"});
    }
    if (stack.getSpec().networkPoliciesEnabled()
        && seen.add(NetworkRules.API_VERSION + " " + NetworkRules.KIND)) {
      kinds.add(new String[] {NetworkRules.API_VERSION, NetworkRules.KIND});
    }
    if (stack.getStatus() != null && stack.getStatus().components != null) {
      for (ComponentStatus row : stack.getStatus().components) {
        for (ChildReference ref : row.children == null ? List.<ChildReference>of() : row.children) {
          if (ref.apiVersion != null
              && ref.kind != null
              && seen.add(ref.apiVersion + " " + ref.kind)) {
            kinds.add(new String[] {ref.apiVersion, ref.kind});
          }
        }
      }
    }
    return kinds;
  }

  public static void readSecretParameters(
      Stack stack,
      KubernetesClient client,
      Map<String, String> values,
      Map<String, String> problems) {
    Map<String, Secret> read = new LinkedHashMap<>();
    for (SecretParameter p : stack.getSpec().secretParameters) {
      String secretName = p.secretKeyRef.name;
      Secret secret =
          read.computeIfAbsent(
              secretName,
              n ->
                  client
                      .secrets()
                      .inNamespace(stack.getMetadata().getNamespace())
                      .withName(n)
                      .get());
      if (secret == null) {
        problems.put(
            p.name,
            "Secret "
                + secretName
                + " not found in namespace "
                + stack.getMetadata().getNamespace()
                + ": create it, or fix secretKeyRef.name");
        continue;
      }
      String value = value(secret, p.secretKeyRef.key);
      if (value == null) {
        problems.put(
            p.name,
            "Secret "
                + secretName
                + " has no key "
                + p.secretKeyRef.key
                + ": add it, or fix secretKeyRef.key");
        continue;
      }
      values.put(p.name, value);
    }
  }

  private static String value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
      return secret.getStringData().get(key);
    }
    return null;
  }

  public record Outputs(Map<String, String> values, Set<String> sensitiveValues) {}

  /** A Provision child's published outputs, once its apply has published them. */
  public static java.util.Optional<Outputs> readOutputs(
      KubernetesClient client, String namespace, String provision) {
    Secret secret =
        client
            .secrets()
            .inNamespace(namespace)
            .withName(ProvisionNames.outputsSecret(provision))
            .get();
    if (secret == null || secret.getData() == null) {
      return java.util.Optional.empty();
    }
    Map<String, String> values = new LinkedHashMap<>();
    secret
        .getData()
        .forEach(
            (k, v) ->
                values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    Set<String> sensitive = new LinkedHashSet<>();
    String marked =
        secret.getMetadata().getAnnotations() == null
            ? null
            : secret.getMetadata().getAnnotations().get(OutputsSecret.SENSITIVE_ANNOTATION);
    if (marked != null) {
      try {
        JSON.readTree(marked)
            .forEach(
                k -> {
                  String v = values.get(k.asText());
                  if (v != null && !v.isEmpty()) {
                    sensitive.add(v);
                  }
                });
      } catch (IOException e) {
        // Unreadable marks: every value is treated as sensitive rather than none.
        values.values().stream().filter(v -> !v.isEmpty()).forEach(sensitive::add);
      }
    }
    return java.util.Optional.of(new Outputs(values, sensitive));
  }

  /** Ready endpoints by Service, from its EndpointSlices (one list for all of the Stack's). */
  public static Map<String, Integer> readyEndpoints(
      KubernetesClient client, String namespace, Set<String> services) {
    Map<String, Integer> ready = new LinkedHashMap<>();
    services.forEach(s -> ready.put(s, 0));
    List<EndpointSlice> slices =
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(namespace)
            .withLabelIn(SERVICE_NAME_LABEL, services.toArray(String[]::new))
            .list()
            .getItems();
    for (EndpointSlice slice : slices) {
      String service = slice.getMetadata().getLabels().get(SERVICE_NAME_LABEL);
      int count = 0;
      for (Endpoint e : slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
        // An endpoint with no ready condition is ready (the API's documented default).
        if (e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady())) {
          count++;
        }
      }
      ready.merge(service, count, Integer::sum);
    }
    return ready;
  }

  /** The Stack's pods by component, from the pod cache (they carry both labels). */
  private static Map<String, List<JsonNode>> pods(Stack stack, Context<Stack> context) {
    Map<String, List<JsonNode>> pods = new LinkedHashMap<>();
    for (Pod pod : context.getSecondaryResources(Pod.class)) {
      var labels = pod.getMetadata().getLabels();
      if (labels == null
          || !stack.getMetadata().getName().equals(labels.get(StackNames.OWNER_LABEL))
          || !stack.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())) {
        continue;
      }
      String component = labels.get(StackNames.COMPONENT_LABEL);
      // A hook Job's pods carry the component's labels (for its network rules) but are not its.
      if (component != null && !labels.containsKey(StackNames.HOOK)) {
        pods.computeIfAbsent(component, c -> new ArrayList<>())
            .add(Serialization.jsonMapper().valueToTree(pod));
      }
    }
    return pods;
  }

  private static boolean namespaceTerminating(KubernetesClient client, String namespace) {
    var ns = client.namespaces().withName(namespace).get();
    return ns != null
        && (ns.getMetadata().getDeletionTimestamp() != null
            || (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase())));
  }

  private static boolean deleting(Stack stack) {
    return stack.getMetadata().getDeletionTimestamp() != null;
  }
}
