package dev.gantry.operator.stack;

import static dev.gantry.operator.stack.StackPlannerTest.writtenKinds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.api.stack.StackStatus.MemberState;
import dev.gantry.api.stack.StackStatus.MemberStatus;
import dev.gantry.operator.stack.StackPlannerTest.World;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Join and leave actions, planned: each member joins once and leaves once, a leaving member's pod
 * is held until its leave action completed (or its timeout passed), failed runs are run again with
 * backoff, and teardown waits for the leaves.
 */
class MemberActionsTest {
  static final String SPEC =
      """
      networkPolicies: Disabled
      components:
      - name: registry
        template:
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: registry}
          data: {url: "http://scalelite"}
      - name: media
        memberLeaveTimeout: 2m
        onMemberJoin:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers:
              - name: add
                image: busybox
                command: [echo, "add ${member.name} http://${member.address}:${string(member.ports.http)} to ${components.registry.data.url}"]
        onMemberLeave:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers: [{name: remove, image: busybox, command: [echo, "remove ${member.name}"]}]
        template:
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: media}
          spec:
            replicas: 1
            template:
              metadata: {labels: {app: media}}
              spec: {containers: [{name: bbb, image: bbb, ports: [{name: http, containerPort: 8080}]}]}
      """;

  static ObjectNode pod(String name, String ip) {
    return Serialization.unmarshal(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: %s
          namespace: apps
          uid: uid-%s
          resourceVersion: "1"
          labels: {app: media, gantry.dev/stack: shop, gantry.dev/component: media}
        spec: {nodeName: n1, containers: [{name: bbb, ports: [{name: http, containerPort: 8080}]}]}
        status:
          phase: Running
          podIP: %s
          conditions: [{type: Ready, status: "True"}]
        """
            .formatted(name, name, ip),
        ObjectNode.class);
  }

  /** A Stack whose media Deployment is rolled out and Ready, with no pods yet. */
  static World running() {
    World w = new World(SPEC);
    w.pass();
    w.pass();
    w.rolledOut("media");
    w.pass();
    return w;
  }

  static void addPod(World w, ObjectNode pod) {
    w.pods.computeIfAbsent("media", k -> new ArrayList<>()).add(pod);
  }

  static ObjectNode livePod(World w, String name) {
    return (ObjectNode)
        w.pods.get("media").stream()
            .filter(p -> p.at("/metadata/name").asText().equals(name))
            .findFirst()
            .orElseThrow();
  }

  static ObjectNode job(World w, String hook) {
    return (ObjectNode)
        w.children.get("media").stream()
            .filter(j -> hook.equals(j.at("/metadata/annotations/gantry.dev~1hook").asText()))
            .reduce((a, b) -> b)
            .orElseThrow();
  }

  static void finish(World w, String hook, String condition) {
    ObjectNode job = job(w, hook);
    job.putObject("status")
        .putArray("conditions")
        .addObject()
        .put("type", condition)
        .put("status", "True")
        .put("reason", condition.equals("Failed") ? "BackoffLimitExceeded" : "Completed")
        .put("message", "done")
        .put("lastTransitionTime", w.now.toString());
  }

  static MemberStatus member(World w, String name) {
    List<MemberStatus> members = w.row("media").members;
    return members == null
        ? null
        : members.stream().filter(m -> name.equals(m.name)).findFirst().orElse(null);
  }

  static boolean held(World w, String name) {
    return MemberLifecycle.held(livePod(w, name));
  }

  static String command(StackPlanner.Plan plan) {
    return plan.actions().stream()
        .filter(a -> a instanceof StackAction.Create)
        .map(a -> a.subject().at("/spec/template/spec/containers/0/command/1").asText())
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aPodReadyForTheFirstTimeIsHeldAndJoinsOnceWithItsAddressAndPorts() {
    World w = running();
    addPod(w, pod("media-a", "10.0.0.1"));
    StackPlanner.Plan plan = w.pass();
    String join = StackNames.memberJob("shop", "media", "member-join", "uid-media-a", 1);
    assertThat(writtenKinds(plan))
        .containsExactly("PodFinalizer Pod media-a", "Create Job " + join);
    assertThat(command(plan)).isEqualTo("add media-a http://10.0.0.1:8080 to http://scalelite");
    JsonNode created = job(w, "member-join");
    assertThat(created.at("/metadata/annotations/gantry.dev~1member-uid").asText())
        .isEqualTo("uid-media-a");
    // Its pods are marked, so they are never taken for members of their own.
    assertThat(created.at("/spec/template/metadata/labels/gantry.dev~1hook").asText())
        .isEqualTo("member-join");
    assertThat(held(w, "media-a")).isTrue();
    assertThat(member(w, "media-a").state).isEqualTo(MemberState.Joining);
    assertThat(member(w, "media-a").message).isEqualTo("running onMemberJoin Job " + join);

    assertThat(writtenKinds(w.pass())).isEmpty();
    finish(w, "member-join", "Complete");
    assertThat(writtenKinds(w.pass())).isEmpty();
    assertThat(member(w, "media-a").state).isEqualTo(MemberState.Joined);
    assertThat(member(w, "media-a").address).isEqualTo("10.0.0.1");
    // Joined is in the status: its Job goes, and nothing runs again.
    assertThat(writtenKinds(w.pass())).containsExactly("Delete Job " + join);
    assertThat(writtenKinds(w.pass())).isEmpty();
    assertThat(member(w, "media-a").state).isEqualTo(MemberState.Joined);
    // What it joined by stays in its row after the Job is gone.
    assertThat(member(w, "media-a").attempt).isEqualTo(1);
    assertThat(member(w, "media-a").action).isEqualTo("onMemberJoin");
  }

  @Test
  void aPodNotReadyIsNoMemberYetAndANewPodUnderAnOldNameJoinsAgain() {
    World w = running();
    ObjectNode starting = pod("media-a", "10.0.0.1");
    starting.with("status").withArray("conditions").removeAll();
    addPod(w, starting);
    assertThat(writtenKinds(w.pass())).isEmpty();
    assertThat(w.row("media").members).isNull();

    // As a StatefulSet does: the same name, a new pod.
    w.pods.get("media").clear();
    addPod(w, pod("media-a", "10.0.0.9"));
    livePod(w, "media-a").with("metadata").put("uid", "uid-second");
    assertThat(writtenKinds(w.pass()))
        .contains(
            "Create Job " + StackNames.memberJob("shop", "media", "member-join", "uid-second", 1));
  }

  /** media-a joined, its Job cleaned up. */
  static World joined() {
    World w = running();
    addPod(w, pod("media-a", "10.0.0.1"));
    w.pass();
    finish(w, "member-join", "Complete");
    w.pass();
    w.pass();
    return w;
  }

  @Test
  void aLeavingMembersPodIsHeldUntilItsLeaveActionCompletedThenLetGo() {
    World w = joined();
    livePod(w, "media-a").with("metadata").put("deletionTimestamp", w.now.toString());
    StackPlanner.Plan plan = w.pass();
    String leave = StackNames.memberJob("shop", "media", "member-leave", "uid-media-a", 1);
    assertThat(writtenKinds(plan)).containsExactly("Create Job " + leave);
    assertThat(command(plan)).isEqualTo("remove media-a");
    assertThat(member(w, "media-a").state).isEqualTo(MemberState.Leaving);
    assertThat(w.plan().requeue()).hasValue(Duration.ofMinutes(2));

    // Still running: the pod stays held.
    w.now = w.now.plusSeconds(30);
    assertThat(writtenKinds(w.pass())).isEmpty();
    assertThat(held(w, "media-a")).isTrue();

    finish(w, "member-leave", "Complete");
    assertThat(writtenKinds(w.pass())).containsExactly("PodFinalizer Pod media-a");
    assertThat(w.pods.get("media")).isEmpty();
    assertThat(member(w, "media-a").state).isEqualTo(MemberState.Left);
    assertThat(writtenKinds(w.pass())).containsExactly("Delete Job " + leave);
    w.pass();
    assertThat(member(w, "media-a")).isNull();
    assertThat(writtenKinds(w.pass())).isEmpty();
  }

  @Test
  void aLeaveThatDoesNotFinishLetsThePodGoAfterTheLeaveTimeoutAndGoesOnRunning() {
    World w = joined();
    livePod(w, "media-a").with("metadata").put("deletionTimestamp", w.now.toString());
    w.pass();
    w.now = w.now.plus(Duration.ofMinutes(2));
    assertThat(writtenKinds(w.pass())).containsExactly("PodFinalizer Pod media-a");
    assertThat(member(w, "media-a").state).isEqualTo(MemberState.Leaving);
    assertThat(member(w, "media-a").message)
        .contains("its pod was let go after 2m (memberLeaveTimeout)");
    // The pod is gone; the leave action still completes, and then the member is Left.
    finish(w, "member-leave", "Complete");
    w.pass();
    assertThat(member(w, "media-a").state).isEqualTo(MemberState.Left);
  }

  @Test
  void aFailedJoinIsRunAgainAfterItsBackoffAsTheNextAttempt() {
    World w = running();
    addPod(w, pod("media-a", "10.0.0.1"));
    w.pass();
    finish(w, "member-join", "Failed");
    assertThat(writtenKinds(w.pass())).isEmpty();
    MemberStatus failed = member(w, "media-a");
    assertThat(failed.state).isEqualTo(MemberState.ActionFailed);
    assertThat(failed.action).isEqualTo("onMemberJoin");
    assertThat(failed.message)
        .contains(
            "failed (Job failed: BackoffLimitExceeded done); run again at 2026-12-07T12:00:10Z");
    assertThat(w.plan().requeue()).hasValue(Duration.ofSeconds(10));

    w.now = w.now.plusSeconds(10);
    String first = StackNames.memberJob("shop", "media", "member-join", "uid-media-a", 1);
    String second = StackNames.memberJob("shop", "media", "member-join", "uid-media-a", 2);
    assertThat(writtenKinds(w.pass()))
        .containsExactly("Delete Job " + first, "Create Job " + second);
    assertThat(member(w, "media-a").attempt).isEqualTo(2);
    finish(w, "member-join", "Failed");
    w.pass();
    // The second failure waits twice as long.
    assertThat(w.plan().requeue()).hasValue(Duration.ofSeconds(20));
  }

  @Test
  void theBackoffDoublesUpToFiveMinutes() {
    assertThat(MemberLifecycle.backoff(1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(MemberLifecycle.backoff(2)).isEqualTo(Duration.ofSeconds(20));
    assertThat(MemberLifecycle.backoff(5)).isEqualTo(Duration.ofSeconds(160));
    assertThat(MemberLifecycle.backoff(6)).isEqualTo(Duration.ofMinutes(5));
    assertThat(MemberLifecycle.backoff(60)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aMemberThatGoesWhileJoiningHasItsJoinStoppedAndLeaves() {
    World w = running();
    addPod(w, pod("media-a", "10.0.0.1"));
    w.pass();
    livePod(w, "media-a").with("metadata").put("deletionTimestamp", w.now.toString());
    String join = StackNames.memberJob("shop", "media", "member-join", "uid-media-a", 1);
    String leave = StackNames.memberJob("shop", "media", "member-leave", "uid-media-a", 1);
    assertThat(writtenKinds(w.pass())).containsExactly("Delete Job " + join, "Create Job " + leave);
  }

  @Test
  void teardownWaitsForTheMembersToLeaveBeforeWhatTheirActionsReadGoes() {
    World w = joined();
    w.deleting();
    assertThat(writtenKinds(w.pass())).containsExactly("Delete Deployment media");
    // The Deployment is gone; its pod is being deleted and is held.
    livePod(w, "media-a").with("metadata").put("deletionTimestamp", w.now.toString());
    StackPlanner.Plan leaving = w.pass();
    assertThat(writtenKinds(leaving))
        .containsExactly(
            "Create Job "
                + StackNames.memberJob("shop", "media", "member-leave", "uid-media-a", 1));
    assertThat(w.row("registry").message).isEqualTo("deleted once media are gone");
    assertThat(w.row("media").message).isEqualTo("waiting for its members to leave");
    finish(w, "member-leave", "Complete");
    assertThat(writtenKinds(w.pass())).containsExactly("PodFinalizer Pod media-a");
    w.pass();
    StackPlanner.Plan last = w.pass();
    assertThat(writtenKinds(last)).containsExactly("Delete ConfigMap registry");
    assertThat(w.plan().finished()).isTrue();
  }

  @Test
  void anOrphanedComponentLetsItsMembersGoWithoutLeaving() {
    World w =
        new World(
            SPEC.replace(
                "  memberLeaveTimeout: 2m\n",
                "  memberLeaveTimeout: 2m\n  deletionPolicy: Orphan\n"));
    w.pass();
    w.pass();
    w.rolledOut("media");
    w.pass();
    addPod(w, pod("media-a", "10.0.0.1"));
    w.pass();
    finish(w, "member-join", "Complete");
    w.pass();
    w.deleting();
    assertThat(writtenKinds(w.pass()))
        .contains("Orphan Deployment media", "PodFinalizer Pod media-a")
        .noneMatch(k -> k.contains("member-leave"));
    assertThat(held(w, "media-a")).isFalse();
  }

  @Test
  void aNamespaceBeingDeletedHasItsHeldPodsLetGoBeforeTheStackGoes() {
    World w = joined();
    w.deleting();
    w.namespaceTerminating = true;
    StackPlanner.Plan plan = w.pass();
    assertThat(writtenKinds(plan)).containsExactly("PodFinalizer Pod media-a");
    assertThat(plan.finished()).isFalse();
    assertThat(w.plan().finished()).isTrue();
  }

  @Test
  void memberActionsTakenOutOfTheSpecLetTheirMembersGo() {
    World w = joined();
    w.stack.getSpec().components.get(1).onMemberJoin = null;
    w.stack.getSpec().components.get(1).onMemberLeave = null;
    assertThat(writtenKinds(w.pass())).containsExactly("PodFinalizer Pod media-a");
    assertThat(held(w, "media-a")).isFalse();
    w.pass();
    assertThat(w.row("media").members).isNull();
  }

  @Test
  void theJobNameFitsAPodLabelHoweverLongTheStackAndComponent() {
    String name =
        StackNames.memberJob("a".repeat(60), "mediaServer", "member-leave", "some-uid", 12);
    assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    assertThat(name)
        .isNotEqualTo(
            StackNames.memberJob("a".repeat(60), "mediaServer", "member-leave", "some-uid", 13));
  }

  @Test
  void aJoinWhoseJobWasNeverMadeIsMadeAgainAsTheSameRunNotTheNext() {
    World w = running();
    addPod(w, pod("media-a", "10.0.0.1"));
    w.pass();
    // As if the create had been refused: no Job, the row says run 1.
    w.children.get("media").removeIf(MemberLifecycle::isMemberJob);
    String first = StackNames.memberJob("shop", "media", "member-join", "uid-media-a", 1);
    assertThat(writtenKinds(w.pass())).containsExactly("Create Job " + first);
    w.children.get("media").removeIf(MemberLifecycle::isMemberJob);
    assertThat(writtenKinds(w.pass())).containsExactly("Create Job " + first);
    assertThat(member(w, "media-a").attempt).isEqualTo(1);
  }

  @Test
  void aMemberJobHasNoTtlAndALeaveJobADeadline() {
    World w =
        new World(
            SPEC.replace(
                "  onMemberJoin:\n    backoffLimit: 0\n",
                "  onMemberJoin:\n    backoffLimit: 0\n    ttlSecondsAfterFinished: 0\n"));
    w.pass();
    w.pass();
    w.rolledOut("media");
    w.pass();
    addPod(w, pod("media-a", "10.0.0.1"));
    w.pass();
    assertThat(job(w, "member-join").at("/spec").has("ttlSecondsAfterFinished")).isFalse();
    finish(w, "member-join", "Complete");
    w.pass();
    livePod(w, "media-a").with("metadata").put("deletionTimestamp", w.now.toString());
    w.pass();
    assertThat(job(w, "member-leave").at("/spec/activeDeadlineSeconds").asLong()).isEqualTo(120);
  }

  @Test
  void aComponentTornDownGoesOnWithoutALeaveThatKeepsFailingOnceItsPodIsGone() {
    World w = joined();
    w.deleting();
    w.pass();
    livePod(w, "media-a").with("metadata").put("deletionTimestamp", w.now.toString());
    for (int run = 1; run <= MemberLifecycle.GIVE_UP; run++) {
      w.pass();
      finish(w, "member-leave", "Failed");
      w.now = w.now.plus(Duration.ofMinutes(5));
      w.pass();
    }
    // The pod was let go after its timeout; after the third failure the member is Left.
    assertThat(w.pods.get("media")).isEmpty();
    assertThat(member(w, "media-a").state).isEqualTo(MemberState.Left);
    assertThat(member(w, "media-a").message).contains("failed 3 times");
    w.pass();
    w.pass();
    w.pass();
    assertThat(w.plan().finished()).isTrue();
  }

  @Test
  void aStackWhoseSpecBecameInvalidLetsAHeldPodGoAfterTheDefaultLeaveTimeout() {
    World w = joined();
    livePod(w, "media-a").with("metadata").put("deletionTimestamp", w.now.toString());
    w.stack.getSpec().components.get(1).timeout = "not a duration";
    StackPlanner.Plan plan = w.pass();
    assertThat(writtenKinds(plan)).isEmpty();
    assertThat(plan.requeue()).hasValue(Duration.ofMinutes(5));
    w.now = w.now.plus(Duration.ofMinutes(5));
    assertThat(writtenKinds(w.pass())).containsExactly("PodFinalizer Pod media-a");
  }
}
