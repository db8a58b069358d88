package dev.gantry.operator.stack;

import dev.gantry.api.stack.StackStatus;
import dev.gantry.api.stack.StackStatus.ComponentStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The Events a status change calls for: a component's change of phase, the Stack's readiness. */
final class StackEvents {
  static final String NORMAL = "Normal";
  static final String WARNING = "Warning";

  record Event(String type, String reason, String message) {}

  private StackEvents() {}

  static List<Event> between(StackStatus before, StackStatus after) {
    List<Event> events = new ArrayList<>();
    Map<String, ComponentStatus> old =
        before == null || before.components == null
            ? Map.of()
            : before.components.stream()
                .collect(Collectors.toMap(c -> c.name, Function.identity()));
    for (ComponentStatus row : after.components) {
      ComponentStatus was = old.get(row.name);
      if (was != null && was.phase == row.phase && same(was.reason, row.reason)) {
        continue;
      }
      switch (row.phase) {
        case Failed ->
            events.add(new Event(WARNING, "ComponentFailed", row.name + ": " + row.message));
        case Blocked ->
            events.add(new Event(WARNING, "ComponentBlocked", row.name + ": " + row.message));
        case Ready -> events.add(new Event(NORMAL, "ComponentReady", row.name + " is Ready"));
        case Creating -> {
          if ("Created".equals(row.reason) || "Updated".equals(row.reason)) {
            events.add(new Event(NORMAL, row.reason, row.name + ": " + row.message));
          }
        }
        case Deleting -> events.add(new Event(NORMAL, "Deleting", row.name + ": " + row.message));
        default -> {}
      }
    }
    for (ComponentStatus row : after.components) {
      members(old.get(row.name), row, events);
    }
    boolean wasReady = before != null && before.phase == StackStatus.Phase.Ready;
    if (after.phase == StackStatus.Phase.Ready && !wasReady) {
      events.add(
          new Event(NORMAL, "Ready", "all " + after.readyComponents + " components are Ready"));
    }
    return events;
  }

  /** A member's change of state: joined, left, an action failed. */
  private static void members(ComponentStatus was, ComponentStatus row, List<Event> events) {
    if (row.members == null) {
      return;
    }
    Map<String, StackStatus.MemberStatus> old =
        was == null || was.members == null
            ? Map.of()
            : was.members.stream()
                .filter(m -> m.uid != null)
                .collect(Collectors.toMap(m -> m.uid, Function.identity(), (a, b) -> a));
    for (StackStatus.MemberStatus m : row.members) {
      StackStatus.MemberStatus before = old.get(m.uid);
      if (before != null && before.state == m.state) {
        continue;
      }
      String who = row.name + " member " + m.name;
      switch (m.state) {
        case Joined -> events.add(new Event(NORMAL, "MemberJoined", who + " joined"));
        case Left -> events.add(new Event(NORMAL, "MemberLeft", who + " left"));
        case ActionFailed ->
            events.add(new Event(WARNING, "MemberActionFailed", who + ": " + m.message));
        default -> {}
      }
    }
  }

  private static boolean same(String a, String b) {
    return a == null ? b == null : a.equals(b);
  }
}
