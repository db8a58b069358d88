package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.api.stack.StackStatus.MemberState;
import dev.gantry.api.stack.StackStatus.MemberStatus;
import dev.gantry.operator.stack.StackDefinition.Component;
import dev.gantry.operator.stack.StackDefinition.MemberActions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, for one component, what its members' join and leave actions need (consul and the
 * registrator of the procedure Stack replaces, done by Kubernetes): a pod that becomes Ready for
 * the first time joins (its onMemberJoin Job runs, once); a member whose pod is deleted or ended
 * leaves (its onMemberLeave Job runs, once), its pod held by a finalizer until that Job completed
 * or the leave timeout passed. A failed Job is run again with backoff. Pure: what it knows of a
 * member comes from the pod, the member's Jobs (named and annotated per pod uid and attempt, so a
 * pass after a restart finds them) and the last status.
 */
final class MemberLifecycle {
  /** On a member's pod while it may still need its leave action. */
  static final String FINALIZER = "gantry.dev/member-leave";

  /** The gantry.dev/hook values of member Jobs. */
  static final String JOIN = "member-join";

  static final String LEAVE = "member-leave";

  /** On a member Job: the pod it is for. */
  static final String MEMBER_UID = "gantry.dev/member-uid";

  static final String MEMBER_NAME = "gantry.dev/member";

  /** On a member Job: which run of the action it is, from 1. */
  static final String ATTEMPT = "gantry.dev/attempt";

  static final Duration FIRST_RETRY = Duration.ofSeconds(10);

  /** Failed runs of a leave after which a component being torn down goes on without it. */
  static final int GIVE_UP = 3;

  static final Duration LONGEST_RETRY = Duration.ofMinutes(5);

  private MemberLifecycle() {}

  /** What the component is doing, which decides what its members may do. */
  enum Mode {
    /** Running: members join and leave. */
    RUN,
    /** Going (torn down, removed by includeWhen): no new member joins; leaving ones still leave. */
    GO,
    /** Let go without actions (orphaned, its spec gone, its namespace deleted). */
    RELEASE
  }

  /** Renders a member Job, or throws IllegalArgumentException saying why it cannot. */
  interface JobRenderer {
    TemplateRenderer.Rendered render(Component hook, Map<String, Object> member);
  }

  /**
   * What one component's members need.
   *
   * @param actions its member actions (null: none declared any more)
   * @param pods its pods (not member Jobs' pods), terminating ones included
   * @param jobs its member Jobs
   * @param previous its member rows in the last status
   */
  record Input(
      String stack,
      String component,
      MemberActions actions,
      Mode mode,
      List<JsonNode> pods,
      List<JsonNode> jobs,
      List<MemberStatus> previous,
      Instant now,
      JobRenderer renderer) {}

  /**
   * @param rows a row per member, in name order
   * @param wake when to look again for a retry or a timeout, if a watched change does not come
   * @param holding something of the members is left (a held pod, a Job, an unfinished row): a
   *     component torn down is not gone until nothing is
   */
  record Result(
      List<StackAction> actions,
      List<MemberStatus> rows,
      Optional<Instant> wake,
      boolean holding) {}

  static Result plan(Input in) {
    return new Pass(in).run();
  }

  /**
   * The pods a Stack whose spec is invalid still holds and should let go: its member actions cannot
   * be rendered until the spec is fixed, so a held pod being deleted is let go once the default
   * leave timeout passed since its deletion, not held until then.
   *
   * @return the releases due now, and when the next one is due
   */
  static Result releaseWhileInvalid(Map<String, List<JsonNode>> pods, Instant now) {
    List<StackAction> releases = new ArrayList<>();
    Instant next = null;
    for (var entry : pods.entrySet()) {
      for (JsonNode pod : entry.getValue()) {
        if (!held(pod) || !StackPlanner.terminating(pod)) {
          continue;
        }
        Instant due = deletedAt(pod).plus(StackCompiler.DEFAULT_MEMBER_LEAVE_TIMEOUT);
        if (!now.isBefore(due)) {
          releases.add(new StackAction.PodFinalizer(entry.getKey(), pod, false));
        } else if (next == null || due.isBefore(next)) {
          next = due;
        }
      }
    }
    return new Result(
        List.copyOf(releases), List.of(), Optional.ofNullable(next), !releases.isEmpty());
  }

  /** When a pod was deleted: its deletionTimestamp is that plus its grace period. */
  static Instant deletedAt(JsonNode pod) {
    String deleted = pod.path("metadata").path("deletionTimestamp").asText();
    long grace = pod.path("metadata").path("deletionGracePeriodSeconds").asLong(0);
    return Instant.parse(deleted).minusSeconds(grace);
  }

  /** Whether a live child of a component is one of its member Jobs. */
  static boolean isMemberJob(JsonNode live) {
    String hook = live.at("/metadata/annotations/gantry.dev~1hook").asText();
    return JOIN.equals(hook) || LEAVE.equals(hook);
  }

  static boolean held(JsonNode pod) {
    for (JsonNode f : pod.path("metadata").path("finalizers")) {
      if (FINALIZER.equals(f.asText())) {
        return true;
      }
    }
    return false;
  }

  /** How long after its n-th failed run an action runs again: 10s, doubling, at most 5m. */
  static Duration backoff(int attempt) {
    Duration d = FIRST_RETRY;
    for (int i = 1; i < attempt && d.compareTo(LONGEST_RETRY) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(LONGEST_RETRY) < 0 ? d : LONGEST_RETRY;
  }

  private static final class Pass {
    private final Input in;
    private final List<StackAction> actions = new ArrayList<>();
    private final List<MemberStatus> rows = new ArrayList<>();
    private Instant wake;
    private boolean holding;

    Pass(Input in) {
      this.in = in;
    }

    Result run() {
      Map<String, JsonNode> pods = new LinkedHashMap<>();
      in.pods().stream()
          .sorted(Comparator.comparing(p -> p.path("metadata").path("name").asText()))
          .forEach(p -> pods.put(p.path("metadata").path("uid").asText(), p));
      Map<String, MemberStatus> previous = new LinkedHashMap<>();
      for (MemberStatus m : in.previous() == null ? List.<MemberStatus>of() : in.previous()) {
        if (m.uid != null) {
          previous.put(m.uid, m);
        }
      }
      Map<String, List<JsonNode>> jobs = new LinkedHashMap<>();
      for (JsonNode job : in.jobs()) {
        jobs.computeIfAbsent(annotation(job, MEMBER_UID), u -> new ArrayList<>()).add(job);
      }
      Set<String> uids = new LinkedHashSet<>(pods.keySet());
      uids.addAll(previous.keySet());
      uids.addAll(jobs.keySet());
      for (String uid : uids) {
        JsonNode pod = pods.get(uid);
        List<JsonNode> own = jobs.getOrDefault(uid, List.of());
        MemberStatus row =
            in.mode() == Mode.RELEASE
                ? release(pod, own)
                : member(uid, pod, previous.get(uid), own);
        if (row != null) {
          rows.add(row);
        }
        if (row != null || !own.isEmpty() || (pod != null && held(pod))) {
          holding = true;
        }
      }
      rows.sort(Comparator.comparing(r -> r.name == null ? "" : r.name));
      return new Result(
          List.copyOf(actions), List.copyOf(rows), Optional.ofNullable(wake), holding);
    }

    /** Let go: the pod's finalizer removed, the member's Jobs deleted, no action run. */
    private MemberStatus release(JsonNode pod, List<JsonNode> jobs) {
      if (pod != null && held(pod)) {
        actions.add(new StackAction.PodFinalizer(in.component(), pod, false));
      }
      deleteAll(jobs);
      return null;
    }

    private MemberStatus member(String uid, JsonNode pod, MemberStatus prev, List<JsonNode> jobs) {
      boolean going = pod == null || StackPlanner.terminating(pod) || ended(pod);
      boolean holds = pod != null && held(pod);
      JsonNode join = latest(jobs, JOIN);
      JsonNode leave = latest(jobs, LEAVE);
      boolean started = prev != null || join != null || leave != null || holds;
      if (!started) {
        if (in.mode() == Mode.RUN && !going && Members.ready(pod)) {
          return joining(uid, pod);
        }
        return null;
      }
      return going
          ? leaving(uid, pod, prev, jobs, join, leave)
          : joined(uid, pod, prev, jobs, join);
    }

    /** A pod Ready for the first time: held (if it will need its leave), and joined. */
    private MemberStatus joining(String uid, JsonNode pod) {
      if (in.actions().leave() != null) {
        actions.add(new StackAction.PodFinalizer(in.component(), pod, true));
      }
      if (in.actions().join() == null) {
        return row(uid, pod, null, MemberState.Joined, null, null, null);
      }
      return runAction(uid, pod, null, in.actions().join(), JOIN, 1, null);
    }

    /** A member whose pod is still there and running. */
    private MemberStatus joined(
        String uid, JsonNode pod, MemberStatus prev, List<JsonNode> jobs, JsonNode join) {
      if (in.actions().leave() != null && !held(pod)) {
        // The hold was not written (or was taken off by hand): the leave needs it.
        actions.add(new StackAction.PodFinalizer(in.component(), pod, true));
      }
      deleteOlder(jobs, JOIN, join);
      Component action = in.actions().join();
      if (action == null) {
        return row(uid, pod, prev, MemberState.Joined, null, null, null);
      }
      if (join == null) {
        if (prev != null && prev.state == MemberState.Joined) {
          return row(uid, pod, prev, MemberState.Joined, null, null, null);
        }
        // Its Job is gone before it completed (deleted by hand): run it again.
        return runAction(uid, pod, prev, action, JOIN, currentAttempt(prev, JOIN), null);
      }
      int attempt = attempt(join);
      Readiness.Verdict verdict = Readiness.of(join, null);
      switch (verdict.state()) {
        case READY -> {
          if (prev != null && prev.state == MemberState.Joined) {
            // Joined is in the status: the Job has served its purpose.
            delete(join);
          }
          return row(uid, pod, prev, MemberState.Joined, attempt, null, JOIN);
        }
        case FAILED -> {
          return failed(uid, pod, prev, action, JOIN, join, attempt, verdict, null);
        }
        default -> {
          return row(
              uid,
              pod,
              prev,
              MemberState.Joining,
              attempt,
              "running onMemberJoin Job " + name(join),
              JOIN);
        }
      }
    }

    /** A member whose pod is deleted, ended or gone: its leave action, then let go. */
    private MemberStatus leaving(
        String uid,
        JsonNode pod,
        MemberStatus prev,
        List<JsonNode> jobs,
        JsonNode join,
        JsonNode leave) {
      boolean holds = pod != null && held(pod);
      Component action = in.actions().leave();
      for (JsonNode j : jobs) {
        // A join still running for a member that goes is moot; the leave undoes what it did.
        if (JOIN.equals(annotation(j, StackNames.HOOK))
            && Readiness.of(j, null).state() == Readiness.State.WAITING
            && !StackPlanner.terminating(j)) {
          delete(j);
        }
      }
      deleteOlder(jobs, LEAVE, leave);
      boolean everJoined =
          join != null
              || leave != null
              || (prev != null && prev.state != MemberState.Joining)
              || in.actions().join() == null;
      if (action == null || !everJoined) {
        // Nothing to run: let it go.
        return left(uid, pod, prev, jobs, holds, null, null);
      }
      Instant deadline = holds ? leavingSince(pod).plus(in.actions().leaveTimeout()) : null;
      String letGo = null;
      if (holds && !in.now().isBefore(deadline)) {
        actions.add(new StackAction.PodFinalizer(in.component(), pod, false));
        letGo =
            "its pod was let go after "
                + StackStatuses.words(in.actions().leaveTimeout())
                + " (memberLeaveTimeout)";
      } else if (holds) {
        wakeAt(deadline);
      }
      if (leave == null) {
        if (prev != null && prev.state == MemberState.Left) {
          return left(uid, pod, prev, jobs, holds && letGo == null, null, null);
        }
        return runAction(uid, pod, prev, action, LEAVE, currentAttempt(prev, LEAVE), letGo);
      }
      int attempt = attempt(leave);
      Readiness.Verdict verdict = Readiness.of(leave, null);
      switch (verdict.state()) {
        case READY -> {
          return left(uid, pod, prev, jobs, holds && letGo == null, attempt, null);
        }
        case FAILED -> {
          if (in.mode() == Mode.GO && (pod == null || letGo != null) && attempt >= GIVE_UP) {
            // Torn down, the pod gone: a leave that keeps failing must not hold the teardown.
            return left(
                uid,
                pod,
                prev,
                jobs,
                false,
                attempt,
                "its onMemberLeave failed "
                    + attempt
                    + " times while the component is torn down; gone on without it");
          }
          return failed(uid, pod, prev, action, LEAVE, leave, attempt, verdict, letGo);
        }
        default -> {
          String message = "running onMemberLeave Job " + name(leave);
          return row(
              uid,
              pod,
              prev,
              MemberState.Leaving,
              attempt,
              letGo == null ? message : message + "; " + letGo,
              LEAVE);
        }
      }
    }

    /**
     * Left: the pod let go; once Left is in the status, the member's Jobs are deleted, and once
     * they are gone too, the row goes.
     */
    private MemberStatus left(
        String uid,
        JsonNode pod,
        MemberStatus prev,
        List<JsonNode> jobs,
        boolean release,
        Integer attempt,
        String message) {
      if (release) {
        actions.add(new StackAction.PodFinalizer(in.component(), pod, false));
      }
      boolean recorded = prev != null && prev.state == MemberState.Left;
      if (recorded) {
        deleteAll(jobs);
        if (jobs.isEmpty() && !release) {
          return null;
        }
      }
      return row(uid, pod, prev, MemberState.Left, attempt, message, LEAVE);
    }

    /** A failed run: run again once its backoff passed. */
    private MemberStatus failed(
        String uid,
        JsonNode pod,
        MemberStatus prev,
        Component action,
        String hook,
        JsonNode job,
        int attempt,
        Readiness.Verdict verdict,
        String letGo) {
      Instant failedAt = failedAt(job);
      Instant again = failedAt.plus(backoff(attempt));
      if (!in.now().isBefore(again)) {
        delete(job);
        return runAction(uid, pod, prev, action, hook, attempt + 1, letGo);
      }
      wakeAt(again);
      String message =
          field(hook)
              + " Job "
              + name(job)
              + " failed ("
              + verdict.message()
              + "); run again at "
              + again.truncatedTo(ChronoUnit.SECONDS)
              + (letGo == null ? "" : "; " + letGo);
      return row(uid, pod, prev, MemberState.ActionFailed, attempt, message, hook);
    }

    /** Creates the action's Job for this run. */
    private MemberStatus runAction(
        String uid,
        JsonNode pod,
        MemberStatus prev,
        Component action,
        String hook,
        int attempt,
        String letGo) {
      String jobName = StackNames.memberJob(in.stack(), in.component(), hook, uid, attempt);
      TemplateRenderer.Rendered rendered;
      try {
        ObjectNode body = action.body().deepCopy();
        ObjectNode metadata = body.with("metadata");
        metadata.put("name", jobName);
        ObjectNode annotations = metadata.with("annotations");
        annotations.put(StackNames.HOOK, hook);
        annotations.put(MEMBER_UID, uid);
        annotations.put(MEMBER_NAME, memberName(pod, prev));
        annotations.put(ATTEMPT, String.valueOf(attempt));
        StackNames.markHookPods(body, hook);
        // Gantry deletes a member Job once its outcome is in the status; one the TTL controller
        // deleted before that would be run again.
        body.with("spec").remove("ttlSecondsAfterFinished");
        if (LEAVE.equals(hook) && !body.path("spec").has("activeDeadlineSeconds")) {
          // A leave that hangs (an image that never pulls) fails, so it is run again or given up.
          body.with("spec").put("activeDeadlineSeconds", in.actions().leaveTimeout().toSeconds());
        }
        rendered = in.renderer().render(action.withBody(body), member(pod, prev));
      } catch (IllegalArgumentException e) {
        // Nothing to run until the Stack is fixed (the fix is a new generation, a new pass).
        return row(
            uid,
            pod,
            prev,
            MemberState.ActionFailed,
            attempt,
            field(hook) + " could not be rendered: " + e.getMessage(),
            hook);
      }
      actions.add(new StackAction.Create(in.component(), rendered.object(), rendered.hash()));
      String message = "running " + field(hook) + " Job " + jobName;
      return row(
          uid,
          pod,
          prev,
          JOIN.equals(hook) ? MemberState.Joining : MemberState.Leaving,
          attempt,
          letGo == null ? message : message + "; " + letGo,
          hook);
    }

    private MemberStatus row(
        String uid,
        JsonNode pod,
        MemberStatus prev,
        MemberState state,
        Integer attempt,
        String message,
        String hook) {
      MemberStatus r = new MemberStatus();
      r.name = memberName(pod, prev);
      r.uid = uid;
      String address = pod == null ? "" : pod.path("status").path("podIP").asText();
      r.address = address.isEmpty() ? (prev == null ? null : prev.address) : address;
      r.state = state;
      boolean same = prev != null && prev.state == state;
      // A state kept after its Job was cleaned up keeps the action and run it came from.
      r.action = hook == null ? (same ? prev.action : null) : field(hook);
      r.attempt = attempt == null && same ? prev.attempt : attempt;
      r.message = message;
      r.lastTransitionTime =
          prev != null && prev.state == state && prev.lastTransitionTime != null
              ? prev.lastTransitionTime
              : in.now().truncatedTo(ChronoUnit.SECONDS).toString();
      return r;
    }

    /**
     * The run the row is at for this action, or the first: with no Job there, that run's Job was
     * never made (not rendered, refused) or was deleted by hand, and is made now. Only a Job seen
     * to fail moves to the next run, so a pass that cannot make one does not count runs up.
     */
    private static int currentAttempt(MemberStatus prev, String hook) {
      boolean sameAction = prev != null && prev.attempt != null && field(hook).equals(prev.action);
      return sameAction ? prev.attempt : 1;
    }

    private void deleteOlder(List<JsonNode> jobs, String hook, JsonNode latest) {
      for (JsonNode j : jobs) {
        if (j != latest && hook.equals(annotation(j, StackNames.HOOK))) {
          delete(j);
        }
      }
    }

    private void deleteAll(List<JsonNode> jobs) {
      jobs.forEach(this::delete);
    }

    private void delete(JsonNode job) {
      if (!StackPlanner.terminating(job)) {
        actions.add(new StackAction.Delete(in.component(), job));
      }
    }

    private void wakeAt(Instant at) {
      if (wake == null || at.isBefore(wake)) {
        wake = at;
      }
    }

    private Instant leavingSince(JsonNode pod) {
      return pod.path("metadata").path("deletionTimestamp").asText().isEmpty()
          ? in.now()
          : deletedAt(pod);
    }

    private Instant failedAt(JsonNode job) {
      for (JsonNode c : job.path("status").path("conditions")) {
        if ("Failed".equals(c.path("type").asText()) && c.hasNonNull("lastTransitionTime")) {
          return Instant.parse(c.path("lastTransitionTime").asText());
        }
      }
      return in.now();
    }

    private static String memberName(JsonNode pod, MemberStatus prev) {
      if (pod != null) {
        return pod.path("metadata").path("name").asText();
      }
      return prev == null ? null : prev.name;
    }

    /** What the Job's expressions read as member: the pod, or once it is gone, the last row. */
    private static Map<String, Object> member(JsonNode pod, MemberStatus prev) {
      if (pod != null) {
        return Members.member(pod);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", prev == null || prev.name == null ? "" : prev.name);
      m.put("address", prev == null || prev.address == null ? "" : prev.address);
      m.put("node", "");
      m.put("labels", Map.of());
      m.put("ports", Map.of());
      return m;
    }
  }

  private static JsonNode latest(List<JsonNode> jobs, String hook) {
    return jobs.stream()
        .filter(j -> hook.equals(annotation(j, StackNames.HOOK)))
        .max(Comparator.comparingInt(MemberLifecycle::attempt))
        .orElse(null);
  }

  static int attempt(JsonNode job) {
    try {
      return Integer.parseInt(annotation(job, ATTEMPT));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** A pod that ran to its end (Succeeded or Failed) is not coming back. */
  private static boolean ended(JsonNode pod) {
    String phase = pod.path("status").path("phase").asText();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static String field(String hook) {
    return JOIN.equals(hook) ? "onMemberJoin" : "onMemberLeave";
  }

  private static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  private static String annotation(JsonNode object, String key) {
    return object.path("metadata").path("annotations").path(key).asText();
  }
}
