package dev.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.api.stack.StackStatus.ComponentPhase;
import dev.gantry.api.stack.StackStatus.ComponentStatus;
import dev.gantry.operator.stack.StackAction;
import dev.gantry.operator.stack.StackDefinition;
import dev.gantry.operator.stack.StackNames;
import dev.gantry.operator.stack.StackObservation;
import dev.gantry.operator.stack.StackPlanner;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What applying an edited Stack would change now, component by component. The operator's own
 * planner decides from the live children and the edited spec, so the writes listed are exactly
 * those its next pass would make; each create and update is then sent to the API server as a dry
 * run (validated, admitted and defaulted, nothing stored), and an update's answer is compared with
 * the live object field by field.
 */
final class StackDiff {
  /** The kinds of write, as the output marks them. */
  enum Verb {
    CREATE("+ create"),
    UPDATE("~ update"),
    DELETE("- delete"),
    RELEASE("release");

    final String mark;

    Verb(String mark) {
      this.mark = mark;
    }
  }

  /**
   * One write the operator would make.
   *
   * @param reason why an update is made, when not because the Stack changed (a hand edit put back)
   * @param changes for an update, the fields the dry run changed
   * @param refusal the API server's refusal of the dry run, or null
   */
  record Write(
      Verb verb,
      String kind,
      String name,
      String reason,
      List<FieldChanges.Change> changes,
      String refusal) {}

  /**
   * One component: the writes it would get, or, with none, where it stands.
   *
   * @param row its status row as the operator would write it after this pass
   * @param heldBy components it reads that are not Ready: the operator re-renders it only once they
   *     are, so its own changes, if any, are not known yet
   */
  record ComponentDiff(
      String name, boolean removed, ComponentStatus row, List<Write> writes, List<String> heldBy) {}

  /**
   * @param kindProblems kinds that could not be read or written, by "apiVersion Kind"
   */
  record Result(List<ComponentDiff> components, Map<String, String> kindProblems) {
    boolean changes() {
      return components.stream().anyMatch(c -> !c.writes().isEmpty());
    }

    /** Something would be refused, or could not be looked at: the diff is not the whole story. */
    boolean trouble() {
      return !kindProblems.isEmpty()
          || components.stream()
              .anyMatch(
                  c ->
                      c.writes().stream().anyMatch(w -> w.refusal() != null)
                          || (c.row() != null && "RenderFailed".equals(c.row().reason)));
    }
  }

  /** The planner's reason for an update when the Stack (or what it reads) changed: not repeated. */
  private static final String STACK_CHANGED = "the Stack, or what it reads, changed";

  private final KubernetesClient client;
  private final ServedKinds kinds;
  private final String account;

  /**
   * @param account the ServiceAccount the operator writes as, for a refusal's message
   */
  StackDiff(KubernetesClient client, ServedKinds kinds, String account) {
    this.client = client;
    this.kinds = kinds;
    this.account = account;
  }

  Result run(StackObservation observed, StackDefinition def) {
    StackPlanner.Plan plan = StackPlanner.plan(observed, def);
    Map<String, ComponentStatus> rows = new LinkedHashMap<>();
    plan.status().components.forEach(r -> rows.put(r.name, r));
    Map<String, List<Write>> writes = new LinkedHashMap<>();
    for (StackAction action : plan.actions()) {
      if (action instanceof StackAction.PodFinalizer) {
        continue; // Gantry's own hold on a member pod: bookkeeping, not a change of the Stack
      }
      writes
          .computeIfAbsent(action.component(), c -> new ArrayList<>())
          .add(write(action, observed));
    }
    Set<String> order = new LinkedHashSet<>(def.graph().order());
    order.addAll(rows.keySet());
    order.addAll(writes.keySet());
    List<ComponentDiff> components = new ArrayList<>();
    for (String name : order) {
      ComponentStatus row = rows.get(name);
      List<Write> its = writes.getOrDefault(name, List.of());
      List<String> heldBy = List.of();
      if (its.isEmpty() && def.components().containsKey(name)) {
        heldBy =
            observed.childrenOf(name).isEmpty()
                ? List.of()
                : def.components().get(name).dependsOn().stream()
                    .filter(d -> rows.get(d) == null || rows.get(d).phase != ComponentPhase.Ready)
                    .toList();
      }
      components.add(
          new ComponentDiff(name, !def.components().containsKey(name), row, its, heldBy));
    }
    return new Result(components, observed.kindProblems());
  }

  private Write write(StackAction action, StackObservation observed) {
    JsonNode object = action.subject();
    String kind = object.path("kind").asText();
    String name = object.path("metadata").path("name").asText();
    if (action instanceof StackAction.Delete) {
      return new Write(Verb.DELETE, kind, name, null, List.of(), null);
    }
    if (action instanceof StackAction.Orphan) {
      return new Write(Verb.RELEASE, kind, name, "deletionPolicy Orphan", List.of(), null);
    }
    boolean create = action instanceof StackAction.Create;
    Verb verb = create ? Verb.CREATE : Verb.UPDATE;
    String reason =
        action instanceof StackAction.Update u && !STACK_CHANGED.equals(u.reason())
            ? u.reason()
            : null;
    ServedKinds.Kind served = kinds.lookup(object.path("apiVersion").asText(), kind);
    if (served.problem() != null) {
      return new Write(verb, kind, name, reason, List.of(), served.problem());
    }
    Resource<GenericKubernetesResource> resource =
        client
            .genericKubernetesResources(served.definition())
            .inNamespace(object.path("metadata").path("namespace").asText())
            .resource(
                Serialization.jsonMapper().convertValue(object, GenericKubernetesResource.class));
    try {
      if (create) {
        resource.dryRun().create();
        return new Write(verb, kind, name, null, List.of(), null);
      }
      JsonNode after = Serialization.jsonMapper().valueToTree(resource.dryRun().update());
      JsonNode before = live(observed, action.component(), object);
      return new Write(verb, kind, name, reason, FieldChanges.between(before, after), null);
    } catch (KubernetesClientException e) {
      if (!refusal(e)) {
        throw e;
      }
      return new Write(verb, kind, name, reason, List.of(), refusal(action, kind, name, e));
    }
  }

  /** The live object an update is written over (the planner built the update from it). */
  private static JsonNode live(StackObservation observed, String component, JsonNode object) {
    return observed.childrenOf(component).stream()
        .filter(
            l ->
                l.path("apiVersion").equals(object.path("apiVersion"))
                    && l.path("kind").equals(object.path("kind"))
                    && l.path("metadata").path("name").equals(object.path("metadata").path("name")))
        .findFirst()
        .orElseThrow();
  }

  /** A refusal no retry fixes; anything else (the server unreachable, failing) ends the command. */
  private static boolean refusal(KubernetesClientException e) {
    int code = e.getCode();
    return code == 400 || code == 403 || code == 404 || code == 409 || code == 422;
  }

  private String refusal(
      StackAction action, String kind, String name, KubernetesClientException e) {
    if (e.getCode() == 409 && action instanceof StackAction.Create) {
      return kind
          + " "
          + name
          + " already exists and is not this Stack's (or lost its "
          + StackNames.OWNER_LABEL
          + " label): Gantry does not take over objects it did not make";
    }
    if (e.getCode() == 409) {
      return kind + " " + name + " changed while the diff ran: run it again";
    }
    String message = "refused by the API server: " + LiveStackReads.message(e);
    return e.getCode() == 403
        ? message
            + " (the dry run ran as you; the operator writes as ServiceAccount "
            + account
            + ", which may be granted otherwise)"
        : message;
  }
}
