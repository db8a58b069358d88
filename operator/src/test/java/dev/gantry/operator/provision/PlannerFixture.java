package dev.gantry.operator.provision;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionSpec;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.api.provision.VariablesSpec;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The world a planner test describes: a Provision and what its caches hold (run Jobs and their pods
 * as the Job controller and kubelet would have left them), observed at a fixed time.
 */
final class PlannerFixture {
  static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  static final ProvisionSettings SETTINGS =
      new ProvisionSettings(ProvisionSettings.DEFAULT_TOOLS_IMAGE, Duration.ofSeconds(10));

  Provision provision;
  final List<Job> jobs = new ArrayList<>();
  final List<Pod> pods = new ArrayList<>();
  final List<Secret> secrets = new ArrayList<>();
  final List<PersistentVolumeClaim> claims = new ArrayList<>();
  VariablesCheck variables = VariablesCheck.ok("Inline", "stored in Secret rancher-variables");
  Optional<String> namespaceTerminating = Optional.empty();
  Optional<OutputsRead> outputsRead = Optional.empty();
  Instant now = NOW;

  PlannerFixture(long generation) {
    provision = new Provision();
    provision.setMetadata(
        new ObjectMetaBuilder()
            .withName("rancher")
            .withNamespace("infra")
            .withUid("uid-1")
            .withGeneration(generation)
            .withResourceVersion("10")
            .build());
    provision.setSpec(new ProvisionSpec());
    provision.getSpec().image = "ez-rancher:latest";
    provision.getSpec().variables = new VariablesSpec();
    provision.getSpec().variables.inline = "n = 1\n";
  }

  /** The children every pass makes first, as the last pass left them. */
  PlannerFixture withChildren() {
    secrets.add(VariablesSecret.desired(provision).orElseThrow());
    claims.add(DeliverablesClaim.desired(provision));
    return this;
  }

  PlannerFixture status(ProvisionStatus status) {
    provision.setStatus(status);
    return this;
  }

  /** A run Job of {@code kind}, created by Gantry for run {@code run}. */
  Job job(RunKind kind, RunId run) {
    Job job =
        switch (kind) {
          case APPLY -> RunJob.apply(provision, SETTINGS, run);
          case PLAN -> RunJob.plan(provision, SETTINGS, run);
          case DRIFT -> RunJob.drift(provision, SETTINGS, run);
          case PREVIEW -> RunJob.preview(provision, SETTINGS, run, "t1");
          case DESTROY -> RunJob.destroy(provision, SETTINGS, run, 1);
        };
    job.getMetadata().setUid(UUID.randomUUID().toString());
    jobs.add(job);
    return job;
  }

  /** The run's tool container is running. */
  Job running(RunKind kind, RunId run) {
    Job job = job(kind, run);
    pods.add(pod(job, kind, null, null, null));
    return job;
  }

  /** The run's tool container ended with {@code exitCode} and termination message. */
  Job ended(RunKind kind, RunId run, int exitCode, String message, Instant at) {
    Job job = job(kind, run);
    pods.add(pod(job, kind, exitCode, message, at));
    return job;
  }

  /** The Job failed before its tool ended (a deadline passed); no pod is left. */
  Job failedWithoutPod(RunKind kind, RunId run, Instant at) {
    Job job = job(kind, run);
    job.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatus());
    job.getStatus()
        .setConditions(
            List.of(
                new JobConditionBuilder()
                    .withType("Failed")
                    .withStatus("True")
                    .withReason("DeadlineExceeded")
                    .withLastTransitionTime(at.toString())
                    .build()));
    return job;
  }

  private Pod pod(Job job, RunKind kind, Integer exitCode, String message, Instant at) {
    String tool = kind.container(provision.getMetadata().getName());
    var status = new ContainerStatusBuilder().withName(tool);
    if (exitCode == null) {
      status.withNewState().withNewRunning().endRunning().endState();
    } else {
      status
          .withNewState()
          .withNewTerminated()
          .withExitCode(exitCode)
          .withMessage(message)
          .withFinishedAt(at.toString())
          .endTerminated()
          .endState();
    }
    var sidecar =
        new ContainerStatusBuilder()
            .withName(ProvisionNames.DELIVERABLES_CONTAINER)
            .withNewState()
            .withNewRunning()
            .endRunning()
            .endState()
            .build();
    return new PodBuilder()
        .withNewMetadata()
        .withName(job.getMetadata().getName() + "-pod")
        .withNamespace("infra")
        .addNewOwnerReference()
        .withUid(job.getMetadata().getUid())
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewStatus()
        .withPhase(exitCode == null ? "Running" : "Running")
        .withContainerStatuses(
            kind == RunKind.APPLY ? List.of(status.build(), sidecar) : List.of(status.build()))
        .endStatus()
        .build();
  }

  ProvisionObservation observe() {
    return new ProvisionObservation(
        provision,
        List.copyOf(jobs),
        List.copyOf(pods),
        List.copyOf(secrets),
        List.copyOf(claims),
        variables,
        namespaceTerminating,
        outputsRead,
        now);
  }

  ProvisionPlan reconcile() {
    return new ProvisionPlanner(SETTINGS).reconcile(observe());
  }

  ProvisionPlan cleanup() {
    return new ProvisionPlanner(SETTINGS).cleanup(observe());
  }

  /** Passes the plan's status on, as the status write and the next pass would. */
  PlannerFixture after(ProvisionPlan plan) {
    provision.setStatus(plan.status());
    return this;
  }

  static <T extends ProvisionAction> List<T> actions(ProvisionPlan plan, Class<T> type) {
    return plan.actions().stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The names of the Jobs the plan creates. */
  static List<String> createdJobs(ProvisionPlan plan) {
    return actions(plan, ProvisionAction.Create.class).stream()
        .map(ProvisionAction.Create::child)
        .filter(c -> c instanceof Job)
        .map(c -> c.getMetadata().getName())
        .toList();
  }

  static List<String> retiredJobs(ProvisionPlan plan) {
    return actions(plan, ProvisionAction.RetireJob.class).stream()
        .map(r -> r.job().getMetadata().getName())
        .toList();
  }

  static String manifest(String... files) {
    StringBuilder m = new StringBuilder("gantry-deliverables/v1 " + files.length + "\n");
    for (String f : files) {
      m.append("10 ").append("a".repeat(64)).append(' ').append(f).append('\n');
    }
    return m.toString();
  }

  static String plan(String summaryLine) {
    return "gantry-plan/v1 2 " + "e".repeat(64) + "\n" + summaryLine + "\n";
  }
}
