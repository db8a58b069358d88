package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.provision.DeliverableFile;
import dev.gantry.api.provision.DeliverablesStatus;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.api.provision.RunStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against the mock API server: what a user types and what they read back. */
@EnableKubernetesMockClient(crud = true)
class ProvisionCommandsIT {
  static KubernetesClient client;

  @TempDir Path dir;

  @BeforeEach
  void crds() {
    for (var crd : Manifests.crds()) {
      client.resource(crd).createOr(r -> r.update());
    }
  }

  Path manifest(String name, String image) throws Exception {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(
        file,
        """
        apiVersion: gantry.dev/v1alpha1
        kind: Provision
        metadata:
          name: %s
        spec:
          image: %s
          variables:
            inline: |
              vm_count = 3
        """
            .formatted(name, image));
    return file;
  }

  void setStatus(String name, ProvisionStatus.Phase phase, String readyStatus, String message) {
    client
        .resources(Provision.class)
        .inNamespace(client.getNamespace())
        .withName(name)
        .editStatus(
            p -> {
              ProvisionStatus s = new ProvisionStatus();
              s.phase = phase;
              s.observedGeneration = p.getMetadata().getGeneration();
              s.run = new RunStatus();
              s.run.type = "apply";
              s.run.jobName = "apply-" + name;
              s.run.exitCode = phase == ProvisionStatus.Phase.Ready ? 0 : null;
              s.conditions =
                  List.of(
                      new ConditionBuilder()
                          .withType("Ready")
                          .withStatus(readyStatus)
                          .withReason(phase.name())
                          .withMessage(message)
                          .withLastTransitionTime("2026-01-01T00:00:00Z")
                          .build());
              if (phase == ProvisionStatus.Phase.Ready) {
                s.deliverables = new DeliverablesStatus();
                s.deliverables.claimName = name + "-deliverables";
                s.deliverables.mountPath = "/deliverables";
                s.deliverables.generation = 1L;
                s.deliverables.files =
                    List.of(new DeliverableFile("kubeconfig", 120, "a".repeat(64)));
              }
              p.setStatus(s);
              return p;
            });
  }

  @Test
  void applyCreatesThenConfigures() throws Exception {
    Path file = manifest("one", "ez-rancher:1");
    CliHarness first = CliHarness.run(client, "apply", "-f", file.toString());
    assertThat(first.exitCode).isZero();
    assertThat(first.out()).contains("provision.gantry.dev/one created");

    CliHarness second =
        CliHarness.run(client, "apply", "-f", manifest("one", "ez-rancher:2").toString());
    assertThat(second.exitCode).as(second.err()).isZero();
    assertThat(second.out()).contains("provision.gantry.dev/one configured");
    assertThat(
            client
                .resources(Provision.class)
                .inNamespace(client.getNamespace())
                .withName("one")
                .get()
                .getSpec()
                .image)
        .isEqualTo("ez-rancher:2");
  }

  @Test
  void applyOfAMissingFileOrBadYamlNamesTheProblem() throws Exception {
    CliHarness missing = CliHarness.run(client, "apply", "-f", dir.resolve("nope.yaml").toString());
    assertThat(missing.exitCode).isEqualTo(1);
    assertThat(missing.err()).contains("nope.yaml does not exist");

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "kind: [unclosed\n");
    CliHarness invalid = CliHarness.run(client, "apply", "-f", bad.toString());
    assertThat(invalid.exitCode).isEqualTo(1);
    assertThat(invalid.err()).contains("bad.yaml is not valid Kubernetes YAML");
  }

  @Test
  void getListsProvisionsWithPhaseAndRun() throws Exception {
    CliHarness.run(client, "apply", "-f", manifest("listed", "ez-rancher:1").toString());
    setStatus(
        "listed", ProvisionStatus.Phase.Ready, "True", "Job apply-listed applied generation 1");

    CliHarness get = CliHarness.run(client, "get", "provisions");
    assertThat(get.exitCode).isZero();
    assertThat(get.out().lines().findFirst().orElseThrow())
        .startsWith("NAME")
        .contains("PHASE")
        .contains("RUN")
        .contains("AGE");
    assertThat(get.out()).containsPattern("listed\\s+Ready\\s+apply-listed");

    CliHarness wide = CliHarness.run(client, "get", "prov", "-o", "wide");
    assertThat(wide.out())
        .contains("IMAGE")
        .contains("ez-rancher:1")
        .contains("applied generation 1");

    CliHarness yaml = CliHarness.run(client, "get", "provision/listed", "-o", "yaml");
    assertThat(yaml.out()).contains("kind: \"Provision\"").contains("phase: \"Ready\"");
  }

  @Test
  void getOfAnUnknownTypeOrNameFailsWithAClearMessage() {
    CliHarness unknown = CliHarness.run(client, "get", "widgets");
    assertThat(unknown.exitCode).isEqualTo(1);
    assertThat(unknown.err()).contains("unknown resource type \"widgets\"").contains("provisions");

    CliHarness missing = CliHarness.run(client, "get", "provision/ghost");
    assertThat(missing.exitCode).isEqualTo(1);
    assertThat(missing.err())
        .contains("provision/ghost not found in namespace " + client.getNamespace());

    CliHarness format = CliHarness.run(client, "get", "provisions", "-o", "xml");
    assertThat(format.err()).contains("unknown output format \"xml\"");
  }

  @Test
  void describeShowsConditionsRunAndDeliverables() throws Exception {
    CliHarness.run(client, "apply", "-f", manifest("described", "ez-rancher:1").toString());
    setStatus(
        "described",
        ProvisionStatus.Phase.Ready,
        "True",
        "Job apply-described applied generation 1");

    CliHarness d = CliHarness.run(client, "describe", "provision/described");
    assertThat(d.exitCode).as(d.err()).isZero();
    assertThat(d.out())
        .contains("Name:         described")
        .contains("Variables:    inline (Secret described-variables)")
        .contains("Phase:        Ready")
        .contains("Job:        apply-described")
        .contains("kubeconfig")
        .contains("a".repeat(64))
        .containsPattern("Ready\\s+True\\s+Ready");
  }

  @Test
  void waitSucceedsWhenReadyAndShowsProgress() throws Exception {
    CliHarness.run(client, "apply", "-f", manifest("waited", "ez-rancher:1").toString());
    setStatus(
        "waited",
        ProvisionStatus.Phase.Applying,
        "False",
        "Job apply-waited is applying generation 1");
    CliHarness waiting = new CliHarness();
    CompletableFuture<CliHarness> wait =
        CliHarness.start(
            waiting, client, "wait", "provision/waited", "--for=ready", "--timeout=20s");
    // It has read the Applying status once: the change below is one it waits through.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> waiting.err().contains("Applying: Job apply-waited"));
    setStatus(
        "waited", ProvisionStatus.Phase.Ready, "True", "Job apply-waited applied generation 1");
    CliHarness result = wait.get();
    assertThat(result.exitCode).as(result.err()).isZero();
    assertThat(result.out()).contains("provision/waited is ready");
    assertThat(result.err()).contains("Applying: Job apply-waited is applying generation 1");
  }

  @Test
  void waitFailsFastWhenTheApplyFailed() throws Exception {
    CliHarness.run(client, "apply", "-f", manifest("doomed", "ez-rancher:1").toString());
    setStatus(
        "doomed", ProvisionStatus.Phase.Failed, "False", "Job apply-doomed failed: exit code 1");
    CliHarness result = CliHarness.run(client, "wait", "provision/doomed", "--timeout=20s");
    assertThat(result.exitCode).isEqualTo(1);
    assertThat(result.err())
        .contains(
            "provision/doomed will not be ready: Failed: Job apply-doomed failed: exit code 1")
        .contains("gantry logs provision/doomed");
  }

  @Test
  void waitTimesOutWithTheLastState() throws Exception {
    CliHarness.run(client, "apply", "-f", manifest("slow", "ez-rancher:1").toString());
    setStatus("slow", ProvisionStatus.Phase.Applying, "False", "still going");
    CliHarness result = CliHarness.run(client, "wait", "provision/slow", "--timeout=2s");
    assertThat(result.exitCode).isEqualTo(1);
    assertThat(result.err()).contains("timed out after 2s").contains("still going");
  }

  @Test
  void deleteWithSkipDestroyAnnotatesThenDeletes() throws Exception {
    CliHarness.run(client, "apply", "-f", manifest("gone", "ez-rancher:1").toString());
    CliHarness result =
        CliHarness.run(
            client, "delete", "provision/gone", "--skip-destroy", "--wait", "--timeout=10s");
    assertThat(result.exitCode).as(result.err()).isZero();
    assertThat(result.out()).contains("provision/gone deleted");
    assertThat(
            client
                .resources(Provision.class)
                .inNamespace(client.getNamespace())
                .withName("gone")
                .get())
        .isNull();
  }

  @Test
  void logsWithoutARunPodSaysWhy() throws Exception {
    CliHarness.run(client, "apply", "-f", manifest("quiet", "ez-rancher:1").toString());
    CliHarness result = CliHarness.run(client, "logs", "provision/quiet");
    assertThat(result.exitCode).isEqualTo(1);
    assertThat(result.err()).contains("no pod of Job apply-quiet");
  }

  @Test
  void logsOfARunNamedBadlyIsRefusedBeforeTheClusterIsAsked() throws Exception {
    CliHarness result = CliHarness.run(client, "logs", "provision/quiet", "--run", "latest");
    assertThat(result.exitCode).isEqualTo(1);
    assertThat(result.err()).contains("--run latest", "<generation>-<number>", "3-2");
    CliHarness mini = CliHarness.run(client, "logs", "minicluster/flux", "--run", "1-1");
    assertThat(mini.err()).contains("--run applies to provisions only");
  }

  /** A manual-approval Provision whose generation's plan 1-1 awaits approval. */
  void awaitingPlan(String name) {
    var provisions = client.resources(Provision.class).inNamespace(client.getNamespace());
    Provision p = new Provision();
    p.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
    p.setSpec(new dev.gantry.api.provision.ProvisionSpec());
    p.getSpec().image = "ez-rancher:1";
    p.getSpec().approval = dev.gantry.api.provision.ProvisionSpec.Approval.manual;
    Provision created = provisions.resource(p).create();
    provisions
        .withName(name)
        .editStatus(
            live -> {
              ProvisionStatus s = new ProvisionStatus();
              s.phase = ProvisionStatus.Phase.AwaitingApproval;
              s.observedGeneration = created.getMetadata().getGeneration();
              s.plan = new dev.gantry.api.provision.PlanStatus();
              s.plan.id = "1-1";
              s.plan.generation = created.getMetadata().getGeneration();
              s.plan.summary = "+2 ~0 -0";
              s.plan.text = "plans/1-1.txt";
              live.setStatus(s);
              return live;
            });
  }

  @Test
  void approveRecordsExactlyThePlanAwaitingApproval() {
    awaitingPlan("gated");
    CliHarness wrong = CliHarness.run(client, "approve", "provision/gated", "--plan", "0-7");
    assertThat(wrong.exitCode).isEqualTo(1);
    assertThat(wrong.err())
        .contains("plan 0-7 is not the plan awaiting approval", "1-1", "+2 ~0 -0");

    CliHarness ok = CliHarness.run(client, "approve", "provision/gated", "--plan", "1-1");
    assertThat(ok.exitCode).as(ok.err()).isZero();
    assertThat(ok.out()).contains("approved plan 1-1 of generation 1 (+2 ~0 -0)");
    assertThat(
            client
                .resources(Provision.class)
                .inNamespace(client.getNamespace())
                .withName("gated")
                .get()
                .getMetadata()
                .getAnnotations())
        .containsEntry(Provision.APPROVED_PLAN_ANNOTATION, "1-1");
  }

  @Test
  void approveOrPlanWithNothingToApproveSaysWhy() throws Exception {
    CliHarness.run(client, "apply", "-f", manifest("auto", "ez-rancher:1").toString());
    CliHarness approve = CliHarness.run(client, "approve", "provision/auto");
    assertThat(approve.exitCode).isEqualTo(1);
    assertThat(approve.err()).contains("spec.approval is auto");
    CliHarness plan = CliHarness.run(client, "plan", "provision/auto");
    assertThat(plan.err()).contains("has no plan", "spec.approval is auto");

    awaitingPlan("planning");
    client
        .resources(Provision.class)
        .inNamespace(client.getNamespace())
        .withName("planning")
        .editStatus(
            p -> {
              p.getStatus().phase = ProvisionStatus.Phase.Planning;
              p.getStatus().plan = null;
              return p;
            });
    CliHarness early = CliHarness.run(client, "approve", "provision/planning");
    assertThat(early.err()).contains("no plan awaiting approval (phase Planning", "--for=planned");
  }

  @Test
  void destroyPreviewAsksTheOperatorAndPrintsWhatWouldGoAndWhatStays() throws Exception {
    CliHarness.run(client, "apply", "-f", manifest("doomed2", "ez-rancher:1").toString());
    var provisions = client.resources(Provision.class).inNamespace(client.getNamespace());
    // The operator's part, played here: answer the token the command set.
    Thread operator =
        new Thread(
            () -> {
              org.awaitility.Awaitility.await()
                  .atMost(java.time.Duration.ofSeconds(20))
                  .until(
                      () -> {
                        var annotations =
                            provisions.withName("doomed2").get().getMetadata().getAnnotations();
                        return annotations != null
                            && annotations.containsKey(Provision.DESTROY_PREVIEW_ANNOTATION);
                      });
              String token =
                  provisions
                      .withName("doomed2")
                      .get()
                      .getMetadata()
                      .getAnnotations()
                      .get(Provision.DESTROY_PREVIEW_ANNOTATION);
              provisions
                  .withName("doomed2")
                  .editStatus(
                      p -> {
                        p.setStatus(new ProvisionStatus());
                        var preview = new dev.gantry.api.provision.DestroyPreviewStatus();
                        preview.token = token;
                        preview.run = "1-2";
                        preview.phase = "Succeeded";
                        preview.destroy = List.of("module.nodes.vsphere_vm.node[0]");
                        preview.kept = List.of("module.rancher.helm_release.rancher");
                        preview.summary = "Plan: 0 to add, 0 to change, 1 to destroy.";
                        p.getStatus().destroyPreview = preview;
                        return p;
                      });
            });
    operator.start();
    CliHarness result =
        CliHarness.run(client, "destroy-preview", "provision/doomed2", "--timeout", "30s");
    operator.join();
    assertThat(result.exitCode).as(result.err()).isZero();
    assertThat(result.out())
        .contains("Would destroy (1):\n  module.nodes.vsphere_vm.node[0]")
        .contains("module.rancher.helm_release.rancher")
        .contains("gantry logs provision/doomed2 --run 1-2");
  }
}
