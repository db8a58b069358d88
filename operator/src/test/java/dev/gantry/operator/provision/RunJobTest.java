package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.provision.DeliverablesSpec;
import dev.gantry.api.provision.KeyReference;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionSpec;
import dev.gantry.api.provision.RunSpec;
import dev.gantry.api.provision.RunnerPodSpec;
import dev.gantry.api.provision.VariablesSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunJobTest {
  static Provision provision(VariablesSpec variables) {
    Provision p = new Provision();
    p.setMetadata(
        new ObjectMetaBuilder()
            .withName("rancher")
            .withNamespace("infra")
            .withUid("uid-1")
            .withGeneration(3L)
            .build());
    p.setSpec(new ProvisionSpec());
    p.getSpec().image = "ez-rancher:latest";
    p.getSpec().variables = variables;
    return p;
  }

  static VariablesSpec secretRef(String name, String key) {
    VariablesSpec v = new VariablesSpec();
    v.secretRef = new KeyReference(name, key);
    return v;
  }

  @Test
  void applyJobKeepsTheSeedShape() {
    Job job =
        RunJob.apply(
            provision(secretRef("rancher-vars", null)),
            ProvisionSettings.defaults(),
            new RunId(3, 1));

    assertThat(job.getMetadata().getName()).isEqualTo("apply-rancher");
    assertThat(job.getMetadata().getNamespace()).isEqualTo("infra");
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getContainers())
        .extracting(Container::getName)
        .containsExactly("apply-rancher", "deliverables");
    assertThat(pod.getInitContainers())
        .extracting(Container::getName)
        .containsExactly("gantry-tools");
    Container tool = pod.getContainers().get(0);
    assertThat(tool.getImage()).isEqualTo("ez-rancher:latest");
    assertThat(tool.getVolumeMounts())
        .extracting(m -> m.getMountPath())
        .contains("/deliverables", "/tfvars");
    assertThat(tool.getVolumeMounts())
        .filteredOn(m -> m.getMountPath().equals("/tfvars"))
        .allMatch(m -> m.getReadOnly());
  }

  @Test
  void applyCommandRunsTerraformUnderTheWrapperWithVariablesAndStateOnTheVolume() {
    Job job =
        RunJob.apply(
            provision(secretRef("rancher-vars", null)),
            ProvisionSettings.defaults(),
            new RunId(3, 1));
    List<String> command =
        job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();

    assertThat(command.subList(0, 3)).containsExactly("/gantry/busybox", "sh", "-c");
    assertThat(command.subList(5, command.size()))
        .containsExactly(
            "terraform",
            "apply",
            "-input=false",
            "-auto-approve",
            "-var-file=/tfvars/terraform.tfvars",
            "-state=/deliverables/terraform.tfstate");
  }

  @Test
  void userCommandAndArgsReplaceTheTerraformDefaults() {
    Provision p = provision(null);
    p.getSpec().apply = new RunSpec();
    p.getSpec().apply.command = List.of("/bin/provision.sh");
    p.getSpec().apply.args = List.of("up");
    Job job = RunJob.apply(p, ProvisionSettings.defaults(), new RunId(3, 1));
    List<String> command =
        job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
    assertThat(command.subList(5, command.size())).containsExactly("/bin/provision.sh", "up");
  }

  @Test
  void aCommandWithoutArgsRunsAsGiven() {
    Provision p = provision(secretRef("v", null));
    p.getSpec().apply = new RunSpec();
    p.getSpec().apply.command = List.of("sh", "-c", "echo hi");
    List<String> command =
        RunJob.apply(p, ProvisionSettings.defaults(), new RunId(3, 1))
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getCommand();
    assertThat(command.subList(5, command.size())).containsExactly("sh", "-c", "echo hi");
  }

  @Test
  void argsWithoutACommandGoToTerraform() {
    Provision p = provision(null);
    p.getSpec().apply = new RunSpec();
    p.getSpec().apply.args = List.of("apply", "-auto-approve");
    List<String> command =
        RunJob.apply(p, ProvisionSettings.defaults(), new RunId(3, 1))
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getCommand();
    assertThat(command.subList(5, command.size()))
        .containsExactly("terraform", "apply", "-auto-approve");
  }

  @Test
  void destroyUsesTheSameVariablesAndVolumeAndNoSidecarAndKeepsItsLog() {
    Provision p = provision(secretRef("rancher-vars", "vars.tfvars"));
    Job apply = RunJob.apply(p, ProvisionSettings.defaults(), new RunId(3, 1));
    Job destroy = RunJob.destroy(p, ProvisionSettings.defaults(), new RunId(3, 2), 2);

    assertThat(destroy.getMetadata().getName()).isEqualTo("destroy-rancher");
    assertThat(destroy.getMetadata().getAnnotations())
        .containsEntry("gantry.dev/attempt", "2")
        .containsEntry("gantry.dev/generation", "3")
        .containsEntry("gantry.dev/run", "2");
    var pod = destroy.getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers())
        .extracting(Container::getName)
        .containsExactly("destroy-rancher");
    assertThat(pod.getInitContainers())
        .extracting(Container::getName)
        .containsExactly("gantry-tools");
    Container tool = pod.getContainers().get(0);
    assertThat(tool.getEnv())
        .anyMatch(e -> e.getName().equals("GANTRY_RUN_ID") && e.getValue().equals("3-2"))
        .anyMatch(e -> e.getName().equals("GANTRY_RUN") && e.getValue().equals("destroy"))
        .anyMatch(e -> e.getName().equals("GANTRY_LOG_KEEP") && e.getValue().equals("10"));
    List<String> command = tool.getCommand();
    assertThat(command.subList(0, 3)).containsExactly("/gantry/busybox", "sh", "-c");
    assertThat(command.subList(5, command.size()))
        .containsExactly(
            "terraform",
            "destroy",
            "-input=false",
            "-auto-approve",
            "-var-file=/tfvars/terraform.tfvars",
            "-state=/deliverables/terraform.tfstate");
    assertThat(pod.getVolumes()).isEqualTo(apply.getSpec().getTemplate().getSpec().getVolumes());
    assertThat(
            pod.getVolumes().stream()
                .filter(v -> v.getSecret() != null)
                .findFirst()
                .orElseThrow()
                .getSecret()
                .getItems()
                .get(0)
                .getKey())
        .isEqualTo("vars.tfvars");
  }

  @Test
  void inlineVariablesMountGantrysSecretAtTheConfiguredPath() {
    VariablesSpec v = new VariablesSpec();
    v.inline = "a = 1";
    v.path = "/config/vars/main.tfvars";
    Job job = RunJob.apply(provision(v), ProvisionSettings.defaults(), new RunId(3, 1));
    var pod = job.getSpec().getTemplate().getSpec();
    Volume variables =
        pod.getVolumes().stream()
            .filter(x -> x.getName().equals("variables"))
            .findFirst()
            .orElseThrow();
    assertThat(variables.getSecret().getSecretName()).isEqualTo("rancher-variables");
    assertThat(variables.getSecret().getItems().get(0).getPath()).isEqualTo("main.tfvars");
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .anyMatch(m -> m.getMountPath().equals("/config/vars"));
  }

  @Test
  void configMapVariablesAreMountedFromTheConfigMap() {
    VariablesSpec v = new VariablesSpec();
    v.configMapRef = new KeyReference("ez-rancher", null);
    Job job = RunJob.apply(provision(v), ProvisionSettings.defaults(), new RunId(3, 1));
    Volume variables =
        job.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(x -> x.getName().equals("variables"))
            .findFirst()
            .orElseThrow();
    assertThat(variables.getConfigMap().getName()).isEqualTo("ez-rancher");
    assertThat(variables.getConfigMap().getItems().get(0).getKey()).isEqualTo("terraform.tfvars");
  }

  @Test
  void noVariablesMeansNoVariablesVolumeAndNoVarFileFlag() {
    Job job = RunJob.apply(provision(null), ProvisionSettings.defaults(), new RunId(3, 1));
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes()).noneMatch(x -> x.getName().equals("variables"));
    assertThat(pod.getContainers().get(0).getCommand()).noneMatch(a -> a.startsWith("-var-file"));
  }

  @Test
  void jobCarriesOwnerLabelsGenerationAndRunSettings() {
    Provision p = provision(null);
    p.getSpec().backoffLimit = 2;
    p.getSpec().activeDeadlineSeconds = 3600L;
    p.getSpec().serviceAccountName = "terraform";
    p.getSpec().imagePullSecrets = List.of("regcred");
    p.getSpec().deliverables = new DeliverablesSpec();
    p.getSpec().deliverables.holdSeconds = 5;
    Job job = RunJob.apply(p, ProvisionSettings.defaults(), new RunId(3, 1));

    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getUid()).isEqualTo("uid-1");
              assertThat(o.getController()).isTrue();
            });
    assertThat(job.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "gantry")
        .containsEntry("app.kubernetes.io/instance", "rancher")
        .containsEntry("app.kubernetes.io/component", "apply")
        .containsEntry("gantry.dev/provision", "rancher");
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .isEqualTo(job.getMetadata().getLabels());
    assertThat(job.getMetadata().getAnnotations()).containsEntry("gantry.dev/generation", "3");
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(3600L);
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("terraform");
    assertThat(pod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("regcred");
    assertThat(pod.getContainers().get(1).getEnv())
        .anyMatch(e -> e.getName().equals("GANTRY_HOLD_SECONDS") && e.getValue().equals("5"));
  }

  @Test
  void sameProvisionGivesTheSameJob() {
    Provision p = provision(secretRef("v", null));
    assertThat(RunJob.apply(p, ProvisionSettings.defaults(), new RunId(3, 1)))
        .isEqualTo(RunJob.apply(p, ProvisionSettings.defaults(), new RunId(3, 1)));
  }

  static RunnerPodSpec runner() {
    RunnerPodSpec r = new RunnerPodSpec();
    r.nodeSelector = java.util.Map.of("pool", "infra");
    r.tolerations =
        List.of(
            new io.fabric8.kubernetes.api.model.TolerationBuilder()
                .withKey("dedicated")
                .withOperator("Equal")
                .withValue("infra")
                .withEffect("NoSchedule")
                .build());
    r.securityContext =
        new io.fabric8.kubernetes.api.model.PodSecurityContextBuilder()
            .withRunAsUser(1000L)
            .withFsGroup(1000L)
            .build();
    r.containerSecurityContext =
        new io.fabric8.kubernetes.api.model.SecurityContextBuilder()
            .withReadOnlyRootFilesystem(true)
            .build();
    r.volumes =
        List.of(
            new io.fabric8.kubernetes.api.model.VolumeBuilder()
                .withName("cloud-credentials")
                .withNewSecret()
                .withSecretName("vsphere")
                .endSecret()
                .build());
    r.volumeMounts =
        List.of(
            new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                .withName("cloud-credentials")
                .withMountPath("/credentials")
                .withReadOnly(true)
                .build());
    r.podLabels = java.util.Map.of("team", "platform", "app.kubernetes.io/instance", "mine");
    r.podAnnotations = java.util.Map.of("sidecar.istio.io/inject", "false");
    return r;
  }

  @Test
  void runnerSettingsReachBothRunPodsAndGantrysOwnLabelsAndVolumesStay() {
    Provision p = provision(secretRef("vars", "terraform.tfvars"));
    p.getSpec().runner = runner();
    for (Job job :
        List.of(
            RunJob.apply(p, ProvisionSettings.defaults(), new RunId(3, 1)),
            RunJob.destroy(p, ProvisionSettings.defaults(), new RunId(3, 2), 1))) {
      String run = job.getMetadata().getName();
      var template = job.getSpec().getTemplate();
      var pod = template.getSpec();
      assertThat(pod.getNodeSelector()).as(run).containsEntry("pool", "infra");
      assertThat(pod.getTolerations())
          .as(run)
          .extracting(t -> t.getKey())
          .containsExactly("dedicated");
      assertThat(pod.getSecurityContext().getFsGroup()).as(run).isEqualTo(1000L);
      assertThat(pod.getVolumes())
          .as(run)
          .extracting(Volume::getName)
          .contains("deliverables", "variables", "cloud-credentials");
      Container tool = pod.getContainers().get(0);
      assertThat(tool.getSecurityContext().getReadOnlyRootFilesystem()).as(run).isTrue();
      assertThat(tool.getVolumeMounts())
          .as(run)
          .extracting(m -> m.getName() + ":" + m.getMountPath())
          .contains("cloud-credentials:/credentials", "deliverables:/deliverables");
      // the user's labels are added; Gantry's, which its selectors use, win a clash
      assertThat(template.getMetadata().getLabels())
          .as(run)
          .containsEntry("team", "platform")
          .containsEntry("app.kubernetes.io/instance", "rancher")
          .containsEntry("gantry.dev/provision", "rancher");
      assertThat(job.getMetadata().getLabels()).as(run).doesNotContainKey("team");
      assertThat(template.getMetadata().getAnnotations())
          .as(run)
          .containsEntry("sidecar.istio.io/inject", "false")
          .containsEntry("gantry.dev/generation", "3");
    }
    // the sidecar and the init container keep only Gantry's mounts
    Job apply = RunJob.apply(p, ProvisionSettings.defaults(), new RunId(3, 1));
    assertThat(apply.getSpec().getTemplate().getSpec().getContainers().get(1).getVolumeMounts())
        .extracting(m -> m.getName())
        .doesNotContain("cloud-credentials");
    // the fetch pod schedules where the runs do
    var fetch = DeliverablesFetchPod.desired(p, "busybox:1.36").getSpec();
    assertThat(fetch.getNodeSelector()).containsEntry("pool", "infra");
    assertThat(fetch.getTolerations()).hasSize(1);
    assertThat(fetch.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
  }

  @Test
  void planRunWritesItsPlanFileWhereTheApprovedApplyFindsItAndKeepsItsText() {
    Provision p = provision(secretRef("rancher-vars", null));
    Job plan = RunJob.plan(p, ProvisionSettings.defaults(), new RunId(3, 1));
    assertThat(plan.getMetadata().getName()).isEqualTo("plan-rancher");
    assertThat(plan.getMetadata().getAnnotations()).containsEntry("gantry.dev/run", "1");
    Container tool = plan.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(tool.getName()).isEqualTo("plan-rancher");
    assertThat(tool.getEnv())
        .anyMatch(e -> e.getName().equals("GANTRY_RUN") && e.getValue().equals("plan"))
        .anyMatch(
            e ->
                e.getName().equals("GANTRY_PLAN_FILE")
                    && e.getValue().equals("/deliverables/plans/3-1.tfplan"));
    List<String> command = tool.getCommand();
    assertThat(command.subList(5, command.size()))
        .containsExactly(
            "terraform",
            "plan",
            "-input=false",
            "-no-color",
            "-detailed-exitcode",
            "-var-file=/tfvars/terraform.tfvars",
            "-state=/deliverables/terraform.tfstate",
            "-out=$(GANTRY_PLAN_FILE)");
    assertThat(plan.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
  }

  @Test
  void anApprovedApplyRunsExactlyThatPlanFileWithoutVariables() {
    Provision p = provision(secretRef("rancher-vars", null));
    var approved = new dev.gantry.api.provision.PlanStatus();
    approved.id = "3-1";
    approved.file = "plans/3-1.tfplan";
    approved.sha256 = "d".repeat(64);
    Job apply = RunJob.apply(p, ProvisionSettings.defaults(), new RunId(3, 2), approved);
    assertThat(apply.getMetadata().getAnnotations())
        .containsEntry("gantry.dev/plan", "3-1")
        .containsEntry("gantry.dev/run", "2");
    Container tool = apply.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(tool.getEnv())
        .anyMatch(
            e ->
                e.getName().equals("GANTRY_PLAN_FILE")
                    && e.getValue().equals("/deliverables/plans/3-1.tfplan"))
        .anyMatch(
            e -> e.getName().equals("GANTRY_PLAN_SHA256") && e.getValue().equals("d".repeat(64)));
    List<String> command = tool.getCommand();
    assertThat(command.subList(5, command.size()))
        .containsExactly(
            "terraform",
            "apply",
            "-input=false",
            "-auto-approve",
            "-state=/deliverables/terraform.tfstate",
            "$(GANTRY_PLAN_FILE)");
  }
}
