package dev.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.api.stack.Stack;
import dev.gantry.operator.stack.StackDefinition;
import dev.gantry.operator.stack.StackNames;
import dev.gantry.operator.stack.StackObservation;
import dev.gantry.operator.stack.StackObserver;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the operator's {@link StackObserver} reads for a pass, read here with plain lists and GETs
 * instead of its informer caches: the Stack's children of every kind its spec names or its status
 * remembers, its pods, its secret parameters, its Provisions' outputs and its Services' ready
 * endpoints. The planner then decides from it exactly as in the operator.
 */
final class LiveStackReads {
  private LiveStackReads() {}

  /**
   * @param stack the Stack to plan: its metadata and status the live one's, its spec the one to try
   */
  static StackObservation observe(
      KubernetesClient client, ServedKinds kinds, Stack stack, StackDefinition def, Instant now) {
    String namespace = stack.getMetadata().getNamespace();
    String name = stack.getMetadata().getName();
    Map<String, List<JsonNode>> children = new LinkedHashMap<>();
    Map<String, String> kindProblems = new LinkedHashMap<>();
    for (String[] kind : StackObserver.kindsInUse(stack, def)) {
      String key = StackObservation.kindKey(kind[0], kind[1]);
      ServedKinds.Kind served = kinds.lookup(kind[0], kind[1]);
      if (served.problem() != null) {
        kindProblems.put(key, served.problem());
        continue;
      }
      List<GenericKubernetesResource> items;
      try {
        items =
            client
                .genericKubernetesResources(served.definition())
                .inNamespace(namespace)
                .withLabel(StackNames.OWNER_LABEL, name)
                .list()
                .getItems();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 403) {
          throw e;
        }
        // Read as the user, who may see less than the operator: said, not guessed around.
        kindProblems.put(
            key, "you may not list " + served.definition().getPlural() + ": " + message(e));
        continue;
      }
      for (GenericKubernetesResource item : items) {
        String component = item.getMetadata().getLabels().get(StackNames.COMPONENT_LABEL);
        if (component != null) {
          children
              .computeIfAbsent(component, c -> new ArrayList<>())
              .add(Serialization.jsonMapper().valueToTree(item));
        }
      }
    }

    Map<String, String> secretParameters = new LinkedHashMap<>();
    Map<String, String> secretProblems = new LinkedHashMap<>();
    read(
        "the Secrets spec.secretParameters names",
        () -> {
          StackObserver.readSecretParameters(stack, client, secretParameters, secretProblems);
          return null;
        });

    // What the operator's observer reads besides the children, read here as the user.
    Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
    Set<String> sensitive = new LinkedHashSet<>();
    StackObserver.Reads reads = StackObserver.reads(children);
    reads
        .provisions()
        .forEach(
            (component, provision) ->
                read(
                        "Provision " + provision + "'s outputs",
                        () -> StackObserver.readOutputs(client, namespace, provision))
                    .ifPresent(
                        o -> {
                          outputs.put(component, o.values());
                          sensitive.addAll(o.sensitiveValues());
                        }));
    Set<String> services = reads.services();
    Map<String, Integer> endpoints =
        services.isEmpty()
            ? Map.of()
            : read(
                "the EndpointSlices of its Services",
                () -> StackObserver.readyEndpoints(client, namespace, services));

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
        read("its pods", () -> pods(client, namespace, name)),
        false,
        now);
  }

  /** The Stack's pods by component; a hook Job's pods carry the labels but are not members. */
  private static Map<String, List<JsonNode>> pods(
      KubernetesClient client, String namespace, String stack) {
    Map<String, List<JsonNode>> pods = new LinkedHashMap<>();
    for (Pod pod :
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(StackNames.OWNER_LABEL, stack)
            .list()
            .getItems()) {
      Map<String, String> labels = pod.getMetadata().getLabels();
      String component = labels.get(StackNames.COMPONENT_LABEL);
      if (component != null && !labels.containsKey(StackNames.HOOK)) {
        pods.computeIfAbsent(component, c -> new ArrayList<>())
            .add(Serialization.jsonMapper().valueToTree(pod));
      }
    }
    return pods;
  }

  /** A read the diff cannot do without: refused, it ends the command saying what and why. */
  private static <T> T read(String what, Supplier<T> read) {
    try {
      return read.get();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      throw new UserError(
          "cannot read "
              + what
              + ": "
              + message(e)
              + "\nThe diff renders the Stack as the operator would, and needs what it reads (it"
              + " prints no secret value).",
          StackCommand.Diff.TROUBLE);
    }
  }

  static String message(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }
}
