package dev.gantry.cli;

import dev.gantry.api.stack.Stack;
import dev.gantry.api.stack.StackStatus.ComponentPhase;
import dev.gantry.api.stack.StackStatus.ComponentStatus;
import java.util.List;
import java.util.Map;

/** A running Stack's graph, from its status rows: as text, and as Graphviz dot. */
final class StackGraphText {
  private static final Map<ComponentPhase, String> COLORS =
      Map.of(
          ComponentPhase.Ready, "palegreen",
          ComponentPhase.Creating, "lightyellow",
          ComponentPhase.Pending, "lightgrey",
          ComponentPhase.Blocked, "orange",
          ComponentPhase.Failed, "salmon",
          ComponentPhase.Deleting, "lightblue",
          ComponentPhase.Excluded, "white");

  private StackGraphText() {}

  static String text(Stack stack) {
    StringBuilder s = new StringBuilder();
    for (ComponentStatus row : rows(stack)) {
      s.append(row.name)
          .append(" [")
          .append(row.phase)
          .append("]")
          .append(
              row.dependsOn == null || row.dependsOn.isEmpty()
                  ? ""
                  : " <- " + String.join(", ", row.dependsOn))
          .append(row.message == null ? "" : "   " + row.message)
          .append('\n');
    }
    return s.toString();
  }

  static String dot(Stack stack) {
    StringBuilder s = new StringBuilder();
    s.append("digraph \"").append(stack.getMetadata().getName()).append("\" {\n");
    s.append("  rankdir=LR;\n  node [shape=box, style=filled];\n");
    for (ComponentStatus row : rows(stack)) {
      s.append("  \"")
          .append(row.name)
          .append("\" [fillcolor=")
          .append(COLORS.getOrDefault(row.phase, "white"))
          .append(", label=\"")
          .append(row.name)
          .append("\\n")
          .append(row.phase)
          .append("\"];\n");
    }
    for (ComponentStatus row : rows(stack)) {
      for (String d : row.dependsOn == null ? List.<String>of() : row.dependsOn) {
        s.append("  \"").append(d).append("\" -> \"").append(row.name).append("\";\n");
      }
    }
    return s.append("}\n").toString();
  }

  private static List<ComponentStatus> rows(Stack stack) {
    return stack.getStatus() == null || stack.getStatus().components == null
        ? List.of()
        : stack.getStatus().components;
  }
}
