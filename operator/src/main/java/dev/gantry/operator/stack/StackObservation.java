package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.api.stack.Stack;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the planner decides from: the Stack as cached, its children as the informers have them, and
 * what the children's expressions read besides (secret parameters, Provision outputs, Service
 * endpoints), all read before deciding.
 *
 * @param children the Stack's live children by component (label), each as the API server has it
 * @param secretParameters the values of spec.secretParameters that could be read
 * @param secretProblems why others could not (a missing Secret or key), by parameter name
 * @param outputs a Provision component's outputs by key, for components whose outputs were read
 * @param sensitiveOutputs the outputs their tool marks sensitive
 * @param readyEndpoints ready endpoints by Service name, for the Services that were asked about
 * @param kindProblems why a kind cannot be used ("apps/v1 Deployment": not served, forbidden, ...)
 * @param kindsPending kinds whose cache is not filled yet: their components wait
 * @param pods the pods of the components that run them, by component (their members)
 * @param namespaceTerminating the Stack's namespace is being deleted (read only while deleting)
 */
public record StackObservation(
    Stack stack,
    Map<String, List<JsonNode>> children,
    Map<String, String> secretParameters,
    Map<String, String> secretProblems,
    Map<String, Map<String, String>> outputs,
    Set<String> sensitiveOutputs,
    Map<String, Integer> readyEndpoints,
    Map<String, String> kindProblems,
    Set<String> kindsPending,
    Map<String, List<JsonNode>> pods,
    boolean namespaceTerminating,
    Instant now) {

  /** The key kinds are known by: "apiVersion Kind". */
  public static String kindKey(String apiVersion, String kind) {
    return apiVersion + " " + kind;
  }

  public List<JsonNode> childrenOf(String component) {
    return children.getOrDefault(component, List.of());
  }

  public List<JsonNode> podsOf(String component) {
    return pods.getOrDefault(component, List.of());
  }

  public boolean deleting() {
    return stack.getMetadata().getDeletionTimestamp() != null;
  }
}
