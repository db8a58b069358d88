package dev.gantry.operator.minicluster;

import dev.gantry.api.minicluster.ContainerVolume;
import dev.gantry.api.minicluster.FluxContainer;
import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.api.minicluster.MiniClusterContainer;
import dev.gantry.api.minicluster.MiniClusterSpec;
import dev.gantry.api.minicluster.PodSpec;
import dev.gantry.operator.kube.OwnerReferences;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The indexed Job whose pods are the ranks: completions = parallelism = size, host names {@code
 * <name>-<index>} under the headless Service's subdomain, Flux copied in by an init container.
 */
public final class RankJob {
  static final String ENTRYPOINT_VOLUME = "flux-operator-entrypoint";
  static final String HOME_VOLUME = "flux-operator-home";
  static final String SOFTWARE_VOLUME = "spack-software";
  private static final int EXECUTABLE = 0777;
  private static final int OWNER_READ = 0400;

  private RankJob() {}

  public static Job desired(MiniCluster mc, int maximumSize) {
    MiniClusterSpec spec = mc.getSpec();
    String name = mc.getMetadata().getName();
    PodSpec pod = spec.podOrDefault();
    FluxContainer view = spec.fluxOrDefault().containerOrDefault();
    // Never more ranks than the broker configuration has hosts for.
    int size = Math.min(spec.sizeOrDefault(), maximumSize);

    List<Volume> volumes = new ArrayList<>();
    volumes.add(emptyDir(view.nameOrDefault()));
    volumes.add(emptyDir(HOME_VOLUME));
    volumes.add(emptyDir(SOFTWARE_VOLUME));
    volumes.add(entrypointVolume(mc));
    volumes.addAll(userVolumes(spec));

    List<Integer> runners = EntrypointScripts.runnerIndexes(mc);
    List<Container> containers = new ArrayList<>();
    for (int i = 0; i < spec.containers.size(); i++) {
      containers.add(container(mc, i, runners.contains(i)));
    }
    String initImage =
        view.disabledOn()
            ? spec.containers.get(runners.get(0)).imageOrDefault()
            : view.imageOrDefault();
    Container init =
        new ContainerBuilder()
            .withName(view.nameOrDefault())
            .withImage(initImage)
            .withImagePullPolicy(viewPullPolicy(view, spec.containers.get(runners.get(0))))
            .withCommand("/bin/bash", MiniClusterNames.ENTRYPOINT_DIR + "/flux-init.sh")
            .withWorkingDir(view.workingDir)
            .withResources(view.resources)
            .withSecurityContext(view.securityContext)
            // A failed init shows its last log lines in the pod's status, which Gantry reports.
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withVolumeMounts(
                mount(view.nameOrDefault(), view.mountPathOrDefault(), false),
                mount(ENTRYPOINT_VOLUME, MiniClusterNames.ENTRYPOINT_DIR, true))
            .build();

    PodSpecBuilder podSpec =
        new PodSpecBuilder()
            .withSubdomain(MiniClusterNames.headlessService(mc))
            .withSetHostnameAsFQDN(false)
            .withRestartPolicy(pod.restartPolicy == null ? "OnFailure" : pod.restartPolicy.name())
            .withServiceAccountName(pod.serviceAccountName)
            .withAutomountServiceAccountToken(Boolean.TRUE.equals(pod.automountServiceAccountToken))
            .withNodeSelector(pod.nodeSelector)
            .withTolerations(pod.tolerations)
            .withRuntimeClassName(pod.runtimeClassName)
            .withSchedulerName(pod.schedulerName)
            .withDnsPolicy(pod.dnsPolicy)
            .withHostIPC(pod.hostIPC)
            .withHostPID(pod.hostPID)
            .withShareProcessNamespace(spec.shareProcessNamespace)
            .withSecurityContext(pod.securityContext)
            .withOverhead(
                pod.resources == null ? null : new TreeMap<String, Quantity>(pod.resources))
            .withInitContainers(init)
            .withContainers(containers)
            .withVolumes(volumes)
            .withImagePullSecrets(pullSecrets(spec))
            .withAffinity(affinity(mc));

    return new JobBuilder()
        .withNewMetadata()
        .withName(MiniClusterNames.job(name))
        .withNamespace(mc.getMetadata().getNamespace())
        .withLabels(jobLabels(mc))
        .withOwnerReferences(OwnerReferences.controllerOf(mc))
        .endMetadata()
        .withNewSpec()
        .withCompletionMode("Indexed")
        .withCompletions(size)
        .withParallelism(size)
        .withBackoffLimit(spec.backoffLimitOrDefault())
        .withActiveDeadlineSeconds(spec.deadlineOrDefault())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(MiniClusterNames.podLabels(mc))
        .withAnnotations(pod.annotations)
        .endMetadata()
        .withSpec(podSpec.build())
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Map<String, String> jobLabels(MiniCluster mc) {
    Map<String, String> labels = new java.util.LinkedHashMap<>();
    if (mc.getSpec().jobLabels != null) {
      labels.putAll(mc.getSpec().jobLabels);
    }
    labels.putAll(MiniClusterNames.labels(mc.getMetadata().getName(), "job"));
    return labels;
  }

  private static Container container(MiniCluster mc, int index, boolean runner) {
    MiniClusterContainer c = mc.getSpec().containers.get(index);
    FluxContainer view = mc.getSpec().fluxOrDefault().containerOrDefault();
    String name = mc.getMetadata().getName();
    ContainerBuilder b =
        new ContainerBuilder()
            .withName(runner ? MiniClusterNames.runnerContainer(name) : c.name)
            .withImage(c.imageOrDefault())
            .withImagePullPolicy(pullPolicy(c))
            .withWorkingDir(c.workingDir)
            .withStdin(true)
            .withTty(true)
            .withEnv(env(c))
            .withResources(c.resources)
            .withSecurityContext(c.securityContext)
            .withTerminationMessagePolicy("FallbackToLogsOnError");
    if (runner) {
      b.withCommand("/bin/bash", MiniClusterNames.ENTRYPOINT_DIR + "/wait-" + index + ".sh");
    } else if (!Boolean.TRUE.equals(c.noWrapEntrypoint)) {
      b.withCommand("/bin/bash", MiniClusterNames.ENTRYPOINT_DIR + "/start-" + index + ".sh");
    }
    if (c.lifeCycle != null) {
      b.withLifecycle(lifecycle(c.lifeCycle));
    }
    if (c.ports != null) {
      b.withPorts(
          c.ports.stream()
              .map(p -> new ContainerPortBuilder().withContainerPort(p).withProtocol("TCP").build())
              .toList());
    }
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(view.nameOrDefault(), view.mountPathOrDefault(), false));
    mounts.add(mount(ENTRYPOINT_VOLUME, MiniClusterNames.ENTRYPOINT_DIR, true));
    mounts.add(mount(HOME_VOLUME, "/home/flux-operator", false));
    mounts.add(mount(SOFTWARE_VOLUME, "/opt/software", false));
    if (c.volumes != null) {
      for (Map.Entry<String, ContainerVolume> v : new TreeMap<>(c.volumes).entrySet()) {
        String path = Boolean.TRUE.equals(v.getValue().emptyDir) ? "/dev/shm" : v.getValue().path;
        mounts.add(mount(v.getKey(), path, Boolean.TRUE.equals(v.getValue().readOnly)));
      }
    }
    return b.withVolumeMounts(mounts).build();
  }

  /** Each hook's string is one argv element, as the Flux Operator passes it. */
  private static io.fabric8.kubernetes.api.model.Lifecycle lifecycle(
      MiniClusterContainer.LifeCycle hooks) {
    var b = new io.fabric8.kubernetes.api.model.LifecycleBuilder();
    if (hooks.postStartExec != null && !hooks.postStartExec.isBlank()) {
      b.withNewPostStart().withNewExec().withCommand(hooks.postStartExec).endExec().endPostStart();
    }
    if (hooks.preStopExec != null && !hooks.preStopExec.isBlank()) {
      b.withNewPreStop().withNewExec().withCommand(hooks.preStopExec).endExec().endPreStop();
    }
    return b.build();
  }

  /**
   * The flux view's own setting wins; otherwise it follows the runner container's, so a cluster
   * told never to pull (air-gapped, images imported) does not pull the init image either.
   */
  static String viewPullPolicy(FluxContainer view, MiniClusterContainer runner) {
    if (Boolean.TRUE.equals(view.pullAlways)) {
      return "Always";
    }
    if (view.imagePullPolicy != null) {
      return view.imagePullPolicy;
    }
    return runner.imagePullPolicy == null || Boolean.TRUE.equals(runner.pullAlways)
        ? "IfNotPresent"
        : runner.imagePullPolicy;
  }

  private static String pullPolicy(MiniClusterContainer c) {
    if (Boolean.TRUE.equals(c.pullAlways)) {
      return "Always";
    }
    return c.imagePullPolicy == null ? "IfNotPresent" : c.imagePullPolicy;
  }

  private static List<EnvVar> env(MiniClusterContainer c) {
    List<EnvVar> env = new ArrayList<>();
    if (c.environment != null) {
      new TreeMap<>(c.environment).forEach((k, v) -> env.add(new EnvVar(k, v, null)));
    }
    if (c.secrets != null) {
      new TreeMap<>(c.secrets)
          .forEach(
              (k, ref) ->
                  env.add(
                      new EnvVarBuilder()
                          .withName(k)
                          .withNewValueFrom()
                          .withNewSecretKeyRef()
                          .withName(ref.name)
                          .withKey(ref.key)
                          .endSecretKeyRef()
                          .endValueFrom()
                          .build()));
    }
    return env;
  }

  /** Scripts from the ConfigMap and the certificate from the Secret, side by side in one folder. */
  private static Volume entrypointVolume(MiniCluster mc) {
    String name = mc.getMetadata().getName();
    var configItems = new ArrayList<io.fabric8.kubernetes.api.model.KeyToPath>();
    List<Integer> runners = EntrypointScripts.runnerIndexes(mc);
    for (int i = 0; i < mc.getSpec().containers.size(); i++) {
      if (runners.contains(i)) {
        configItems.add(
            new io.fabric8.kubernetes.api.model.KeyToPath(
                "wait-" + i, EXECUTABLE, "wait-" + i + ".sh"));
      } else if (!Boolean.TRUE.equals(mc.getSpec().containers.get(i).noWrapEntrypoint)) {
        configItems.add(
            new io.fabric8.kubernetes.api.model.KeyToPath(
                "start-" + i, EXECUTABLE, "start-" + i + ".sh"));
      }
    }
    configItems.add(
        new io.fabric8.kubernetes.api.model.KeyToPath(
            MiniClusterObjects.INIT_KEY, EXECUTABLE, "flux-init.sh"));
    return new VolumeBuilder()
        .withName(ENTRYPOINT_VOLUME)
        .withNewProjected()
        .withSources(
            new VolumeProjectionBuilder()
                .withNewConfigMap()
                .withName(MiniClusterNames.entrypointConfigMap(name))
                .withItems(configItems)
                .endConfigMap()
                .build(),
            new VolumeProjectionBuilder()
                .withNewSecret()
                .withName(MiniClusterNames.curveSecret(name))
                .addNewItem()
                .withKey(MiniClusterObjects.CURVE_KEY)
                .withPath(MiniClusterObjects.CURVE_KEY)
                .withMode(OWNER_READ)
                .endItem()
                .endSecret()
                .build())
        .endProjected()
        .build();
  }

  /** The user's volumes, once each, in name order. */
  private static List<Volume> userVolumes(MiniClusterSpec spec) {
    Set<String> seen = new LinkedHashSet<>();
    List<Volume> volumes = new ArrayList<>();
    for (MiniClusterContainer c : spec.containers) {
      if (c.volumes == null) {
        continue;
      }
      for (Map.Entry<String, ContainerVolume> e : new TreeMap<>(c.volumes).entrySet()) {
        if (!seen.add(e.getKey())) {
          continue;
        }
        ContainerVolume v = e.getValue();
        VolumeBuilder b = new VolumeBuilder().withName(e.getKey());
        if (v.csiDriver != null) {
          b.withNewCsi()
              .withDriver(v.csiDriver)
              .withReadOnly(v.readOnly)
              .withVolumeAttributes(
                  v.csiDriverAttributes == null ? null : new TreeMap<>(v.csiDriverAttributes))
              .endCsi();
        } else if (v.secretName != null) {
          b.withNewSecret().withSecretName(v.secretName).endSecret();
        } else if (Boolean.TRUE.equals(v.emptyDir)) {
          b.withNewEmptyDir()
              .withMedium("memory".equalsIgnoreCase(v.emptyDirMedium) ? "Memory" : null)
              .withSizeLimit(v.emptyDirSizeLimit == null ? null : new Quantity(v.emptyDirSizeLimit))
              .endEmptyDir();
        } else if (v.hostPath != null) {
          b.withNewHostPath().withPath(v.hostPath).withType("Directory").endHostPath();
        } else if (v.configMapName != null) {
          var items =
              v.items == null
                  ? List.<io.fabric8.kubernetes.api.model.KeyToPath>of()
                  : new TreeMap<>(v.items)
                      .entrySet().stream()
                          .map(
                              i ->
                                  new io.fabric8.kubernetes.api.model.KeyToPath(
                                      i.getKey(), null, i.getValue()))
                          .toList();
          b.withNewConfigMap().withName(v.configMapName).withItems(items).endConfigMap();
        } else {
          b.withNewPersistentVolumeClaim()
              .withClaimName(v.claimName)
              .withReadOnly(v.readOnly)
              .endPersistentVolumeClaim();
        }
        volumes.add(b.build());
      }
    }
    return volumes;
  }

  private static List<LocalObjectReference> pullSecrets(MiniClusterSpec spec) {
    String viewSecret = spec.fluxOrDefault().containerOrDefault().imagePullSecret;
    return java.util.stream.Stream.concat(
            spec.containers.stream().map(c -> c.imagePullSecret),
            java.util.stream.Stream.of(viewSecret))
        .filter(s -> s != null && !s.isBlank())
        .distinct()
        .map(LocalObjectReference::new)
        .toList();
  }

  private static Affinity affinity(MiniCluster mc) {
    PodSpec pod = mc.getSpec().podOrDefault();
    boolean spread = !Boolean.TRUE.equals(mc.getSpec().networkOrDefault().disableAffinity);
    if (!spread && pod.nodeAffinity == null) {
      return null;
    }
    AffinityBuilder affinity = new AffinityBuilder();
    if (spread) {
      String name = mc.getMetadata().getName();
      affinity
          .withNewPodAffinity()
          .addNewPreferredDuringSchedulingIgnoredDuringExecution()
          .withWeight(100)
          .withNewPodAffinityTerm()
          .withTopologyKey("topology.kubernetes.io/zone")
          .withNewLabelSelector()
          .addNewMatchExpression()
          .withKey(MiniClusterNames.APP_NAME)
          .withOperator("In")
          .withValues(name)
          .endMatchExpression()
          .endLabelSelector()
          .endPodAffinityTerm()
          .endPreferredDuringSchedulingIgnoredDuringExecution()
          .endPodAffinity()
          .withNewPodAntiAffinity()
          .addNewPreferredDuringSchedulingIgnoredDuringExecution()
          .withWeight(100)
          .withNewPodAffinityTerm()
          .withTopologyKey("kubernetes.io/hostname")
          .withNewLabelSelector()
          .addNewMatchExpression()
          .withKey(MiniClusterNames.APP_NAME)
          .withOperator("In")
          .withValues(name)
          .endMatchExpression()
          .endLabelSelector()
          .endPodAffinityTerm()
          .endPreferredDuringSchedulingIgnoredDuringExecution()
          .endPodAntiAffinity();
    }
    if (pod.nodeAffinity != null && !pod.nodeAffinity.isEmpty()) {
      affinity
          .withNewNodeAffinity()
          .withNewRequiredDuringSchedulingIgnoredDuringExecution()
          .addNewNodeSelectorTerm()
          .withMatchExpressions(
              new TreeMap<>(pod.nodeAffinity)
                  .entrySet().stream()
                      .map(
                          e ->
                              new NodeSelectorRequirementBuilder()
                                  .withKey(e.getKey())
                                  .withOperator("In")
                                  .withValues(e.getValue())
                                  .build())
                      .toList())
          .endNodeSelectorTerm()
          .endRequiredDuringSchedulingIgnoredDuringExecution()
          .endNodeAffinity();
    }
    return affinity.build();
  }

  private static Volume emptyDir(String name) {
    return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(name)
        .withMountPath(path)
        .withReadOnly(readOnly ? true : null)
        .build();
  }
}
