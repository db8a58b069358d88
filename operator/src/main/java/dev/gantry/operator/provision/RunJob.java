package dev.gantry.operator.provision;

import dev.gantry.api.provision.DeliverablesSpec;
import dev.gantry.api.provision.KeyReference;
import dev.gantry.api.provision.PlanStatus;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionSpec;
import dev.gantry.api.provision.RunSpec;
import dev.gantry.api.provision.RunnerPodSpec;
import dev.gantry.api.provision.VariablesSpec;
import dev.gantry.operator.kube.OwnerReferences;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run Jobs. All mount the same variables and the same volume, so the destroy sees the state the
 * apply left, and all run the tool under the wrapper that keeps its output on the volume. The apply
 * Job keeps the seed's shape: Job and container {@code apply-<name>}, sidecar {@code deliverables},
 * the {@code done} marker.
 */
public final class RunJob {
  static final String VARIABLES_VOLUME = "variables";
  static final String DELIVERABLES_VOLUME = "deliverables";
  static final String TOOLS_VOLUME = "gantry-tools";
  static final String STATE_FILE = "terraform.tfstate";

  /** The plan file's path in the plan run and the approved apply. */
  static final String PLAN_FILE_ENV = "GANTRY_PLAN_FILE";

  /** Kubernetes expands $(NAME) in a container's command from its environment. */
  static final String PLAN_FILE_REFERENCE = "$(" + PLAN_FILE_ENV + ")";

  /** The command-line default of an apply that runs an approved plan. */
  private static final String APPLY_PLAN = "apply-plan";

  private RunJob() {}

  public static Job apply(Provision provision, ProvisionSettings settings, RunId run) {
    return apply(provision, settings, run, null);
  }

  /**
   * @param approved the approved plan the apply runs (its file, checked against its sha256 before
   *     the tool starts), or null to apply the spec directly
   */
  public static Job apply(
      Provision provision, ProvisionSettings settings, RunId run, PlanStatus approved) {
    String name = provision.getMetadata().getName();
    ProvisionSpec spec = provision.getSpec();
    DeliverablesSpec deliverables = spec.deliverablesOrDefault();
    String mountPath = deliverables.mountPathOrDefault();

    VolumeMount tools = mount(TOOLS_VOLUME, RunScripts.TOOLS_DIR, false);
    VolumeMount volume = mount(DELIVERABLES_VOLUME, mountPath, false);
    Container tool =
        wrappedTool(
            provision,
            ProvisionNames.applyContainer(name),
            "apply",
            run,
            spec.apply,
            approved == null ? "apply" : APPLY_PLAN);
    Map<String, String> annotations = new java.util.LinkedHashMap<>(runAnnotations(run));
    if (approved != null) {
      tool.getEnv().add(new EnvVar(PLAN_FILE_ENV, mountPath + "/" + approved.file, null));
      tool.getEnv().add(new EnvVar("GANTRY_PLAN_SHA256", approved.sha256, null));
      annotations.put(ProvisionNames.PLAN_ANNOTATION, approved.id);
    }
    Container sidecar =
        new ContainerBuilder()
            .withName(ProvisionNames.DELIVERABLES_CONTAINER)
            .withImage(settings.toolsImage())
            .withImagePullPolicy(settings.toolsPullPolicy(spec))
            .withCommand("sh", "-c", RunScripts.SIDECAR)
            .withEnv(
                new EnvVar("GANTRY_DELIVERABLES", mountPath, null),
                new EnvVar(
                    "GANTRY_HOLD_SECONDS",
                    String.valueOf(deliverables.holdSecondsOrDefault()),
                    null))
            .addAllToEnv(
                OutputsPlanner.sidecarEnvironment(provision).entrySet().stream()
                    .map(e -> new EnvVar(e.getKey(), e.getValue(), null))
                    .toList())
            .withVolumeMounts(tools, volume)
            .build();

    return job(
        provision,
        ProvisionNames.applyJob(name),
        ProvisionLabels.APPLY,
        annotations,
        new PodSpecBuilder()
            .withInitContainers(toolsInit(provision, settings))
            .withContainers(tool, sidecar)
            .withVolumes(volumesWithTools(provision)));
  }

  /**
   * The plan run manual approval waits on: the tool writes its plan to GANTRY_PLAN_FILE on the
   * volume, where the approved apply finds it; its output is the plan's human-readable text.
   */
  public static Job plan(Provision provision, ProvisionSettings settings, RunId run) {
    String name = provision.getMetadata().getName();
    return planRun(
        provision,
        settings,
        run,
        ProvisionNames.planJob(name),
        ProvisionNames.planContainer(name),
        ProvisionLabels.PLAN);
  }

  /**
   * A drift check: the plan run's command under another Job name, so it never stands for the plan
   * manual approval waits on. Its plan file is not applied.
   */
  public static Job drift(Provision provision, ProvisionSettings settings, RunId run) {
    String name = provision.getMetadata().getName();
    Job job =
        planRun(
            provision,
            settings,
            run,
            ProvisionNames.driftJob(name),
            ProvisionNames.driftContainer(name),
            ProvisionLabels.DRIFT);
    // The wrapper then keeps every other plan on the volume and removes its own.
    job.getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .add(new EnvVar("GANTRY_DRIFT", "1", null));
    return job;
  }

  /** A run of spec.plan's command that writes its plan to GANTRY_PLAN_FILE. */
  private static Job planRun(
      Provision provision,
      ProvisionSettings settings,
      RunId run,
      String jobName,
      String containerName,
      String component) {
    Container tool =
        wrappedTool(provision, containerName, "plan", run, provision.getSpec().plan, "plan");
    tool.getEnv().add(new EnvVar(PLAN_FILE_ENV, planFile(provision, run), null));
    return job(
        provision,
        jobName,
        component,
        runAnnotations(run),
        new PodSpecBuilder()
            .withInitContainers(toolsInit(provision, settings))
            .withContainers(tool)
            .withVolumes(volumesWithTools(provision)));
  }

  /**
   * A destroy preview: Terraform's plan -destroy on a copy of the state with spec.destroy.retain
   * forgotten, so it lists what a destroy would remove and what it would keep, changing nothing.
   *
   * @param token the preview request it answers (the gantry.dev/destroy-preview annotation)
   */
  public static Job preview(
      Provision provision, ProvisionSettings settings, RunId run, String token) {
    String name = provision.getMetadata().getName();
    List<String> tool =
        new ArrayList<>(List.of(RunScripts.BUSYBOX, "sh", "-c", RunScripts.PREVIEW, "preview"));
    VariablesSpec variables = provision.getSpec().variablesOrDefault();
    if (!variables.isEmpty()) {
      tool.add("-var-file=" + variables.pathOrDefault());
    }
    Container container =
        wrappedTool(provision, ProvisionNames.previewContainer(name), "preview", run, tool);
    retainEnvironment(provision, container);
    Map<String, String> annotations = new java.util.LinkedHashMap<>(runAnnotations(run));
    annotations.put(Provision.DESTROY_PREVIEW_ANNOTATION, token);
    return job(
        provision,
        ProvisionNames.previewJob(name),
        ProvisionLabels.PREVIEW,
        annotations,
        new PodSpecBuilder()
            .withInitContainers(toolsInit(provision, settings))
            .withContainers(container)
            .withVolumes(volumesWithTools(provision)));
  }

  /** The state file and the addresses the destroy keeps, for the wrapper and the preview. */
  private static void retainEnvironment(Provision provision, Container tool) {
    ProvisionSpec spec = provision.getSpec();
    tool.getEnv()
        .add(
            new EnvVar(
                "GANTRY_STATE",
                spec.deliverablesOrDefault().mountPathOrDefault() + "/" + STATE_FILE,
                null));
    List<String> retain = spec.destroy == null ? List.of() : spec.destroy.retainOrEmpty();
    if (!retain.isEmpty()) {
      tool.getEnv().add(new EnvVar("GANTRY_RETAIN", String.join("\n", retain), null));
    }
  }

  /** Where a plan run writes its plan, absolute in the run containers. */
  static String planFile(Provision provision, RunId run) {
    return provision.getSpec().deliverablesOrDefault().mountPathOrDefault() + "/" + planPath(run);
  }

  /** The plan file relative to the mount path, as status records it. */
  public static String planPath(RunId run) {
    return RunScripts.PLANS_DIR + "/" + run + ".tfplan";
  }

  /** The plan's text relative to the mount path: the plan run's output. */
  public static String planTextPath(RunId run) {
    return RunScripts.PLANS_DIR + "/" + run + ".txt";
  }

  public static Job destroy(
      Provision provision, ProvisionSettings settings, RunId run, int attempt) {
    String name = provision.getMetadata().getName();
    Container tool =
        wrappedTool(
            provision,
            ProvisionNames.destroyContainer(name),
            "destroy",
            run,
            provision.getSpec().destroy,
            "destroy");
    retainEnvironment(provision, tool);
    Map<String, String> annotations = new java.util.LinkedHashMap<>(runAnnotations(run));
    annotations.put(ProvisionNames.ATTEMPT_ANNOTATION, String.valueOf(attempt));
    // Owned, so it goes with the Provision: a finished pod that mounts the claim would keep the
    // claim Terminating (pvc-protection), so its output cannot outlive the claim's deletion.
    return job(
        provision,
        ProvisionNames.destroyJob(name),
        ProvisionLabels.DESTROY,
        annotations,
        new PodSpecBuilder()
            .withInitContainers(toolsInit(provision, settings))
            .withContainers(tool)
            .withVolumes(volumesWithTools(provision)));
  }

  /**
   * The tool container of a run: the tool's command line under the wrapper, which keeps its output
   * on the volume. On failure Kubernetes falls back to the last log lines for the termination
   * message, which Gantry shows in the run's condition; on success the wrapper writes it.
   */
  private static Container wrappedTool(
      Provision provision,
      String containerName,
      String runType,
      RunId run,
      RunSpec runSpec,
      String verb) {
    return wrappedTool(
        provision, containerName, runType, run, commandLine(runSpec, verb, provision.getSpec()));
  }

  private static Container wrappedTool(
      Provision provision, String containerName, String runType, RunId run, List<String> tool) {
    ProvisionSpec spec = provision.getSpec();
    List<String> command =
        new ArrayList<>(List.of(RunScripts.BUSYBOX, "sh", "-c", RunScripts.WRAPPER, "gantry-run"));
    command.addAll(tool);
    return toolContainer(provision, containerName, runType, command)
        .addToEnv(new EnvVar("GANTRY_RUN_ID", run.toString(), null))
        .addToEnv(
            new EnvVar(
                "GANTRY_LOG_KEEP", String.valueOf(spec.runLogsOrDefault().keepOrDefault()), null))
        .addToVolumeMounts(mount(TOOLS_VOLUME, RunScripts.TOOLS_DIR, false))
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .build();
  }

  /** Copies the static busybox the wrapper runs under; clears the seed's end marker. */
  private static Container toolsInit(Provision provision, ProvisionSettings settings) {
    ProvisionSpec spec = provision.getSpec();
    String mountPath = spec.deliverablesOrDefault().mountPathOrDefault();
    return new ContainerBuilder()
        .withName(ProvisionNames.TOOLS_INIT_CONTAINER)
        .withImage(settings.toolsImage())
        .withImagePullPolicy(settings.toolsPullPolicy(spec))
        .withCommand("sh", "-c", RunScripts.INIT)
        .withEnv(new EnvVar("GANTRY_DELIVERABLES", mountPath, null))
        .withVolumeMounts(
            mount(TOOLS_VOLUME, RunScripts.TOOLS_DIR, false),
            mount(DELIVERABLES_VOLUME, mountPath, false))
        .build();
  }

  private static Map<String, String> runAnnotations(RunId run) {
    return Map.of(
        ProvisionNames.GENERATION_ANNOTATION, String.valueOf(run.generation()),
        ProvisionNames.RUN_ANNOTATION, String.valueOf(run.number()));
  }

  private static List<Volume> volumesWithTools(Provision provision) {
    List<Volume> volumes = volumes(provision);
    volumes.add(new VolumeBuilder().withName(TOOLS_VOLUME).withNewEmptyDir().endEmptyDir().build());
    return volumes;
  }

  /**
   * The tool's command line. With neither command nor args it is Terraform's, with the mounted
   * variables and the state on the volume; a command without args runs as given.
   */
  static List<String> commandLine(RunSpec run, String verb, ProvisionSpec spec) {
    boolean hasCommand = run != null && run.command != null && !run.command.isEmpty();
    List<String> line = new ArrayList<>(hasCommand ? run.command : List.of("terraform"));
    if (run != null && run.args != null) {
      line.addAll(run.args);
      return line;
    }
    if (hasCommand) {
      return line;
    }
    String state = "-state=" + spec.deliverablesOrDefault().mountPathOrDefault() + "/" + STATE_FILE;
    if (verb.equals(APPLY_PLAN)) {
      // A saved plan carries its variables; Terraform refuses -var-file beside it.
      line.addAll(List.of("apply", "-input=false", "-auto-approve", state, PLAN_FILE_REFERENCE));
      return line;
    }
    if (verb.equals("plan")) {
      line.addAll(List.of("plan", "-input=false", "-no-color", "-detailed-exitcode"));
    } else {
      line.addAll(List.of(verb, "-input=false", "-auto-approve"));
    }
    VariablesSpec variables = spec.variablesOrDefault();
    if (!variables.isEmpty()) {
      line.add("-var-file=" + variables.pathOrDefault());
    }
    line.add(state);
    if (verb.equals("plan")) {
      line.add("-out=" + PLAN_FILE_REFERENCE);
    }
    return line;
  }

  private static ContainerBuilder toolContainer(
      Provision provision, String containerName, String run, List<String> command) {
    ProvisionSpec spec = provision.getSpec();
    List<EnvVar> env = new ArrayList<>();
    if (spec.env != null) {
      env.addAll(spec.env);
    }
    env.add(new EnvVar("GANTRY_RUN", run, null));
    env.add(
        new EnvVar("GANTRY_DELIVERABLES", spec.deliverablesOrDefault().mountPathOrDefault(), null));
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(
        mount(DELIVERABLES_VOLUME, spec.deliverablesOrDefault().mountPathOrDefault(), false));
    if (!spec.variablesOrDefault().isEmpty()) {
      mounts.add(
          mount(VARIABLES_VOLUME, directoryOf(spec.variablesOrDefault().pathOrDefault()), true));
    }
    RunnerPodSpec runner = spec.runner == null ? new RunnerPodSpec() : spec.runner;
    if (runner.volumeMounts != null) {
      mounts.addAll(runner.volumeMounts);
    }
    return new ContainerBuilder()
        .withName(containerName)
        .withImage(spec.image)
        .withSecurityContext(runner.containerSecurityContext)
        .withImagePullPolicy(spec.imagePullPolicy == null ? null : spec.imagePullPolicy.name())
        .withCommand(command)
        .withEnv(env)
        .withEnvFrom(spec.envFrom)
        .withResources(spec.resources)
        .withVolumeMounts(mounts);
  }

  private static List<Volume> volumes(Provision provision) {
    String name = provision.getMetadata().getName();
    VariablesSpec variables = provision.getSpec().variablesOrDefault();
    List<Volume> volumes = new ArrayList<>();
    volumes.add(
        new VolumeBuilder()
            .withName(DELIVERABLES_VOLUME)
            .withNewPersistentVolumeClaim()
            .withClaimName(ProvisionNames.deliverablesClaim(name))
            .endPersistentVolumeClaim()
            .build());
    String file = fileOf(variables.pathOrDefault());
    if (variables.inline != null) {
      volumes.add(
          secretVolume(ProvisionNames.variablesSecret(name), KeyReference.DEFAULT_KEY, file));
    } else if (variables.secretRef != null) {
      volumes.add(secretVolume(variables.secretRef.name, variables.secretRef.keyOrDefault(), file));
    } else if (variables.configMapRef != null) {
      volumes.add(
          new VolumeBuilder()
              .withName(VARIABLES_VOLUME)
              .withNewConfigMap()
              .withName(variables.configMapRef.name)
              .addNewItem()
              .withKey(variables.configMapRef.keyOrDefault())
              .withPath(file)
              .endItem()
              .endConfigMap()
              .build());
    }
    return volumes;
  }

  private static Volume secretVolume(String secret, String key, String file) {
    return new VolumeBuilder()
        .withName(VARIABLES_VOLUME)
        .withNewSecret()
        .withSecretName(secret)
        .addNewItem()
        .withKey(key)
        .withPath(file)
        .endItem()
        .endSecret()
        .build();
  }

  private static Job job(
      Provision provision,
      String jobName,
      String component,
      Map<String, String> annotations,
      PodSpecBuilder pod) {
    ProvisionSpec spec = provision.getSpec();
    String name = provision.getMetadata().getName();
    var labels = ProvisionLabels.of(name, component);
    RunnerPodSpec runner = spec.runner == null ? new RunnerPodSpec() : spec.runner;
    // The user's first, Gantry's over them: its selectors and run bookkeeping depend on its own.
    Map<String, String> podLabels = new java.util.LinkedHashMap<>();
    if (runner.podLabels != null) {
      podLabels.putAll(runner.podLabels);
    }
    podLabels.putAll(labels);
    Map<String, String> podAnnotations = new java.util.LinkedHashMap<>();
    if (runner.podAnnotations != null) {
      podAnnotations.putAll(runner.podAnnotations);
    }
    podAnnotations.putAll(annotations);
    pod.withNodeSelector(runner.nodeSelector)
        .withTolerations(runner.tolerations)
        .withSecurityContext(runner.securityContext);
    if (runner.volumes != null) {
      pod.addAllToVolumes(runner.volumes);
    }
    if (spec.imagePullSecrets != null) {
      pod.withImagePullSecrets(
          spec.imagePullSecrets.stream().map(LocalObjectReference::new).toList());
    }
    return new JobBuilder()
        .withNewMetadata()
        .withName(jobName)
        .withNamespace(provision.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(OwnerReferences.controllerOf(provision))
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(spec.backoffLimitOrDefault())
        .withActiveDeadlineSeconds(spec.activeDeadlineSeconds)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .withAnnotations(podAnnotations)
        .endMetadata()
        .withSpec(
            pod.withRestartPolicy("Never").withServiceAccountName(spec.serviceAccountName).build())
        .endTemplate()
        .endSpec()
        .build();
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    VolumeMount mount = new VolumeMount();
    mount.setName(volume);
    mount.setMountPath(path);
    if (readOnly) {
      mount.setReadOnly(true);
    }
    return mount;
  }

  static String directoryOf(String path) {
    return path.substring(0, path.lastIndexOf('/'));
  }

  static String fileOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
