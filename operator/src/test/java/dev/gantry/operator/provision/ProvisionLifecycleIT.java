package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.provision.KeyReference;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionSpec;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.api.provision.VariablesSpec;
import dev.gantry.operator.kube.Conditions;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.testing.OperatorHarness;
import dev.gantry.operator.testing.SimulatedCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

@EnableKubernetesMockClient(crud = true)
@ExtendWith(ProvisionLifecycleIT.DumpOnFailure.class)
class ProvisionLifecycleIT {
  static final String NS = "default";
  static final Duration TIMEOUT = Duration.ofSeconds(20);
  static final String MANIFEST =
      "gantry-deliverables/v1 2\n"
          + "120 "
          + "a".repeat(64)
          + " kubeconfig\n"
          + "5000 "
          + "b".repeat(64)
          + " terraform.tfstate\n";

  static KubernetesClient client;
  static io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
  static ProvisionLifecycleIT current;
  GantryOperator operator;
  SimulatedCluster cluster;

  @BeforeEach
  void start() throws Exception {
    current = this;
    OperatorHarness.installCrds(client);
    operator = OperatorHarness.start(client, -1);
    cluster = new SimulatedCluster(client);
  }

  @AfterEach
  void stop() {
    operator.close();
  }

  @Test
  void fullLifecycleAppliesListsDeliverablesReappliesOnChangeAndDestroysOnDelete() {
    Provision p = create(provision("rancher", inline("vm_count = 3\n")));

    Job apply = awaitJob("apply-rancher");
    assertThat(apply.getSpec().getTemplate().getSpec().getContainers())
        .extracting(c -> c.getName())
        .containsExactly("apply-rancher", "deliverables");
    assertThat(client.secrets().inNamespace(NS).withName("rancher-variables").get()).isNotNull();
    assertThat(
            client.persistentVolumeClaims().inNamespace(NS).withName("rancher-deliverables").get())
        .isNotNull();
    awaitPhase("rancher", Phase.Applying);

    Pod pod = cluster.startPod(apply);
    cluster.containerExited(pod, "apply-rancher", 0, MANIFEST);

    Provision ready = awaitPhase("rancher", Phase.Ready);
    assertThat(ready.getStatus().deliverables.files)
        .extracting(f -> f.name)
        .containsExactly("kubeconfig", "terraform.tfstate");
    assertThat(ready.getStatus().deliverables.files)
        .extracting(f -> f.size)
        .containsExactly(120L, 5000L);
    assertThat(Conditions.isTrue(ready.getStatus().conditions, "Ready")).isTrue();
    assertThat(Conditions.isTrue(ready.getStatus().conditions, "DeliverablesAvailable")).isTrue();
    assertThat(ready.getStatus().run.exitCode).isZero();
    assertThat(ready.getStatus().run.log).isEqualTo("runs/1-1.log");
    assertThat(ready.getStatus().observedGeneration).isEqualTo(ready.getMetadata().getGeneration());

    // The sidecar's hold ends, the Job completes: nothing about the outcome changes.
    cluster.containerExited(pod, "deliverables", 0, null);
    cluster.jobSucceeded(apply);

    // A spec change runs a new apply, only after the old Job is gone.
    String oldUid = apply.getMetadata().getUid();
    edit("rancher", r -> r.getSpec().variables.inline = "vm_count = 5\n");
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              Job j = cluster.job(NS, "apply-rancher");
              return j != null && !j.getMetadata().getUid().equals(oldUid);
            });
    Job second = cluster.job(NS, "apply-rancher");
    assertThat(second.getMetadata().getAnnotations())
        .containsEntry("gantry.dev/generation", "2")
        .containsEntry("gantry.dev/run", "1");
    String secretText =
        new String(
            Base64.getDecoder()
                .decode(
                    client
                        .secrets()
                        .inNamespace(NS)
                        .withName("rancher-variables")
                        .get()
                        .getData()
                        .get("terraform.tfvars")));
    assertThat(secretText).isEqualTo("vm_count = 5\n");
    Provision reapplying = awaitPhase("rancher", Phase.Applying);
    assertThat(reapplying.getStatus().deliverables.generation).isEqualTo(1L);

    Pod pod2 = cluster.startPod(second);
    cluster.containerExited(pod2, "apply-rancher", 0, MANIFEST);
    awaitPhase("rancher", Phase.Ready);
    cluster.containerExited(pod2, "deliverables", 0, null);
    cluster.jobSucceeded(second);

    // Delete: the apply Job goes, the destroy runs, then Secret, claim and the Provision go.
    client.resource(get("rancher")).delete();
    Job destroy = awaitJob("destroy-rancher");
    assertThat(destroy.getMetadata().getAnnotations())
        .as("the destroy is generation 2's second run")
        .containsEntry("gantry.dev/run", "2");
    assertThat(cluster.job(NS, "apply-rancher")).isNull();
    assertThat(destroy.getSpec().getTemplate().getSpec().getVolumes())
        .extracting(v -> v.getName())
        .contains("variables", "deliverables");
    awaitPhase("rancher", Phase.Destroying);
    Pod destroyPod = cluster.startPod(destroy);
    cluster.containerExited(destroyPod, "destroy-rancher", 0, "");
    cluster.jobSucceeded(destroy);

    await().atMost(TIMEOUT).until(() -> get("rancher") == null);
    assertThat(client.secrets().inNamespace(NS).withName("rancher-variables").get()).isNull();
    assertThat(
            client.persistentVolumeClaims().inNamespace(NS).withName("rancher-deliverables").get())
        .isNull();
  }

  @Test
  void failedApplyIsReportedWithExitCodeAndLastOutput() {
    create(provision("broken", inline("x = 1\n")));
    Job apply = awaitJob("apply-broken");
    Pod pod = cluster.startPod(apply);
    cluster.containerExited(pod, "apply-broken", 1, "Error: vsphere_password is invalid\n");

    Provision failed = awaitPhase("broken", Phase.Failed);
    var applied = Conditions.find(failed.getStatus().conditions, "Applied").orElseThrow();
    assertThat(applied.getStatus()).isEqualTo("False");
    assertThat(applied.getReason()).isEqualTo("Failed");
    assertThat(applied.getMessage())
        .contains("exit code 1")
        .contains("vsphere_password is invalid");
    assertThat(failed.getStatus().run.exitCode).isEqualTo(1);
    assertThat(failed.getStatus().deliverables).isNull();
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.v1().events().inNamespace(NS).list().getItems().stream()
                    .anyMatch(e -> "ApplyFailed".equals(e.getReason())));
  }

  @Test
  void waitingContainerIsExplainedWhileApplying() {
    create(provision("pull", inline("x = 1\n")));
    Job apply = awaitJob("apply-pull");
    Pod pod = cluster.startPod(apply);
    cluster.containerWaiting(
        pod, "apply-pull", "ImagePullBackOff", "Back-off pulling image \"ez-rancher:latest\"");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        Conditions.find(get("pull").getStatus().conditions, "Applied")
                            .orElseThrow()
                            .getMessage())
                    .contains("ImagePullBackOff"));
  }

  @Test
  void missingVariablesSecretIsNamedAndNoJobStartsUntilItExists() {
    Provision p = provision("vars", null);
    p.getSpec().variables = new VariablesSpec();
    p.getSpec().variables.secretRef = new KeyReference("rancher-vars", null);
    create(p);

    Provision pending = awaitPhase("vars", Phase.Pending);
    var resolved =
        Conditions.find(pending.getStatus().conditions, "VariablesResolved").orElseThrow();
    assertThat(resolved.getStatus()).isEqualTo("False");
    assertThat(resolved.getReason()).isEqualTo("SecretNotFound");
    assertThat(resolved.getMessage()).contains("default/rancher-vars").contains("terraform.tfvars");
    assertThat(cluster.job(NS, "apply-vars")).isNull();
    assertThat(client.persistentVolumeClaims().inNamespace(NS).withName("vars-deliverables").get())
        .isNotNull();

    client
        .secrets()
        .resource(
            new SecretBuilder()
                .withMetadata(
                    new ObjectMetaBuilder().withName("rancher-vars").withNamespace(NS).build())
                .withStringData(Map.of("terraform.tfvars", "vm_count = 1\n"))
                .build())
        .create();
    Job apply = awaitJob("apply-vars");
    assertThat(apply.getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(
            v ->
                assertThat(v.getSecret() == null ? null : v.getSecret().getSecretName())
                    .isEqualTo("rancher-vars"));
    awaitPhase("vars", Phase.Applying);
  }

  @Test
  void deleteDuringApplyWaitsForTheApplyThenDestroys() {
    create(provision("busy", inline("x = 1\n")));
    Job apply = awaitJob("apply-busy");
    Pod pod = cluster.startPod(apply);
    awaitPhase("busy", Phase.Applying);

    client.resource(get("busy")).delete();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        Conditions.find(get("busy").getStatus().conditions, "Destroyed")
                            .orElseThrow()
                            .getReason())
                    .isEqualTo("WaitingForApply"));
    assertThat(cluster.job(NS, "destroy-busy")).isNull();
    assertThat(cluster.job(NS, "apply-busy")).isNotNull();

    cluster.containerExited(pod, "apply-busy", 0, MANIFEST);
    Job destroy = awaitJob("destroy-busy");
    assertThat(cluster.job(NS, "apply-busy")).isNull();
    Pod destroyPod = cluster.startPod(destroy);
    cluster.containerExited(destroyPod, "destroy-busy", 0, "");
    cluster.jobSucceeded(destroy);
    await().atMost(TIMEOUT).until(() -> get("busy") == null);
  }

  @Test
  void failedDestroyKeepsTheFinalizerShowsWhyAndRetries() {
    create(provision("stuck", inline("x = 1\n")));
    Job apply = awaitJob("apply-stuck");
    Pod pod = cluster.startPod(apply);
    cluster.containerExited(pod, "apply-stuck", 0, MANIFEST);
    awaitPhase("stuck", Phase.Ready);

    client.resource(get("stuck")).delete();
    Job destroy = awaitJob("destroy-stuck");
    Pod destroyPod = cluster.startPod(destroy);
    cluster.containerExited(destroyPod, "destroy-stuck", 1, "Error: cannot reach vCenter\n");
    cluster.jobFailed(
        destroy, "BackoffLimitExceeded", "Job has reached the specified backoff limit");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var destroyed =
                  Conditions.find(get("stuck").getStatus().conditions, "Destroyed").orElseThrow();
              assertThat(destroyed.getReason()).isEqualTo("Failed");
              assertThat(destroyed.getMessage())
                  .contains("cannot reach vCenter")
                  .contains("gantry.dev/skip-destroy");
            });
    assertThat(get("stuck").getMetadata().getFinalizers()).contains(ProvisionNames.FINALIZER);

    // After the back-off a second attempt starts; it succeeds and the Provision goes.
    String firstUid = destroy.getMetadata().getUid();
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              Job j = cluster.job(NS, "destroy-stuck");
              return j != null && !j.getMetadata().getUid().equals(firstUid);
            });
    Job retry = cluster.job(NS, "destroy-stuck");
    assertThat(retry.getMetadata().getAnnotations()).containsEntry("gantry.dev/attempt", "2");
    Pod retryPod = cluster.startPod(retry);
    cluster.containerExited(retryPod, "destroy-stuck", 0, "");
    cluster.jobSucceeded(retry);
    await().atMost(TIMEOUT).until(() -> get("stuck") == null);
  }

  @Test
  void aDestroyThatFailedBeforeItsToolEndedIsRetriedAfterTheBackOffAndReportedOnce() {
    create(provision("deadline", inline("x = 1\n")));
    Job apply = awaitJob("apply-deadline");
    Pod pod = cluster.startPod(apply);
    cluster.containerExited(pod, "apply-deadline", 0, MANIFEST);
    awaitPhase("deadline", Phase.Ready);

    client.resource(get("deadline")).delete();
    Job destroy = awaitJob("destroy-deadline");
    // The deadline passed while the pod was still pulling: its tool never ran, no exit code.
    Pod destroyPod = cluster.startPod(destroy);
    cluster.containerWaiting(destroyPod, "destroy-deadline", "ErrImagePull", "pull failed");
    client.resource(destroyPod).delete();
    cluster.jobFailed(destroy, "DeadlineExceeded", "Job was active longer than specified deadline");

    String firstUid = destroy.getMetadata().getUid();
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              Job j = cluster.job(NS, "destroy-deadline");
              return j != null && !j.getMetadata().getUid().equals(firstUid);
            });
    assertThat(cluster.job(NS, "destroy-deadline").getMetadata().getAnnotations())
        .containsEntry("gantry.dev/attempt", "2");
    awaitEventsWritten();
    assertThat(
            client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "DestroyFailed".equals(e.getReason()))
                .filter(e -> "deadline".equals(e.getInvolvedObject().getName())))
        .as("the failed attempt is reported once")
        .hasSize(1);
  }

  @Test
  void aVariablesSecretWhoseLabelsAndOwnerWereEditedAwayIsPutBack() {
    create(provision("relabelled", inline("x = 1\n")));
    awaitJob("apply-relabelled");
    var secrets = client.secrets().inNamespace(NS).withName("relabelled-variables");
    await().atMost(TIMEOUT).until(() -> secrets.get() != null);
    String data = secrets.get().getData().get("terraform.tfvars");
    // The informer selects on these labels: edited away, the Secret leaves its cache.
    secrets.edit(
        s -> {
          s.getMetadata().setLabels(Map.of("team", "infra"));
          s.getMetadata().setOwnerReferences(null);
          return s;
        });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var s = secrets.get();
              assertThat(s.getMetadata().getLabels())
                  .containsEntry(ProvisionNames.OWNER_LABEL, "relabelled");
              assertThat(s.getMetadata().getOwnerReferences()).hasSize(1);
              assertThat(s.getData().get("terraform.tfvars")).isEqualTo(data);
            });
  }

  @Test
  void aNamespaceThatTakesNoNewChildrenEndsThePassQuietlyNotAsAFailure() {
    // The API server refuses every child in a namespace that is being deleted.
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/going/secrets")
        .andReturn(
            403,
            new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage(
                    "secrets \"late-variables\" is forbidden: unable to create new content in"
                        + " namespace going because it is being terminated")
                .withNewDetails()
                .addNewCause()
                .withReason("NamespaceTerminating")
                .endCause()
                .endDetails()
                .build())
        .always();
    Provision p = provision("late", inline("x = 1\n"));
    p.getMetadata().setNamespace("going");
    client.resource(p).create();
    await().atMost(TIMEOUT).until(() -> reconciles(operator, "success") >= 1);
    assertThat(reconciles(operator, "failure"))
        .as("a refusal the namespace's deletion explains is no failed reconcile to retry")
        .isZero();
    assertThat(cluster.job("going", "apply-late")).isNull();
  }

  /** Passes of the Provision controller that ended so, from the operator's own metrics. */
  static double reconciles(GantryOperator operator, String outcome) {
    return operator.registry().getMeters().stream()
        .filter(
            m ->
                m.getId()
                    .getName()
                    .equals("operator.sdk.controllers.execution.reconcile." + outcome))
        .filter(m -> "provision".equals(m.getId().getTag("controller")))
        .mapToDouble(m -> m.measure().iterator().next().getValue())
        .sum();
  }

  @Test
  void skipDestroyAnnotationDeletesWithoutADestroyRun() {
    create(provision("skip", inline("x = 1\n")));
    awaitJob("apply-skip");
    edit(
        "skip",
        r -> r.getMetadata().setAnnotations(Map.of(Provision.SKIP_DESTROY_ANNOTATION, "true")));
    client.resource(get("skip")).delete();
    await().atMost(TIMEOUT).until(() -> get("skip") == null);
    assertThat(cluster.job(NS, "destroy-skip")).isNull();
  }

  @Test
  void deletedWithItsNamespaceTheProvisionSaysTheDestroyIsBlockedKeepsTheStateAndLetsGoOnSkip() {
    Provision p = provision("doomed", inline("x = 1\n"));
    p.getMetadata().setNamespace("doomed-ns");
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("doomed-ns").endMetadata().build())
        .create();
    client.resource(p).create();
    Job apply =
        await()
            .atMost(TIMEOUT)
            .until(() -> cluster.job("doomed-ns", "apply-doomed"), j -> j != null);
    Pod pod = cluster.startPod(apply);
    cluster.containerExited(pod, "apply-doomed", 0, MANIFEST);
    cluster.containerExited(pod, "deliverables", 0, null);
    cluster.jobSucceeded(apply);
    var claims = client.persistentVolumeClaims().inNamespace("doomed-ns");
    assertThat(claims.withName("doomed-deliverables").get().getMetadata().getFinalizers())
        .contains(ProvisionNames.STATE_FINALIZER);

    // The namespace controller's part: the namespace terminates, its content is deleted.
    client
        .namespaces()
        .withName("doomed-ns")
        .edit(
            n ->
                new NamespaceBuilder(n)
                    .withNewStatus()
                    .withPhase("Terminating")
                    .endStatus()
                    .build());
    var provisions = client.resources(Provision.class).inNamespace("doomed-ns");
    provisions.withName("doomed").delete();
    claims.withName("doomed-deliverables").delete();

    Provision blocked =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> provisions.withName("doomed").get(),
                d ->
                    d != null
                        && d.getStatus() != null
                        && Conditions.find(d.getStatus().conditions, "Destroyed")
                            .filter(c -> "DestroyBlocked".equals(c.getReason()))
                            .isPresent());
    var destroyed = Conditions.find(blocked.getStatus().conditions, "Destroyed").orElseThrow();
    assertThat(destroyed.getStatus()).isEqualTo("False");
    assertThat(destroyed.getMessage())
        .contains("namespace doomed-ns is being deleted")
        .contains("doomed-deliverables")
        .contains(Provision.SKIP_DESTROY_ANNOTATION + "=true");
    assertThat(Conditions.find(blocked.getStatus().conditions, "Ready").orElseThrow().getReason())
        .isEqualTo("DestroyBlocked");
    assertThat(cluster.job("doomed-ns", "destroy-doomed")).isNull();
    // The state is kept: the claim's finalizer holds it while the namespace terminates.
    assertThat(claims.withName("doomed-deliverables").get()).isNotNull();
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.v1().events().inNamespace("doomed-ns").list().getItems().stream()
                    .anyMatch(e -> "DestroyBlocked".equals(e.getReason())));

    // The user lets it go without a destroy: the Provision and the claim go.
    provisions
        .withName("doomed")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\""
                + Provision.SKIP_DESTROY_ANNOTATION
                + "\":\"true\"}}}");
    await().atMost(TIMEOUT).until(() -> provisions.withName("doomed").get() == null);
    await().atMost(TIMEOUT).until(() -> claims.withName("doomed-deliverables").get() == null);
  }

  @Test
  void operatorRestartMidRunCreatesNoDuplicateJob() {
    create(provision("restart", inline("x = 1\n")));
    Job apply = awaitJob("apply-restart");
    Pod pod = cluster.startPod(apply);
    awaitPhase("restart", Phase.Applying);

    operator.close();
    operator = OperatorHarness.start(client, -1);
    cluster.containerExited(pod, "apply-restart", 0, MANIFEST);

    awaitPhase("restart", Phase.Ready);
    Job after = cluster.job(NS, "apply-restart");
    assertThat(after.getMetadata().getUid()).isEqualTo(apply.getMetadata().getUid());
    assertThat(
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withLabel(ProvisionNames.OWNER_LABEL, "restart")
                .list()
                .getItems())
        .hasSize(1);
  }

  // --- helpers ---

  static Provision provision(String name, VariablesSpec variables) {
    Provision p = new Provision();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    p.setSpec(new ProvisionSpec());
    p.getSpec().image = "ez-rancher:latest";
    p.getSpec().variables = variables;
    return p;
  }

  static VariablesSpec inline(String text) {
    VariablesSpec v = new VariablesSpec();
    v.inline = text;
    return v;
  }

  static void awaitEventsWritten() {
    try {
      dev.gantry.operator.kube.EventRecorder.awaitWritten(TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  Provision create(Provision p) {
    return client.resource(p).create();
  }

  Provision get(String name) {
    return client.resources(Provision.class).inNamespace(NS).withName(name).get();
  }

  /** Edits a Provision, again on a conflict with the operator's own writes (as kubectl edit). */
  void edit(String name, java.util.function.Consumer<Provision> change) {
    await()
        .atMost(TIMEOUT)
        .ignoreExceptionsMatching(
            e ->
                e instanceof io.fabric8.kubernetes.client.KubernetesClientException k
                    && k.getCode() == 409)
        .until(
            () -> {
              client
                  .resources(Provision.class)
                  .inNamespace(NS)
                  .withName(name)
                  .edit(
                      p -> {
                        change.accept(p);
                        return p;
                      });
              return true;
            });
  }

  Job awaitJob(String name) {
    await().atMost(TIMEOUT).until(() -> cluster.job(NS, name) != null);
    return cluster.job(NS, name);
  }

  Provision awaitPhase(String name, Phase phase) {
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              Provision p = get(name);
              return p != null && p.getStatus() != null && p.getStatus().phase == phase;
            });
    return get(name);
  }

  /** On failure, print every Provision with its status and the children it made. */
  static class DumpOnFailure implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (client == null) {
        return;
      }
      System.err.println(
          "=== Provisions\n"
              + Serialization.asYaml(
                  client.resources(Provision.class).inAnyNamespace().list().getItems()));
      System.err.println(
          "=== Jobs\n"
              + client.batch().v1().jobs().inAnyNamespace().list().getItems().stream()
                  .map(
                      j ->
                          j.getMetadata().getName()
                              + " "
                              + j.getMetadata().getAnnotations()
                              + " "
                              + j.getStatus())
                  .toList());
      System.err.println(
          "=== Events\n"
              + client.v1().events().inAnyNamespace().list().getItems().stream()
                  .map(e -> e.getReason() + ": " + e.getMessage())
                  .toList());
    }
  }
}
