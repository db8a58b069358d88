package dev.gantry.operator.stack;

import dev.gantry.api.stack.Stack;
import dev.gantry.api.stack.StackStatus;
import dev.gantry.api.stack.StackStatus.ChildReference;
import dev.gantry.api.stack.StackStatus.ComponentPhase;
import dev.gantry.api.stack.StackStatus.ComponentStatus;
import dev.gantry.operator.kube.Conditions;
import dev.gantry.operator.stack.StackDefinition.Problem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Stack's status from its component rows: phase, Ready condition (with the components that hold
 * it back, in words), the ready count. Pure.
 */
public final class StackStatuses {
  static final String READY = "Ready";

  /** How many not-Ready components the Ready condition names before "and N more". */
  private static final int NAMED = 3;

  private StackStatuses() {}

  static StackStatus summarize(Stack stack, List<ComponentStatus> rows, Instant now) {
    StackStatus status = base(stack, rows);
    long included = rows.stream().filter(StackStatuses::counted).count();
    long ready = rows.stream().filter(r -> r.phase == ComponentPhase.Ready).count();
    status.readyComponents = ready + "/" + included;
    List<ComponentStatus> failed =
        rows.stream()
            .filter(r -> r.phase == ComponentPhase.Failed || r.phase == ComponentPhase.Blocked)
            .toList();
    List<ComponentStatus> notReady =
        rows.stream().filter(r -> counted(r) && r.phase != ComponentPhase.Ready).toList();
    boolean deleting = rows.stream().anyMatch(r -> r.phase == ComponentPhase.Deleting);
    Conditions conditions = Conditions.after(previous(stack), now, generation(stack));
    if (!failed.isEmpty()) {
      status.phase = StackStatus.Phase.Failed;
      conditions.set(READY, false, "ComponentFailed", describe(failed));
    } else if (notReady.isEmpty() && !deleting) {
      status.phase = StackStatus.Phase.Ready;
      conditions.set(READY, true, "AllReady", "all " + included + " components are Ready");
    } else {
      status.phase = StackStatus.Phase.Progressing;
      List<ComponentStatus> holding = new ArrayList<>(notReady);
      rows.stream().filter(r -> r.phase == ComponentPhase.Deleting).forEach(holding::add);
      conditions.set(READY, false, "Progressing", describe(holding));
    }
    status.conditions = conditions.build();
    return status;
  }

  static StackStatus invalid(Stack stack, List<Problem> problems, Instant now) {
    List<ComponentStatus> rows =
        stack.getStatus() == null || stack.getStatus().components == null
            ? List.of()
            : stack.getStatus().components;
    StackStatus status = base(stack, rows);
    status.readyComponents = stack.getStatus() == null ? null : stack.getStatus().readyComponents;
    status.phase = StackStatus.Phase.Failed;
    status.conditions =
        Conditions.after(previous(stack), now, generation(stack))
            .set(
                READY,
                false,
                "InvalidSpec",
                "nothing new is created until the spec is fixed: "
                    + String.join("; ", problems.stream().map(Problem::toString).toList()))
            .build();
    return status;
  }

  static StackStatus deleting(Stack stack, List<ComponentStatus> rows, Instant now) {
    StackStatus status = base(stack, rows);
    status.phase = StackStatus.Phase.Deleting;
    status.readyComponents = "0/" + rows.size();
    status.conditions =
        Conditions.after(previous(stack), now, generation(stack))
            .set(
                READY,
                false,
                "Deleting",
                rows.isEmpty()
                    ? "every component is gone"
                    : "tearing down in reverse order: " + describe(rows))
            .build();
    return status;
  }

  /**
   * The planned status once the writes were made: each written child's version recorded, each
   * refused write's component Failed with the API server's reason.
   */
  public static StackStatus settle(
      Stack stack, StackStatus planned, List<StackActions.Outcome> outcomes, Instant now) {
    boolean refused = false;
    for (StackActions.Outcome outcome : outcomes) {
      ComponentStatus row =
          planned.components.stream()
              .filter(r -> r.name.equals(outcome.component()))
              .findFirst()
              .orElse(null);
      if (row == null) {
        continue;
      }
      if (outcome instanceof StackActions.Written w) {
        for (ChildReference ref : row.children) {
          if (ref.name.equals(w.name()) && ref.kind.equals(w.kind())) {
            ref.appliedVersion = w.version();
          }
        }
      } else if (outcome instanceof StackActions.Refused r) {
        refused = true;
        if (row.phase != ComponentPhase.Failed) {
          row.lastTransitionTime =
              now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        }
        row.phase = ComponentPhase.Failed;
        row.reason = "Refused";
        row.message = r.message();
        row.children =
            row.children.stream()
                .filter(c -> !c.name.equals(r.name()) || c.appliedVersion != null)
                .toList();
      }
    }
    unconfirmed(stack, planned);
    if (!refused || planned.phase == StackStatus.Phase.Deleting) {
      return planned;
    }
    return summarize(stack, planned.components, now);
  }

  /**
   * A write that was planned but not made (the object changed or went in between) keeps the hash of
   * what was last written, so the next pass writes it again instead of taking it as done.
   */
  private static void unconfirmed(Stack stack, StackStatus planned) {
    for (ComponentStatus row : planned.components) {
      for (ChildReference ref : row.children == null ? List.<ChildReference>of() : row.children) {
        if (ref.appliedHash != null && ref.appliedVersion == null) {
          ref.appliedHash = previousHash(stack, row.name, ref);
        }
      }
    }
  }

  private static String previousHash(Stack stack, String component, ChildReference ref) {
    if (stack.getStatus() == null || stack.getStatus().components == null) {
      return null;
    }
    for (ComponentStatus row : stack.getStatus().components) {
      if (!row.name.equals(component) || row.children == null) {
        continue;
      }
      for (ChildReference before : row.children) {
        if (ref.name.equals(before.name) && ref.kind.equals(before.kind)) {
          return before.appliedHash;
        }
      }
    }
    return null;
  }

  private static StackStatus base(Stack stack, List<ComponentStatus> rows) {
    StackStatus status = new StackStatus();
    status.observedGeneration = generation(stack);
    status.components = new ArrayList<>(rows);
    return status;
  }

  private static boolean counted(ComponentStatus r) {
    return r.phase != ComponentPhase.Excluded
        && !(r.phase == ComponentPhase.Deleting
            && "Deleting".equals(r.reason)
            && r.message != null
            && r.message.startsWith("removed from the Stack"));
  }

  private static String describe(List<ComponentStatus> rows) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < rows.size() && i < NAMED; i++) {
      ComponentStatus r = rows.get(i);
      parts.add(
          r.name
              + " "
              + r.phase.name().toLowerCase(java.util.Locale.ROOT)
              + (r.message == null ? "" : " (" + r.message + ")"));
    }
    if (rows.size() > NAMED) {
      parts.add("and " + (rows.size() - NAMED) + " more");
    }
    return String.join("; ", parts);
  }

  private static List<io.fabric8.kubernetes.api.model.Condition> previous(Stack stack) {
    return stack.getStatus() == null ? null : stack.getStatus().conditions;
  }

  private static Long generation(Stack stack) {
    return stack.getMetadata().getGeneration();
  }

  /** 600 s as "10m", 90 s as "1m30s". */
  static String words(Duration d) {
    StringBuilder s = new StringBuilder();
    long h = d.toHours();
    long m = d.toMinutesPart();
    long sec = d.toSecondsPart();
    if (h > 0) {
      s.append(h).append('h');
    }
    if (m > 0) {
      s.append(m).append('m');
    }
    if (sec > 0 || s.length() == 0) {
      s.append(sec).append('s');
    }
    return s.toString();
  }
}
