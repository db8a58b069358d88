package dev.gantry.cli;

import dev.gantry.api.stack.StackStatus.ComponentPhase;
import dev.gantry.api.stack.StackStatus.ComponentStatus;
import dev.gantry.cli.StackDiff.ComponentDiff;
import dev.gantry.cli.StackDiff.Write;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A Stack diff as text: one block per component in creation order, then those being removed, each
 * line marked as diff marks them ({@code +} create, {@code ~} update, {@code -} delete, {@code =}
 * unchanged, {@code ?} not rendered yet, {@code !} refused or failed).
 */
final class StackDiffText {
  private StackDiffText() {}

  /**
   * @param you who the dry runs were made as
   * @param account the ServiceAccount the operator writes as, namespace/name
   */
  static void print(
      String stack,
      String namespace,
      String you,
      String account,
      StackDiff.Result result,
      PrintWriter out) {
    out.printf(
        "stack/%s in namespace %s: what applying the file would change now%n", stack, namespace);
    out.printf("dry run as %s; the operator writes as ServiceAccount %s%n", you, account);
    result
        .kindProblems()
        .forEach((kind, problem) -> out.printf("! cannot look at %s: %s%n", kind, problem));
    out.println();
    int width = result.components().stream().mapToInt(c -> c.name().length()).max().orElse(0) + 2;
    for (ComponentDiff c : result.components()) {
      List<String> lines = lines(c);
      for (int i = 0; i < lines.size(); i++) {
        out.printf("%-" + width + "s%s%n", i == 0 ? c.name() : "", lines.get(i));
      }
    }
    out.println();
    List<String> written =
        result.components().stream()
            .filter(c -> !c.writes().isEmpty())
            .map(ComponentDiff::name)
            .toList();
    out.println(
        written.isEmpty()
            ? "Nothing would change."
            : "Would change: " + String.join(", ", written) + ".");
    if (result.trouble()) {
      out.println("Some of it would be refused or could not be looked at: see the lines marked !.");
    }
  }

  private static List<String> lines(ComponentDiff c) {
    List<String> lines = new ArrayList<>();
    ComponentStatus row = c.row();
    boolean going =
        row != null
            && (row.phase == ComponentPhase.Deleting || row.phase == ComponentPhase.Excluded);
    if (c.removed() && (row == null || row.message == null)) {
      lines.add("removed from the Stack");
    } else if ((c.removed() || going) && row.message != null) {
      lines.add(row.message);
    }
    for (Write w : c.writes()) {
      lines.addAll(write(w));
    }
    if (!c.writes().isEmpty() || c.removed() || going) {
      return lines;
    }
    if (!c.heldBy().isEmpty()) {
      lines.add(
          "? not rendered now: it reads "
              + String.join(", ", c.heldBy())
              + ", not Ready; its changes, if any, are written once "
              + (c.heldBy().size() == 1 ? "it is" : "they are"));
    } else if (row == null || row.phase == ComponentPhase.Ready) {
      lines.add("= unchanged");
    } else {
      boolean bad = row.phase == ComponentPhase.Failed || row.phase == ComponentPhase.Blocked;
      lines.add(
          (bad ? "! " : "")
              + row.phase
              + (bad && row.reason != null ? " (" + row.reason + ")" : "")
              + (row.message == null ? "" : ": " + row.message));
    }
    return lines;
  }

  private static List<String> write(Write w) {
    String what = w.kind() + " " + w.name() + (w.reason() == null ? "" : " (" + w.reason() + ")");
    if (w.refusal() != null) {
      return List.of(
          "! "
              + w.verb().name().toLowerCase(java.util.Locale.ROOT)
              + " "
              + what
              + ": "
              + w.refusal());
    }
    String line = w.verb().mark + " " + what;
    if (w.verb() != StackDiff.Verb.UPDATE) {
      return List.of(line);
    }
    if (w.changes().isEmpty()) {
      // The hash of what Gantry renders moved, yet the object would not (a drift.ignore'd field).
      return List.of(line + ": no field changes (only Gantry's record of what it wrote)");
    }
    if (w.changes().size() == 1) {
      return List.of(line + ": " + w.changes().get(0));
    }
    List<String> lines = new ArrayList<>();
    lines.add(line + ":");
    w.changes().forEach(change -> lines.add("    " + change));
    return lines;
  }
}
