package dev.gantry.operator.testing;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the parts of the cluster the mock API server lacks: the Job controller (starting a pod,
 * marking the Job complete or failed) and the kubelet (container states). Tests say what happens;
 * the operator's reaction is what they assert.
 */
public final class SimulatedCluster {
  private final KubernetesClient client;
  private final AtomicInteger podCounter = new AtomicInteger();
  private Instant clock = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

  public SimulatedCluster(KubernetesClient client) {
    this.client = client;
  }

  public Job job(String namespace, String name) {
    return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
  }

  /** The Job controller starts a pod from the Job's template, all its containers running. */
  public Pod startPod(Job job) {
    var template = job.getSpec().getTemplate();
    Map<String, String> labels = new HashMap<>(template.getMetadata().getLabels());
    labels.put("job-name", job.getMetadata().getName());
    labels.put("batch.kubernetes.io/job-name", job.getMetadata().getName());
    List<ContainerStatus> statuses = running(template.getSpec().getContainers());
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(job.getMetadata().getName() + "-" + podCounter.incrementAndGet())
            .withNamespace(job.getMetadata().getNamespace())
            .withLabels(labels)
            .addNewOwnerReference()
            .withApiVersion("batch/v1")
            .withKind("Job")
            .withName(job.getMetadata().getName())
            .withUid(job.getMetadata().getUid())
            .withController(true)
            .endOwnerReference()
            .endMetadata()
            .withSpec(template.getSpec())
            .withNewStatus()
            .withPhase("Running")
            .withPodIP("10.0.0." + podCounter.get())
            .withContainerStatuses(statuses)
            .endStatus()
            .build();
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName())
        .editStatus(
            j -> {
              statusOf(j).setStartTime(clock.toString());
              j.getStatus().setActive(1);
              return j;
            });
    return client.pods().resource(pod).create();
  }

  /** The indexed-Job controller starts the pod of one completion index, scheduled and running. */
  public Pod startRank(Job job, int index) {
    Pod pod = startPod(job);
    return client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .edit(
            p -> {
              p.getMetadata()
                  .getLabels()
                  .put("batch.kubernetes.io/job-completion-index", String.valueOf(index));
              return p;
            });
  }

  /** Every container started now, running and ready. */
  private List<ContainerStatus> running(
      List<io.fabric8.kubernetes.api.model.Container> containers) {
    List<ContainerStatus> statuses = new ArrayList<>();
    for (var container : containers) {
      statuses.add(
          new ContainerStatusBuilder()
              .withName(container.getName())
              .withImage(container.getImage())
              .withReady(true)
              .withNewState()
              .withNewRunning()
              .withStartedAt(tick())
              .endRunning()
              .endState()
              .build());
    }
    return statuses;
  }

  /** The kubelet starts a bare pod (not a Job's): every container running. */
  public Pod runPod(Pod pod) {
    List<ContainerStatus> statuses = running(pod.getSpec().getContainers());
    return client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .editStatus(
            p -> {
              p.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
              p.getStatus().setPhase("Running");
              p.getStatus().setContainerStatuses(statuses);
              return p;
            });
  }

  /**
   * A Deployment's pod as the ReplicaSet controller and kubelet make it: created with the
   * template's labels, then running and ready at {@code ip}.
   */
  public Pod readyPod(
      String namespace, String name, String ip, java.util.Map<String, String> labels) {
    client
        .pods()
        .inNamespace(namespace)
        .resource(
            new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("app")
                .endContainer()
                .endSpec()
                .build())
        .create();
    return client
        .pods()
        .inNamespace(namespace)
        .withName(name)
        .editStatus(
            p -> {
              p.setStatus(
                  new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                      .withPhase("Running")
                      .withPodIP(ip)
                      .addNewCondition()
                      .withType("Ready")
                      .withStatus("True")
                      .endCondition()
                      .build());
              return p;
            });
  }

  /** The scheduler cannot place a pod: it stays Pending, unscheduled, with no IP. */
  public void unschedulable(Pod pod, String message) {
    editStatus(
        pod,
        p -> {
          p.getStatus().setPhase("Pending");
          p.getStatus().setPodIP(null);
          p.getStatus()
              .setConditions(
                  java.util.List.of(
                      new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                          .withType("PodScheduled")
                          .withStatus("False")
                          .withReason("Unschedulable")
                          .withMessage(message)
                          .build()));
        });
  }

  /** A pod ends: its containers terminated with the exit code, its phase Succeeded or Failed. */
  public void podFinished(Pod pod, int exitCode) {
    var terminated = terminated(exitCode, null, tick());
    editStatus(
        pod,
        p -> {
          p.getStatus().setPhase(exitCode == 0 ? "Succeeded" : "Failed");
          p.getStatus().getContainerStatuses().forEach(s -> setState(s, terminated));
        });
  }

  /** The kubelet reports a container that cannot start yet (ImagePullBackOff, ...). */
  public void containerWaiting(Pod pod, String container, String reason, String message) {
    var waiting =
        new ContainerStateBuilder()
            .withNewWaiting()
            .withReason(reason)
            .withMessage(message)
            .endWaiting()
            .build();
    editStatus(pod, p -> container(p, container).forEach(s -> setState(s, waiting)));
  }

  /** The kubelet reports a container ended with an exit code and a termination message. */
  public void containerExited(Pod pod, String container, int exitCode, String message) {
    var terminated = terminated(exitCode, message, tick());
    editStatus(pod, p -> container(p, container).forEach(s -> setState(s, terminated)));
  }

  private void editStatus(Pod pod, java.util.function.Consumer<Pod> change) {
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .editStatus(
            p -> {
              change.accept(p);
              return p;
            });
  }

  private static java.util.stream.Stream<ContainerStatus> container(Pod pod, String name) {
    return pod.getStatus().getContainerStatuses().stream().filter(s -> s.getName().equals(name));
  }

  private static void setState(ContainerStatus status, ContainerState state) {
    status.setReady(false);
    status.setState(state);
  }

  private static ContainerState terminated(int exitCode, String message, String finishedAt) {
    return new ContainerStateBuilder()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withReason(exitCode == 0 ? "Completed" : "Error")
        .withMessage(message)
        .withFinishedAt(finishedAt)
        .endTerminated()
        .build();
  }

  /** The Job controller marks the Job complete (all its pods' containers ended). */
  public void jobSucceeded(Job job) {
    jobCondition(job, "Complete", "Completed", null);
  }

  public void jobFailed(Job job, String reason, String message) {
    jobCondition(job, "Failed", reason, message);
  }

  private void jobCondition(Job job, String type, String reason, String message) {
    String now = tick();
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName())
        .editStatus(
            j -> {
              statusOf(j).setActive(0);
              if ("Complete".equals(type)) {
                j.getStatus().setSucceeded(1);
                j.getStatus().setCompletionTime(now);
              } else {
                j.getStatus().setFailed(1);
              }
              j.getStatus()
                  .getConditions()
                  .add(
                      new JobConditionBuilder()
                          .withType(type)
                          .withStatus("True")
                          .withReason(reason)
                          .withMessage(message)
                          .withLastTransitionTime(now)
                          .build());
              return j;
            });
  }

  /** Garbage collection the mock server lacks: the pods of a deleted Job go too. */
  public void collectPodsOf(String namespace, String jobName) {
    client.pods().inNamespace(namespace).withLabel("job-name", jobName).delete();
  }

  private static io.fabric8.kubernetes.api.model.batch.v1.JobStatus statusOf(Job job) {
    if (job.getStatus() == null) {
      job.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatus());
    }
    return job.getStatus();
  }

  private synchronized String tick() {
    clock = clock.plusSeconds(1);
    return clock.toString();
  }

  /** The nodes' clocks move on with the operator's (a {@link SettableClock} advanced). */
  public synchronized void advance(java.time.Duration by) {
    clock = clock.plus(by);
  }
}
