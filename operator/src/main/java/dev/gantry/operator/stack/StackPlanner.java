package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.api.stack.Stack;
import dev.gantry.api.stack.StackStatus;
import dev.gantry.api.stack.StackStatus.ChildReference;
import dev.gantry.api.stack.StackStatus.ComponentPhase;
import dev.gantry.api.stack.StackStatus.ComponentStatus;
import dev.gantry.operator.kube.JsonSubset;
import dev.gantry.operator.stack.StackDefinition.Component;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, from an observation, what to write and what the status says. Pure: no client, no clock
 * but the observation's. Components are visited in creation order; each is created only once every
 * component it depends on is Ready, re-rendered only when those are Ready, and put back when its
 * object was edited or deleted by hand. Teardown goes the other way.
 */
public final class StackPlanner {
  static final Duration ENDPOINT_RECHECK = Duration.ofSeconds(5);
  static final Duration KIND_RECHECK = Duration.ofSeconds(2);
  static final Duration KIND_PROBLEM_RECHECK = Duration.ofSeconds(30);
  static final Duration SECRET_RECHECK = Duration.ofSeconds(60);

  /** The gantry.dev/hook annotation's value on a preDelete Job. */
  static final String PRE_DELETE = "pre-delete";

  private static final String PRE_DELETE_FAILED = "its preDelete";

  private static final ObjectMapper JSON = new ObjectMapper();

  private StackPlanner() {}

  /**
   * What to do.
   *
   * @param finished teardown is complete: the finalizer may go
   */
  public record Plan(
      List<StackAction> actions,
      StackStatus status,
      Optional<Duration> requeue,
      boolean finished) {}

  public static Plan plan(StackObservation o, StackDefinition def) {
    return new Pass(o, def).run();
  }

  /** One planning pass; its fields are what the components decided so far. */
  private static final class Pass {
    private final StackObservation o;
    private final StackDefinition def;
    private final Stack stack;
    private final Map<String, ComponentStatus> previous = new LinkedHashMap<>();
    private final Map<String, ComponentStatus> rows = new LinkedHashMap<>();
    private final List<StackAction> actions = new ArrayList<>();
    private Instant wake;

    Pass(StackObservation o, StackDefinition def) {
      this.o = o;
      this.def = def;
      this.stack = o.stack();
      if (stack.getStatus() != null && stack.getStatus().components != null) {
        stack.getStatus().components.forEach(c -> previous.put(c.name, c));
      }
    }

    Plan run() {
      if (o.deleting()) {
        return teardown();
      }
      if (!def.valid()) {
        StackStatus status = StackStatuses.invalid(stack, def.problems(), o.now());
        MemberLifecycle.Result held = MemberLifecycle.releaseWhileInvalid(o.pods(), o.now());
        held.wake().ifPresent(w -> wakeIn(Duration.between(o.now(), w)));
        return new Plan(
            held.actions(),
            status,
            Optional.ofNullable(wake).map(w -> Duration.between(o.now(), w)),
            false);
      }
      for (String name : def.graph().order()) {
        component(def.components().get(name));
      }
      removed();
      StackStatus status = StackStatuses.summarize(stack, List.copyOf(rows.values()), o.now());
      return new Plan(List.copyOf(actions), status, requeue(), false);
    }

    private Optional<Duration> requeue() {
      Optional<Duration> after =
          Optional.ofNullable(wake)
              .map(w -> Duration.between(o.now(), w))
              .map(d -> d.isNegative() ? Duration.ZERO : d);
      if (stack.getSpec().secretParameters != null && !stack.getSpec().secretParameters.isEmpty()) {
        // Secrets are read, not watched: look again now and then for a changed value.
        after = Optional.of(after.map(a -> min(a, SECRET_RECHECK)).orElse(SECRET_RECHECK));
      }
      return after;
    }

    private void wakeIn(Duration d) {
      Instant at = o.now().plus(d);
      if (wake == null || at.isBefore(wake)) {
        wake = at;
      }
    }

    private static Duration min(Duration a, Duration b) {
      return a.compareTo(b) <= 0 ? a : b;
    }

    // ---- one component ----

    /** A component's objects, then its members' actions, whatever its objects' state. */
    private void component(Component c) {
      componentObjects(c);
      ComponentStatus r = rows.get(c.name());
      boolean going =
          r != null && (r.phase == ComponentPhase.Excluded || r.phase == ComponentPhase.Deleting);
      members(c.name(), r, going ? MemberLifecycle.Mode.GO : MemberLifecycle.Mode.RUN);
    }

    private void componentObjects(Component c) {
      List<JsonNode> live = objects(c.name());
      List<String> deps = c.dependsOn();

      Optional<String> excludedWith =
          deps.stream().filter(d -> phaseOf(d) == ComponentPhase.Excluded).findFirst();
      if (excludedWith.isPresent()) {
        exclude(c, live, "left out with " + excludedWith.get());
        return;
      }
      String included;
      try {
        included = falseCondition(c);
      } catch (IllegalArgumentException e) {
        row(c, ComponentPhase.Failed, "RenderFailed", "includeWhen: " + e.getMessage(), live);
        return;
      }
      if (included != null) {
        exclude(c, live, "includeWhen is false: " + included);
        return;
      }
      String kindProblem = o.kindProblems().get(StackObservation.kindKey(c.apiVersion(), c.kind()));
      if (kindProblem != null) {
        // A grant given or a CRD installed changes nothing Gantry watches: look again.
        wakeIn(KIND_PROBLEM_RECHECK);
        row(c, ComponentPhase.Failed, "Refused", kindProblem, live);
        return;
      }
      if (o.kindsPending().contains(StackObservation.kindKey(c.apiVersion(), c.kind()))) {
        wakeIn(KIND_RECHECK);
        row(
            c,
            ComponentPhase.Pending,
            "WaitingForCache",
            "waiting for Gantry's cache of " + c.kind() + " objects to fill",
            live);
        return;
      }
      List<String> failed =
          deps.stream()
              .filter(
                  d -> phaseOf(d) == ComponentPhase.Failed || phaseOf(d) == ComponentPhase.Blocked)
              .toList();
      List<String> waiting = deps.stream().filter(d -> phaseOf(d) != ComponentPhase.Ready).toList();
      if (live.isEmpty() && !failed.isEmpty()) {
        String d = failed.get(0);
        row(
            c,
            ComponentPhase.Blocked,
            "DependencyFailed",
            "blocked: "
                + d
                + " "
                + (phaseOf(d) == ComponentPhase.Blocked ? "is blocked" : "failed")
                + ": "
                + rows.get(d).message,
            live);
        return;
      }
      if (live.isEmpty() && !waiting.isEmpty()) {
        row(c, ComponentPhase.Pending, "WaitingForDependencies", waitingFor(waiting), live);
        return;
      }
      if (!waiting.isEmpty()) {
        // Made before, and what it reads is not Ready now: left as it is until it is.
        List<ChildReference> refs = new ArrayList<>();
        for (JsonNode l : live) {
          refs.add(reference(l, previousReference(c.name(), l)));
        }
        ready(c, live, refs);
        return;
      }
      String secretProblem = secretProblem(c);
      if (secretProblem != null) {
        row(c, ComponentPhase.Failed, "RenderFailed", secretProblem, live);
        return;
      }
      List<TemplateRenderer.Rendered> wanted;
      try {
        wanted = render(c, deps);
      } catch (IllegalArgumentException e) {
        row(c, ComponentPhase.Failed, "RenderFailed", e.getMessage(), live);
        return;
      }
      for (JsonNode child : live) {
        if (wanted.stream().noneMatch(w -> same(child, w)) && !terminating(child)) {
          actions.add(remove(c.name(), child));
        }
      }
      List<ChildReference> refs = new ArrayList<>();
      List<JsonNode> current = new ArrayList<>();
      List<String> written = new ArrayList<>();
      String writeReason = null;
      for (TemplateRenderer.Rendered w : wanted) {
        JsonNode child = live.stream().filter(l -> same(l, w)).findFirst().orElse(null);
        if (child == null) {
          actions.add(new StackAction.Create(c.name(), w.object(), w.hash()));
          refs.add(reference(w, null));
          written.add("created " + w.kind() + " " + w.name());
          writeReason = writeReason == null ? "Created" : writeReason;
          continue;
        }
        ChildReference before = previousReference(c.name(), child);
        String why = update(c, child, w, before);
        if (why != null) {
          actions.add(
              new StackAction.Update(
                  c.name(),
                  DriftIgnore.keep(
                      ChildMerge.merge(child, w.object(), lastApplied(child)),
                      child,
                      c.driftIgnored()),
                  w.hash(),
                  why));
          refs.add(reference(w, null));
          written.add("updated " + w.kind() + " " + w.name() + ": " + why);
          writeReason = writeReason == null ? "Updated" : writeReason;
          continue;
        }
        ChildReference after = reference(child, before);
        after.appliedHash = w.hash();
        after.appliedVersion = version(child);
        refs.add(after);
        current.add(child);
      }
      if (!written.isEmpty()) {
        // What makes it Ready may not be watched (a Service's endpoints): look again soon.
        wakeIn(ENDPOINT_RECHECK);
        ComponentStatus r =
            row(c, ComponentPhase.Creating, writeReason, String.join("; ", written), List.of());
        r.children = refs;
        // A new write is a new attempt: its timeout counts from now.
        r.lastTransitionTime =
            o.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        return;
      }
      ready(c, current, refs);
    }

    /**
     * What a component renders to: its object, and while the Stack's network policies are on and
     * the object runs pods, the NetworkPolicy that admits traffic to them.
     */
    private List<TemplateRenderer.Rendered> render(Component c, List<String> deps) {
      List<TemplateRenderer.Rendered> objects = new ArrayList<>();
      Map<String, Object> variables = variables(deps);
      if (c.forEach() == null) {
        objects.add(TemplateRenderer.render(c, owner(), variables, o.sensitiveOutputs()));
      } else {
        Set<String> names = new LinkedHashSet<>();
        for (Object item : items(c, variables)) {
          Map<String, Object> withItem = new LinkedHashMap<>(variables);
          withItem.put(ExpressionEnvironment.EACH, item);
          TemplateRenderer.Rendered one =
              TemplateRenderer.render(c, owner(), withItem, o.sensitiveOutputs());
          if (!names.add(one.name())) {
            throw new IllegalArgumentException(
                "spec.components["
                    + c.name()
                    + "].forEach: two items render the name "
                    + one.name()
                    + "; make metadata.name differ per item");
          }
          objects.add(one);
        }
      }
      if (stack.getSpec().networkPoliciesEnabled()
          && NetworkRules.runsPods(c.apiVersion(), c.kind())) {
        objects.add(NetworkRules.policy(def, c, owner()));
      }
      return objects;
    }

    /** A collection's items, as its forEach gives them now. */
    private List<?> items(Component c, Map<String, Object> variables) {
      Object items = ExpressionEnvironment.evaluate(c.forEach(), variables);
      if (!(items instanceof List<?> list)) {
        throw new IllegalArgumentException(
            "spec.components["
                + c.name()
                + "].forEach: ${"
                + c.forEach().source()
                + "} gave "
                + (items == null ? "null" : items.getClass().getSimpleName())
                + ", not a list");
      }
      return list;
    }

    /**
     * The row of a component whose objects are as written: as Ready as their kinds (or readyWhen,
     * for its main object) say, the least ready deciding.
     */
    private void ready(Component c, List<JsonNode> live, List<ChildReference> refs) {
      Readiness.Verdict verdict = Readiness.Verdict.ready();
      List<StackStatus.ItemStatus> items = new ArrayList<>();
      for (JsonNode object : live) {
        boolean main =
            object.path("kind").asText().equals(c.kind())
                && object.path("apiVersion").asText().equals(c.apiVersion());
        Readiness.Verdict v = main ? readiness(c, object) : Readiness.of(object, null);
        if (main && c.forEach() != null) {
          items.add(item(object, v));
        }
        if (main && c.forEach() != null && v.state() != Readiness.State.READY) {
          v =
              new Readiness.Verdict(
                  v.state(), object.path("metadata").path("name").asText() + ": " + v.message());
        }
        if (v.state() == Readiness.State.FAILED
            || (v.state() == Readiness.State.WAITING && verdict.state() == Readiness.State.READY)) {
          verdict = v;
        }
      }
      ComponentStatus r;
      switch (verdict.state()) {
        case READY -> r = row(c, ComponentPhase.Ready, "Ready", null, List.of());
        case FAILED -> r = row(c, ComponentPhase.Failed, "Failed", verdict.message(), List.of());
        default -> r = waitingRow(c, verdict.message());
      }
      r.children = refs;
      if (c.forEach() != null) {
        items.sort(java.util.Comparator.comparing(i -> i.name));
        r.items = items;
      }
    }

    /** One object of a collection, as its own row. */
    private static StackStatus.ItemStatus item(JsonNode object, Readiness.Verdict verdict) {
      StackStatus.ItemStatus item = new StackStatus.ItemStatus();
      item.name = object.path("metadata").path("name").asText();
      item.phase =
          switch (verdict.state()) {
            case READY -> ComponentPhase.Ready;
            case FAILED -> ComponentPhase.Failed;
            default -> ComponentPhase.Creating;
          };
      item.message = verdict.state() == Readiness.State.READY ? null : verdict.message();
      return item;
    }

    /** Not Ready yet: Creating, until the component's timeout says Failed. */
    private ComponentStatus waitingRow(Component c, String message) {
      ComponentStatus prev = previous.get(c.name());
      if (prev != null && prev.phase == ComponentPhase.Failed && "Timeout".equals(prev.reason)) {
        return row(c, ComponentPhase.Failed, "Timeout", prev.message, List.of());
      }
      Instant since =
          prev != null && prev.phase == ComponentPhase.Creating && prev.lastTransitionTime != null
              ? Instant.parse(prev.lastTransitionTime)
              : o.now();
      Instant deadline = since.plus(c.timeout());
      if (!o.now().isBefore(deadline)) {
        return row(
            c,
            ComponentPhase.Failed,
            "Timeout",
            "not Ready within " + StackStatuses.words(c.timeout()) + ": " + message,
            List.of());
      }
      wakeIn(Duration.between(o.now(), deadline));
      if (message.equals("no ready endpoints")) {
        wakeIn(ENDPOINT_RECHECK);
      }
      return row(c, ComponentPhase.Creating, "NotReady", message, List.of());
    }

    /**
     * Why to write the object again, or null: the Stack changed it, or its version moved and it no
     * longer holds what was written.
     */
    private String update(
        Component c, JsonNode live, TemplateRenderer.Rendered rendered, ChildReference before) {
      if (terminating(live)) {
        return null;
      }
      if (before != null
          && before.appliedHash != null
          && !before.appliedHash.equals(rendered.hash())) {
        return "the Stack, or what it reads, changed";
      }
      JsonNode wanted =
          DriftIgnore.without(withoutLastApplied(rendered.object()), c.driftIgnored());
      if (before != null
          && rendered.hash().equals(before.appliedHash)
          && version(live).equals(before.appliedVersion)) {
        // The spec is as written (its generation has not moved), so it is not compared: the
        // server may have normalized a value, and writing it again would never settle. Labels
        // and annotations move no generation and are never normalized: those are compared.
        return JsonSubset.within(wanted.path("metadata"), live.path("metadata"))
            ? null
            : "its labels or annotations were changed by hand; put back as the Stack declares them";
      }
      if (JsonSubset.within(wanted, live)) {
        return null;
      }
      return before == null || before.appliedHash == null
          ? "it differed from the Stack"
          : "it was changed by hand; put back as the Stack declares it";
    }

    private Readiness.Verdict readiness(Component c, JsonNode child) {
      if (!c.readyWhen().isEmpty()) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put(ExpressionEnvironment.SELF, CelValues.of(child));
        vars.put(ExpressionEnvironment.PARAMETERS, parameters());
        for (var condition : c.readyWhen()) {
          Object result;
          try {
            result = ExpressionEnvironment.evaluate(condition, vars);
          } catch (IllegalArgumentException e) {
            return new Readiness.Verdict(Readiness.State.WAITING, "readyWhen " + e.getMessage());
          }
          if (!Boolean.TRUE.equals(result)) {
            return new Readiness.Verdict(
                Readiness.State.WAITING, "readyWhen not yet true: " + condition.source());
          }
        }
        return Readiness.Verdict.ready();
      }
      String name = child.path("metadata").path("name").asText();
      return Readiness.of(child, o.readyEndpoints().get(name));
    }

    private void exclude(Component c, List<JsonNode> live, String why) {
      if (live.isEmpty()) {
        row(c, ComponentPhase.Excluded, "Excluded", why, live);
        return;
      }
      Set<String> blockers = aliveDependents(c.name());
      if (!blockers.isEmpty()) {
        row(
            c,
            ComponentPhase.Deleting,
            "Deleting",
            why + "; removed once " + String.join(", ", blockers) + " are gone",
            live);
        return;
      }
      for (JsonNode child : live) {
        if (!terminating(child)) {
          actions.add(remove(c.name(), child));
        }
      }
      row(c, ComponentPhase.Deleting, "Deleting", why + "; removing it", live);
    }

    // ---- members ----

    /**
     * Runs the component's member actions and puts its members in its row; true while something of
     * them holds it (a held pod, a member Job, a member not yet let go).
     */
    private boolean members(String name, ComponentStatus r, MemberLifecycle.Mode mode) {
      Optional<Component> c = def.valid() ? def.component(name) : Optional.empty();
      StackDefinition.MemberActions declared = c.map(Component::memberActions).orElse(null);
      List<JsonNode> jobs = memberJobs(name);
      List<JsonNode> pods = o.podsOf(name);
      ComponentStatus prev = previous.get(name);
      if (declared == null && jobs.isEmpty() && pods.stream().noneMatch(MemberLifecycle::held)) {
        return false;
      }
      if (declared == null
          || (mode != MemberLifecycle.Mode.RUN && c.map(Component::orphan).orElse(false))) {
        mode = MemberLifecycle.Mode.RELEASE;
      }
      List<String> deps = c.map(Component::dependsOn).orElse(List.of());
      MemberLifecycle.Result result =
          MemberLifecycle.plan(
              new MemberLifecycle.Input(
                  stack.getMetadata().getName(),
                  name,
                  declared,
                  mode,
                  pods,
                  jobs,
                  prev == null ? List.of() : prev.members,
                  o.now(),
                  (hook, member) -> {
                    Map<String, Object> variables = variables(deps);
                    variables.put(ExpressionEnvironment.MEMBER, member);
                    return TemplateRenderer.render(hook, owner(), variables, o.sensitiveOutputs());
                  }));
      actions.addAll(result.actions());
      result.wake().ifPresent(w -> wakeIn(Duration.between(o.now(), w)));
      if (r != null) {
        r.members = result.rows().isEmpty() ? null : result.rows();
      }
      return result.holding();
    }

    /** A component's own objects: its children but for its member Jobs. */
    private List<JsonNode> objects(String name) {
      return o.childrenOf(name).stream().filter(l -> !MemberLifecycle.isMemberJob(l)).toList();
    }

    private List<JsonNode> memberJobs(String name) {
      return o.childrenOf(name).stream().filter(MemberLifecycle::isMemberJob).toList();
    }

    /** Something of the component is left: an object, a member Job, or a pod it holds. */
    private boolean alive(String name) {
      return !o.childrenOf(name).isEmpty()
          || o.podsOf(name).stream().anyMatch(MemberLifecycle::held);
    }

    // ---- components no longer in the spec ----

    private void removed() {
      Set<String> gone = new LinkedHashSet<>(o.children().keySet());
      gone.removeAll(def.components().keySet());
      gone.addAll(o.pods().keySet());
      gone.removeAll(def.components().keySet());
      for (String name : gone) {
        List<JsonNode> live = objects(name);
        if (!alive(name)) {
          continue;
        }
        ComponentStatus prev = previous.get(name);
        Set<String> blockers = aliveDependents(name);
        ComponentStatus r = new ComponentStatus();
        r.name = name;
        r.dependsOn = prev == null ? List.of() : prev.dependsOn;
        r.phase = ComponentPhase.Deleting;
        r.reason = "Deleting";
        if (blockers.isEmpty()) {
          for (JsonNode child : live) {
            if (!terminating(child)) {
              actions.add(remove(name, child));
            }
          }
          r.message = "removed from the Stack; deleting it";
        } else {
          r.message =
              "removed from the Stack; deleted once " + String.join(", ", blockers) + " are gone";
        }
        r.children = live.stream().map(l -> reference(l, previousReference(name, l))).toList();
        r.lastTransitionTime = transition(prev, r.phase);
        rows.put(name, r);
        // Its member actions went with its spec: its members are let go without them.
        members(name, r, MemberLifecycle.Mode.RELEASE);
      }
    }

    // ---- teardown ----

    private Plan teardown() {
      if (o.namespaceTerminating()) {
        // Kubernetes deletes every object of a namespace being deleted, the Stack's children with
        // them; the Stack's ServiceAccount and its permissions may already be gone. Only the
        // operator's own holds on pods are left to let go, or the namespace would never go.
        boolean held = false;
        for (var entry : o.pods().entrySet()) {
          for (JsonNode pod : entry.getValue()) {
            if (MemberLifecycle.held(pod)) {
              actions.add(new StackAction.PodFinalizer(entry.getKey(), pod, false));
              held = true;
            }
          }
        }
        StackStatus status = StackStatuses.deleting(stack, List.of(), o.now());
        return new Plan(List.copyOf(actions), status, Optional.empty(), !held);
      }
      Set<String> all = new LinkedHashSet<>(def.components().keySet());
      all.addAll(previous.keySet());
      all.addAll(o.children().keySet());
      all.addAll(o.pods().keySet());
      boolean anyAlive = false;
      for (String name : all) {
        List<JsonNode> live = objects(name);
        if (!alive(name)) {
          continue;
        }
        anyAlive = true;
        Set<String> blockers = aliveDependents(name);
        if (isProvision(name)) {
          // Provisions go last, but not after what they themselves read (a credentials Secret):
          // that waits for them.
          Set<String> needed = requiredBy(name);
          for (String other : all) {
            if (!isProvision(other) && alive(other) && !needed.contains(other)) {
              blockers.add(other);
            }
          }
        }
        ComponentStatus prev = previous.get(name);
        ComponentStatus r = new ComponentStatus();
        r.name = name;
        r.dependsOn = List.copyOf(dependenciesOf(name));
        r.phase = ComponentPhase.Deleting;
        r.reason = "Deleting";
        String hookHolds = blockers.isEmpty() ? preDelete(name, live) : null;
        if (hookHolds != null) {
          r.message = hookHolds;
          if (hookHolds.startsWith(PRE_DELETE_FAILED)) {
            r.reason = "PreDeleteFailed";
          }
        } else if (blockers.isEmpty() && live.isEmpty()) {
          r.message = "waiting for its members to leave";
        } else if (blockers.isEmpty()) {
          boolean othersLeft = live.stream().anyMatch(l -> !isHook(l));
          for (JsonNode child : live) {
            // A finished preDelete Job stays until the rest has gone, so it is not run again.
            if (!terminating(child) && !(othersLeft && isHook(child))) {
              actions.add(remove(name, child));
            }
          }
          r.message =
              isProvision(name)
                  ? "destroying: the Provision runs its destroy before it goes"
                  : "deleting " + describe(live);
        } else {
          r.message = "deleted once " + String.join(", ", blockers) + " are gone";
        }
        r.children = live.stream().map(l -> reference(l, previousReference(name, l))).toList();
        r.lastTransitionTime = transition(prev, r.phase);
        rows.put(name, r);
        // Members leave as their pods go, whatever holds the component's objects.
        members(name, r, MemberLifecycle.Mode.GO);
      }
      StackStatus status = StackStatuses.deleting(stack, List.copyOf(rows.values()), o.now());
      // A kind that cannot be looked at may still hold children: not finished until it can.
      boolean blind = !o.kindProblems().isEmpty();
      return new Plan(List.copyOf(actions), status, Optional.empty(), !anyAlive && !blind);
    }

    /**
     * What a component's preDelete Job holds it for, or null when it may go: the Job is started
     * (once), waited for, and on failure the component stays, saying so.
     */
    private String preDelete(String name, List<JsonNode> live) {
      Component hook = def.component(name).map(Component::preDelete).orElse(null);
      if (hook == null || !def.valid()) {
        return null;
      }
      String job = StackNames.child(stack.getMetadata().getName(), name) + "-pre-delete";
      JsonNode existing =
          live.stream()
              .filter(
                  l -> PRE_DELETE.equals(l.at("/metadata/annotations/gantry.dev~1hook").asText()))
              .findFirst()
              .orElse(null);
      if (existing == null) {
        if (live.isEmpty() || live.stream().anyMatch(StackPlanner::terminating)) {
          // Nothing left to hold, or already going (its hook ran and is gone): not run again.
          return null;
        }
        com.fasterxml.jackson.databind.node.ObjectNode body = hook.body().deepCopy();
        body.with("metadata").put("name", job);
        body.with("metadata").with("annotations").put(StackNames.HOOK, PRE_DELETE);
        StackNames.markHookPods(body, PRE_DELETE);
        Component named = hook.withBody(body);
        TemplateRenderer.Rendered rendered;
        try {
          rendered =
              TemplateRenderer.render(
                  named,
                  owner(),
                  variables(def.component(name).orElseThrow().dependsOn()),
                  o.sensitiveOutputs());
        } catch (IllegalArgumentException e) {
          return PRE_DELETE_FAILED + " Job " + job + " could not be rendered: " + e.getMessage();
        }
        actions.add(new StackAction.Create(name, rendered.object(), rendered.hash()));
        return "running its preDelete Job " + job + " before it goes";
      }
      Readiness.Verdict verdict = Readiness.of(existing, null);
      return switch (verdict.state()) {
        case READY -> null;
        case FAILED ->
            PRE_DELETE_FAILED
                + " Job "
                + job
                + " failed ("
                + verdict.message()
                + "): fix it and delete the Job to run it again, or take preDelete out of the"
                + " component to go on without it";
        default -> "waiting for its preDelete Job " + job + ": " + verdict.message();
      };
    }

    private static boolean isHook(JsonNode live) {
      return PRE_DELETE.equals(live.at("/metadata/annotations/gantry.dev~1hook").asText());
    }

    /** Every component {@code name} reads, directly or through others. */
    private Set<String> requiredBy(String name) {
      Set<String> required = new LinkedHashSet<>();
      java.util.Deque<String> next = new java.util.ArrayDeque<>(dependenciesOf(name));
      while (!next.isEmpty()) {
        String d = next.pop();
        if (required.add(d)) {
          next.addAll(dependenciesOf(d));
        }
      }
      return required;
    }

    private boolean isProvision(String name) {
      return o.childrenOf(name).stream()
          .anyMatch(
              c ->
                  "Provision".equals(c.path("kind").asText())
                      && c.path("apiVersion").asText().startsWith("gantry.dev/"));
    }

    private static String describe(List<JsonNode> live) {
      return String.join(
          ", ",
          live.stream()
              .map(l -> l.path("kind").asText() + " " + l.path("metadata").path("name").asText())
              .toList());
    }

    // ---- helpers ----

    /** Components with objects still there that depend on {@code name}, by spec or by status. */
    private Set<String> aliveDependents(String name) {
      Set<String> dependents = new LinkedHashSet<>();
      Set<String> candidates = new LinkedHashSet<>(def.components().keySet());
      candidates.addAll(previous.keySet());
      candidates.addAll(o.children().keySet());
      for (String other : candidates) {
        if (!other.equals(name) && alive(other) && dependenciesOf(other).contains(name)) {
          dependents.add(other);
        }
      }
      return dependents;
    }

    private Set<String> dependenciesOf(String name) {
      Set<String> deps = new LinkedHashSet<>();
      def.component(name).ifPresent(c -> deps.addAll(c.dependsOn()));
      ComponentStatus prev = previous.get(name);
      if (prev != null && prev.dependsOn != null) {
        deps.addAll(prev.dependsOn);
      }
      return deps;
    }

    private ComponentPhase phaseOf(String name) {
      ComponentStatus r = rows.get(name);
      return r == null ? ComponentPhase.Pending : r.phase;
    }

    private String waitingFor(List<String> waiting) {
      List<String> parts = new ArrayList<>();
      for (String d : waiting) {
        ComponentStatus r = rows.get(d);
        String m = r == null || r.message == null || r.message.isEmpty() ? "" : ": " + r.message;
        parts.add(d + (r != null && r.phase == ComponentPhase.Pending ? " (pending)" : m));
      }
      return "waiting for " + String.join("; ", parts);
    }

    private String falseCondition(Component c) {
      if (c.includeWhen().isEmpty()) {
        return null;
      }
      Map<String, Object> vars = Map.of(ExpressionEnvironment.PARAMETERS, parameters());
      for (var condition : c.includeWhen()) {
        if (!Boolean.TRUE.equals(ExpressionEnvironment.evaluate(condition, vars))) {
          return condition.source();
        }
      }
      return null;
    }

    private String secretProblem(Component c) {
      if (o.secretProblems().isEmpty()) {
        return null;
      }
      boolean reads =
          c.fields().stream()
              .flatMap(f -> f.expressions().stream())
              .anyMatch(ExpressionEnvironment.Compiled::readsSecretParameters);
      if (!reads) {
        return null;
      }
      List<String> problems = new ArrayList<>();
      o.secretProblems().forEach((k, v) -> problems.add("secretParameters." + k + ": " + v));
      return String.join("; ", problems);
    }

    private Object parameters() {
      return stack.getSpec().parameters == null
          ? Map.of()
          : CelValues.of(stack.getSpec().parameters);
    }

    private Map<String, Object> variables(List<String> deps) {
      Map<String, Object> vars = new LinkedHashMap<>();
      vars.put(ExpressionEnvironment.PARAMETERS, parameters());
      vars.put(ExpressionEnvironment.SECRET_PARAMETERS, new LinkedHashMap<>(o.secretParameters()));
      Map<String, Object> components = new LinkedHashMap<>();
      for (String d : deps) {
        Optional<Component> dep = def.component(d);
        List<JsonNode> live =
            o.childrenOf(d).stream()
                .filter(
                    l ->
                        dep.isEmpty()
                            || (l.path("kind").asText().equals(dep.get().kind())
                                && l.path("apiVersion").asText().equals(dep.get().apiVersion())))
                .sorted(
                    java.util.Comparator.comparing(l -> l.path("metadata").path("name").asText()))
                .toList();
        if (dep.isPresent() && dep.get().forEach() != null) {
          // A collection reads as the list of its objects, in name order.
          components.put(
              d,
              live.stream()
                  .map(l -> ComponentValues.of(l, o.outputs().get(d), podsOf(d, l)))
                  .toList());
        } else if (!live.isEmpty()) {
          components.put(d, ComponentValues.of(live.get(0), o.outputs().get(d), o.podsOf(d)));
        }
      }
      vars.put(ExpressionEnvironment.COMPONENTS, components);
      return vars;
    }

    /** The pods of one object of a collection: those its pod template's labels select. */
    private List<JsonNode> podsOf(String component, JsonNode object) {
      JsonNode wanted = object.at("/spec/selector/matchLabels");
      return o.podsOf(component).stream()
          .filter(p -> JsonSubset.within(wanted, p.path("metadata").path("labels")))
          .toList();
    }

    private TemplateRenderer.Owner owner() {
      return new TemplateRenderer.Owner(
          stack.getApiVersion(),
          stack.getKind(),
          stack.getMetadata().getName(),
          stack.getMetadata().getNamespace(),
          stack.getMetadata().getUid());
    }

    private ComponentStatus row(
        Component c, ComponentPhase phase, String reason, String message, List<JsonNode> live) {
      ComponentStatus prev = previous.get(c.name());
      ComponentStatus r = new ComponentStatus();
      r.name = c.name();
      r.phase = phase;
      r.reason = reason;
      r.message = message == null || message.isEmpty() ? null : message;
      r.dependsOn = List.copyOf(c.dependsOn());
      r.children = live.stream().map(l -> reference(l, previousReference(c.name(), l))).toList();
      r.lastTransitionTime = transition(prev, phase);
      rows.put(c.name(), r);
      return r;
    }

    private String transition(ComponentStatus prev, ComponentPhase phase) {
      if (prev != null && prev.phase == phase && prev.lastTransitionTime != null) {
        return prev.lastTransitionTime;
      }
      return o.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private ChildReference previousReference(String component, JsonNode live) {
      ComponentStatus prev = previous.get(component);
      if (prev == null || prev.children == null) {
        return null;
      }
      for (ChildReference ref : prev.children) {
        if (ref.name != null
            && ref.name.equals(live.path("metadata").path("name").asText())
            && ref.kind != null
            && ref.kind.equals(live.path("kind").asText())
            && ref.apiVersion != null
            && ref.apiVersion.equals(live.path("apiVersion").asText())) {
          return ref;
        }
      }
      return null;
    }

    private static boolean same(JsonNode live, TemplateRenderer.Rendered rendered) {
      return live.path("apiVersion").asText().equals(rendered.apiVersion())
          && live.path("kind").asText().equals(rendered.kind())
          && live.path("metadata").path("name").asText().equals(rendered.name());
    }
  }

  // ---- shared pure helpers ----

  static boolean terminating(JsonNode live) {
    return live.path("metadata").hasNonNull("deletionTimestamp");
  }

  /**
   * Delete, or orphan when the child says so: the policy travels on the object, so it holds for a
   * component already taken out of the spec.
   */
  static StackAction remove(String component, JsonNode live) {
    boolean orphan =
        "Orphan"
            .equals(
                live.path("metadata")
                    .path("annotations")
                    .path(StackNames.DELETION_POLICY)
                    .asText());
    return orphan
        ? new StackAction.Orphan(component, live)
        : new StackAction.Delete(component, live);
  }

  /** The object's generation, or for kinds without one its resourceVersion. */
  static String version(JsonNode live) {
    JsonNode generation = live.path("metadata").path("generation");
    if (generation.isNumber() && generation.asLong() > 0) {
      return "g" + generation.asLong();
    }
    return "rv" + live.path("metadata").path("resourceVersion").asText();
  }

  static ChildReference reference(JsonNode live, ChildReference before) {
    ChildReference ref = new ChildReference();
    ref.apiVersion = live.path("apiVersion").asText();
    ref.kind = live.path("kind").asText();
    ref.name = live.path("metadata").path("name").asText();
    if (before != null) {
      ref.appliedHash = before.appliedHash;
      ref.appliedVersion = before.appliedVersion;
    }
    return ref;
  }

  static ChildReference reference(TemplateRenderer.Rendered rendered, String version) {
    ChildReference ref = new ChildReference();
    ref.apiVersion = rendered.apiVersion();
    ref.kind = rendered.kind();
    ref.name = rendered.name();
    ref.appliedHash = rendered.hash();
    ref.appliedVersion = version;
    return ref;
  }

  private static JsonNode lastApplied(JsonNode live) {
    JsonNode text = live.path("metadata").path("annotations").path(StackNames.LAST_APPLIED);
    if (!text.isTextual()) {
      return null;
    }
    try {
      return JSON.readTree(text.asText());
    } catch (IOException e) {
      return null;
    }
  }

  private static JsonNode withoutLastApplied(JsonNode rendered) {
    JsonNode copy = rendered.deepCopy();
    JsonNode annotations = copy.path("metadata").path("annotations");
    if (annotations.isObject()) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) annotations)
          .remove(StackNames.LAST_APPLIED);
    }
    return copy;
  }
}
