package dev.gantry.operator.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.stack.Stack;
import dev.gantry.api.stack.StackStatus.MemberState;
import dev.gantry.api.stack.StackStatus.MemberStatus;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.testing.OperatorHarness;
import dev.gantry.operator.testing.SimulatedCluster;
import dev.gantry.operator.testing.StackApiAnswers;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Members joining and leaving against the mock API server, the test playing the ReplicaSet and Job
 * controllers: media servers scaled 3 → 5 → 2 run each join and each leave once, and a leaving
 * media server's pod stays until its leave action finished.
 */
@EnableKubernetesMockClient(crud = true)
class StackMembersIT {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static KubernetesClient client;
  static KubernetesMockServer server;
  static final String NS = "members";
  GantryOperator operator;

  static final String MEDIA =
      """
      apiVersion: gantry.dev/v1alpha1
      kind: Stack
      metadata: {name: bbb, namespace: members}
      spec:
        networkPolicies: Disabled
        components:
        - name: scalelite
          template:
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: scalelite}
            data: {url: "http://scalelite:8080"}
        - name: media
          onMemberJoin:
            template:
              spec:
                restartPolicy: Never
                containers:
                - name: add
                  image: busybox
                  command: [sh, -c, "echo servers:add http://${member.address}/bigbluebutton to ${components.scalelite.data.url}"]
          onMemberLeave:
            template:
              spec:
                restartPolicy: Never
                containers:
                - {name: remove, image: busybox, command: [sh, -c, "echo servers:remove ${member.name}"]}
          template:
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: media}
            spec:
              replicas: 3
              selector: {matchLabels: {app: media}}
              template:
                metadata: {labels: {app: media}}
                spec: {containers: [{name: bbb, image: bbb, ports: [{name: http, containerPort: 8080}]}]}
      """;

  @BeforeEach
  void start() throws Exception {
    OperatorHarness.installCrds(client);
    StackApiAnswers.serveDiscovery(server);
    StackApiAnswers.answerAccessReviews(server, permission -> true);
    operator = OperatorHarness.start(client, -1);
  }

  @AfterEach
  void stop() {
    operator.close();
  }

  @Test
  void mediaServersScaledOutAndInJoinAndLeaveOnceEachAndALeavingOneIsHeldUntilItsLeaveRan() {
    var watch = watchJobs();
    client.resource(Serialization.unmarshal(MEDIA, Stack.class)).create();
    await().atMost(TIMEOUT).until(() -> deployment() != null);
    rolledOut();
    SimulatedCluster cluster = new SimulatedCluster(client);
    Map<String, String> labels =
        Map.of("app", "media", "gantry.dev/stack", "bbb", "gantry.dev/component", "media");

    for (int i = 1; i <= 3; i++) {
      cluster.readyPod(NS, "media-" + i, "10.2.0." + i, labels);
    }
    completeJobs("member-join", 3);
    await().atMost(TIMEOUT).until(() -> states(MemberState.Joined) == 3);
    assertThat(member("media-2").address).isEqualTo("10.2.0.2");
    for (int i = 1; i <= 3; i++) {
      assertThat(pod("media-" + i).getMetadata().getFinalizers())
          .containsExactly(MemberLifecycle.FINALIZER);
    }

    // Scale out to 5: only the two new ones join.
    cluster.readyPod(NS, "media-4", "10.2.0.4", labels);
    cluster.readyPod(NS, "media-5", "10.2.0.5", labels);
    completeJobs("member-join", 2);
    await().atMost(TIMEOUT).until(() -> states(MemberState.Joined) == 5);

    // Scale in to 2: three pods are deleted, and held until their leave ran.
    for (int i = 1; i <= 3; i++) {
      client.pods().inNamespace(NS).withName("media-" + i).delete();
    }
    await().atMost(TIMEOUT).until(() -> jobs("member-leave").size() == 3);
    assertThat(pod("media-1").getMetadata().getDeletionTimestamp()).isNotNull();
    finish(leaveJobFor("media-1"));
    finish(leaveJobFor("media-2"));
    try {
      await().atMost(TIMEOUT).until(() -> pod("media-1") == null && pod("media-2") == null);
    } catch (Throwable t) {
      System.err.println(
          "DEBUGX "
              + Serialization.asYaml(pod("media-1"))
              + Serialization.asYaml(
                  client.resources(Stack.class).inNamespace(NS).withName("bbb").get().getStatus()));
      throw t;
    }
    // media-3's leave has not finished: it is still held, saying so.
    assertThat(pod("media-3")).isNotNull();
    assertThat(member("media-3").state).isEqualTo(MemberState.Leaving);
    finish(leaveJobFor("media-3"));
    await().atMost(TIMEOUT).until(() -> pod("media-3") == null);
    await().atMost(TIMEOUT).until(() -> members().size() == 2 && jobs("").isEmpty());

    watch.close();
    assertThat(created.stream().filter(j -> j.contains("-member-join-")))
        .hasSize(5)
        .doesNotHaveDuplicates();
    assertThat(created.stream().filter(j -> j.contains("-member-leave-")))
        .hasSize(3)
        .doesNotHaveDuplicates();
    assertThat(members()).extracting(m -> m.name).containsExactly("media-4", "media-5");
  }

  // ---- the test as the cluster ----

  /** Every Job the server reported created, in order: a name twice is a Job made twice. */
  final List<String> created = new java.util.concurrent.CopyOnWriteArrayList<>();

  io.fabric8.kubernetes.client.Watch watchJobs() {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .watch(
            new io.fabric8.kubernetes.client.Watcher<Job>() {
              @Override
              public void eventReceived(Action action, Job job) {
                if (action == Action.ADDED) {
                  created.add(job.getMetadata().getName());
                }
              }

              @Override
              public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
            });
  }

  /** As the Job controller: the given number of this hook's Jobs appear, and complete. */
  void completeJobs(String hook, int count) {
    await().atMost(TIMEOUT).until(() -> running(hook).size() == count);
    running(hook).forEach(this::finish);
  }

  void finish(Job job) {
    new SimulatedCluster(client).jobSucceeded(job);
  }

  List<Job> running(String hook) {
    return jobs(hook).stream()
        .filter(j -> j.getStatus() == null || j.getStatus().getConditions().isEmpty())
        .toList();
  }

  List<Job> jobs(String hook) {
    return client.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
        .filter(j -> j.getMetadata().getName().contains(hook))
        .toList();
  }

  Job leaveJobFor(String pod) {
    return jobs("member-leave").stream()
        .filter(j -> pod.equals(j.getMetadata().getAnnotations().get(MemberLifecycle.MEMBER_NAME)))
        .findFirst()
        .orElseThrow();
  }

  long states(MemberState state) {
    return members().stream().filter(m -> m.state == state).count();
  }

  MemberStatus member(String name) {
    return members().stream().filter(m -> name.equals(m.name)).findFirst().orElseThrow();
  }

  List<MemberStatus> members() {
    Stack s = client.resources(Stack.class).inNamespace(NS).withName("bbb").get();
    if (s == null || s.getStatus() == null) {
      return List.of();
    }
    return s.getStatus().components.stream()
        .filter(c -> c.name.equals("media") && c.members != null)
        .flatMap(c -> c.members.stream())
        .toList();
  }

  Pod pod(String name) {
    return client.pods().inNamespace(NS).withName(name).get();
  }

  io.fabric8.kubernetes.api.model.apps.Deployment deployment() {
    return client.apps().deployments().inNamespace(NS).withName("media").get();
  }

  void rolledOut() {
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("media")
        .editStatus(
            d -> {
              d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatus());
              d.getStatus().setObservedGeneration(d.getMetadata().getGeneration());
              d.getStatus().setReplicas(3);
              d.getStatus().setUpdatedReplicas(3);
              d.getStatus().setReadyReplicas(3);
              d.getStatus().setAvailableReplicas(3);
              return d;
            });
  }
}
