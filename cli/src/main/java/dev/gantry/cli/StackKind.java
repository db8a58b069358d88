package dev.gantry.cli;

import dev.gantry.api.stack.Stack;
import dev.gantry.api.stack.StackStatus;
import dev.gantry.api.stack.StackStatus.ChildReference;
import dev.gantry.api.stack.StackStatus.ComponentStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The CLI's view of Stacks: one row per Stack, and per component in `describe`. */
final class StackKind implements KindView<Stack> {
  @Override
  public Class<Stack> type() {
    return Stack.class;
  }

  @Override
  public Table table(List<Stack> items, boolean wide, Instant now) {
    List<String> headers = new ArrayList<>(List.of("NAME", "READY", "PHASE", "AGE"));
    if (wide) {
      headers.add("MESSAGE");
    }
    Table table = new Table(headers);
    for (Stack s : items) {
      StackStatus status = s.getStatus();
      List<String> row =
          new ArrayList<>(
              List.of(
                  s.getMetadata().getName(),
                  status == null || status.readyComponents == null ? "" : status.readyComponents,
                  status == null || status.phase == null ? "" : status.phase.name(),
                  Ages.since(s.getMetadata().getCreationTimestamp(), now)));
      if (wide) {
        row.add(ready(s).map(Condition::getMessage).orElse(""));
      }
      table.row(row);
    }
    return table;
  }

  @Override
  public void describe(Stack s, List<Event> events, PrintWriter out, Instant now) {
    StackStatus status = s.getStatus();
    out.printf("Name:            %s%n", s.getMetadata().getName());
    out.printf("Namespace:       %s%n", s.getMetadata().getNamespace());
    out.printf(
        "Writes as:       %s%n",
        s.getSpec().serviceAccountName == null
            ? "the operator's default ServiceAccount (default, unless --stack-service-account says)"
            : "ServiceAccount " + s.getSpec().serviceAccountName);
    out.printf(
        "Phase:           %s%n", status == null || status.phase == null ? "<none>" : status.phase);
    out.printf(
        "Ready:           %s%n",
        status == null || status.readyComponents == null ? "<none>" : status.readyComponents);
    ready(s).ifPresent(c -> out.printf("Message:         %s%n", c.getMessage()));
    out.println("Components:");
    if (status == null || status.components == null || status.components.isEmpty()) {
      out.println("  <none>");
    } else {
      Table table =
          new Table(
              List.of("  NAME", "PHASE", "REASON", "SINCE", "DEPENDS ON", "OBJECTS", "MESSAGE"));
      for (ComponentStatus c : status.components) {
        table.row(
            List.of(
                "  " + c.name,
                c.phase == null ? "" : c.phase.name(),
                c.reason == null ? "" : c.reason,
                c.lastTransitionTime == null ? "" : Ages.since(c.lastTransitionTime, now),
                c.dependsOn == null || c.dependsOn.isEmpty() ? "-" : String.join(",", c.dependsOn),
                objects(c.children),
                c.message == null ? "" : c.message));
      }
      table.print(out);
      items(status.components, out);
      members(status.components, out, now);
    }
    EventsTable.print(events, out, now);
    out.flush();
  }

  /** Each object of a collection, with its own phase. */
  private static void items(List<ComponentStatus> components, PrintWriter out) {
    Table table = new Table(List.of("  COMPONENT", "OBJECT", "PHASE", "MESSAGE"));
    boolean any = false;
    for (ComponentStatus c : components) {
      for (StackStatus.ItemStatus i :
          c.items == null ? List.<StackStatus.ItemStatus>of() : c.items) {
        any = true;
        table.row(
            List.of(
                "  " + c.name,
                i.name == null ? "" : i.name,
                i.phase == null ? "" : i.phase.name(),
                i.message == null ? "" : i.message));
      }
    }
    if (any) {
      out.println("Collections:");
      table.print(out);
    }
  }

  /** The members of components with join or leave actions, and where each one's action is. */
  private static void members(List<ComponentStatus> components, PrintWriter out, Instant now) {
    Table table =
        new Table(List.of("  COMPONENT", "MEMBER", "ADDRESS", "STATE", "SINCE", "MESSAGE"));
    boolean any = false;
    for (ComponentStatus c : components) {
      for (StackStatus.MemberStatus m :
          c.members == null ? List.<StackStatus.MemberStatus>of() : c.members) {
        any = true;
        table.row(
            List.of(
                "  " + c.name,
                m.name == null ? "" : m.name,
                m.address == null ? "" : m.address,
                m.state == null
                    ? ""
                    : m.state.name()
                        + (m.attempt != null && m.attempt > 1 ? " (run " + m.attempt + ")" : ""),
                m.lastTransitionTime == null ? "" : Ages.since(m.lastTransitionTime, now),
                m.message == null ? "" : m.message));
      }
    }
    if (any) {
      out.println("Members:");
      table.print(out);
    }
  }

  private static String objects(List<ChildReference> children) {
    if (children == null || children.isEmpty()) {
      return "-";
    }
    return children.stream().map(c -> c.kind + "/" + c.name).collect(Collectors.joining(","));
  }

  private static java.util.Optional<Condition> ready(Stack s) {
    if (s.getStatus() == null || s.getStatus().conditions == null) {
      return java.util.Optional.empty();
    }
    return s.getStatus().conditions.stream().filter(c -> "Ready".equals(c.getType())).findFirst();
  }

  @Override
  public List<String> waitConditions() {
    return List.of("ready");
  }

  @Override
  public WaitState waitState(Stack s, String condition) {
    StackStatus status = s.getStatus();
    boolean current =
        status != null
            && s.getMetadata().getGeneration() != null
            && s.getMetadata().getGeneration().equals(status.observedGeneration);
    StackStatus.Phase phase = status == null ? null : status.phase;
    String progress =
        (phase == null ? "not reconciled yet" : phase + " " + status.readyComponents)
            + ready(s).map(c -> ": " + c.getMessage()).orElse("");
    return new WaitState(
        current && phase == StackStatus.Phase.Ready,
        current && phase == StackStatus.Phase.Failed,
        progress);
  }

  @Override
  public LogSource logSource(String name, boolean alternate) {
    throw new UserError(
        "a Stack has no logs of its own; see gantry describe stack/"
            + name
            + " for its components, then the logs of the one you want");
  }
}
