package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.api.stack.StackComponent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Stack's spec, checked and compiled: each component with what it depends on and its expressions,
 * the graph, and every problem found (with the field and the fix). A definition with problems
 * creates nothing new.
 */
public record StackDefinition(
    Map<String, Component> components,
    StackGraph graph,
    List<Problem> problems,
    ExpressionEnvironment expressions) {

  /** A problem with the spec, naming the field. */
  public record Problem(String field, String message) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  /** A string in a template that holds expressions, and where it is. */
  public record TemplateField(
      com.fasterxml.jackson.core.JsonPointer pointer,
      TemplateText text,
      List<ExpressionEnvironment.Compiled> expressions,
      boolean secretAllowed) {}

  /**
   * One component, compiled.
   *
   * @param apiVersion the child's apiVersion (a template's is literal)
   * @param kind the child's kind
   * @param body the template, or the Provision's or MiniCluster's spec, unrendered
   * @param fields the strings in {@code body} that hold expressions
   * @param ports the ports its pods serve (its network rule admits traffic on these)
   * @param exposed its ports are open to any source, not only to the components that use it
   * @param forEach for a collection, the expression giving its items; null for one object
   * @param driftIgnored fields set at creation and never written again (drift.ignore)
   * @param metrics where its pods serve metrics, or null
   * @param preDelete the Job run before it is torn down, compiled as a component of its own (a Job
   *     template), or null
   * @param memberActions the Jobs run as its members join and leave, or null
   */
  public record Component(
      String name,
      StackComponent.Kind type,
      String apiVersion,
      String kind,
      ObjectNode body,
      List<TemplateField> fields,
      List<String> dependsOn,
      List<ExpressionEnvironment.Compiled> includeWhen,
      List<ExpressionEnvironment.Compiled> readyWhen,
      Duration timeout,
      boolean orphan,
      List<StackComponent.ComponentPort> ports,
      boolean exposed,
      ExpressionEnvironment.Compiled forEach,
      List<com.fasterxml.jackson.core.JsonPointer> driftIgnored,
      StackComponent.Metrics metrics,
      Component preDelete,
      MemberActions memberActions) {

    /**
     * An object Gantry writes for a component besides its own (a hook Job, a NetworkPolicy), as a
     * template component of the same name: rendered with the same labels and owner.
     */
    static Component synthetic(
        String name,
        String apiVersion,
        String kind,
        ObjectNode body,
        List<TemplateField> fields,
        Duration timeout,
        boolean orphan) {
      return new Component(
          name,
          StackComponent.Kind.TEMPLATE,
          apiVersion,
          kind,
          body,
          fields,
          List.of(),
          List.of(),
          List.of(),
          timeout,
          orphan,
          List.of(),
          false,
          null,
          List.of(),
          null,
          null,
          null);
    }

    /** The same component with another body (a hook Job given its name). */
    Component withBody(ObjectNode other) {
      return synthetic(name, apiVersion, kind, other, fields, timeout, orphan);
    }
  }

  /**
   * What runs as a component's members come and go.
   *
   * @param join the Job run for each member that joins, or null
   * @param leave the Job run for each member that leaves, or null
   * @param leaveTimeout how long a leaving member's pod is held for its leave Job
   */
  public record MemberActions(Component join, Component leave, Duration leaveTimeout) {}

  public boolean valid() {
    return problems.isEmpty();
  }

  public Optional<Component> component(String name) {
    return Optional.ofNullable(components.get(name));
  }
}
