package dev.gantry.operator.relations;

import dev.gantry.api.relations.Relation;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Puts a workload's resolved relations into its pod template: one variable set per interface into
 * every container, credentials as secretKeyRef, optionally Service Binding files, and — while a
 * relation is missing — an init container that holds the pod back and says what it waits for.
 * Applying it twice gives the same template, so a second admission yields an empty patch.
 */
public final class PodInjection {
  public static final String GATE = "gantry-relations-gate";
  public static final String INJECTED_ENV = "gantry.dev/injected-env";
  public static final String BINDINGS_VOLUME = "gantry-bindings";
  public static final String BINDING_ROOT = "/bindings";
  static final String BINDING_ROOT_ENV = "SERVICE_BINDING_ROOT";

  private PodInjection() {}

  /** The Secret Gantry keeps with a workload's Service Binding files. */
  public static String bindingSecret(String workload) {
    return workload + "-bindings";
  }

  /** Mutates {@code meta} and {@code spec} (a copy the caller owns) to carry {@code resolution}. */
  public static void apply(
      ObjectMeta meta,
      PodSpec spec,
      String workload,
      Resolution resolution,
      boolean serviceBinding,
      InjectionSettings settings) {
    Map<String, String> annotations =
        meta.getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(meta.getAnnotations());
    Set<String> previous = new TreeSet<>();
    String listed = annotations.get(INJECTED_ENV);
    if (listed != null && !listed.isBlank()) {
      previous.addAll(Arrays.asList(listed.split(",")));
    }

    List<EnvVar> env = env(resolution, serviceBinding);
    Set<String> injected = new TreeSet<>();
    env.forEach(e -> injected.add(e.getName()));
    for (Container c : spec.getContainers()) {
      List<EnvVar> kept = new ArrayList<>();
      if (c.getEnv() != null) {
        for (EnvVar e : c.getEnv()) {
          if (!previous.contains(e.getName()) && !injected.contains(e.getName())) {
            kept.add(e);
          }
        }
      }
      kept.addAll(env);
      c.setEnv(kept);
      mounts(c, serviceBinding && !resolution.bindings().isEmpty());
    }
    volumes(spec, workload, resolution, serviceBinding);
    gate(spec, resolution, settings);

    if (injected.isEmpty()) {
      annotations.remove(INJECTED_ENV);
    } else {
      annotations.put(INJECTED_ENV, String.join(",", injected));
    }
    annotations.put(Relation.HASH_ANNOTATION, resolution.hash());
    annotations.put(Relation.STATUS_ANNOTATION, resolution.summary());
    meta.setAnnotations(annotations);
  }

  static List<EnvVar> env(Resolution resolution, boolean serviceBinding) {
    List<EnvVar> env = new ArrayList<>();
    for (Resolution.Binding b : resolution.bindings()) {
      Endpoint e = b.endpoint();
      env.add(new EnvVar(EnvNames.of(e.iface()), e.host(), null));
      if (e.port() != null) {
        env.add(new EnvVar(EnvNames.of(e.iface(), "host"), e.host(), null));
        env.add(new EnvVar(EnvNames.of(e.iface(), "port"), String.valueOf(e.port()), null));
        env.add(new EnvVar(EnvNames.of(e.iface(), "url"), e.url(), null));
      }
      for (String key : b.credentialKeys()) {
        env.add(
            new EnvVarBuilder()
                .withName(EnvNames.of(e.iface(), key))
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName(e.credentialsSecret())
                .withKey(key)
                .endSecretKeyRef()
                .endValueFrom()
                .build());
      }
    }
    if (serviceBinding && !resolution.bindings().isEmpty()) {
      env.add(new EnvVar(BINDING_ROOT_ENV, BINDING_ROOT, null));
    }
    return env;
  }

  private static void mounts(Container c, boolean bind) {
    List<io.fabric8.kubernetes.api.model.VolumeMount> mounts =
        c.getVolumeMounts() == null ? new ArrayList<>() : new ArrayList<>(c.getVolumeMounts());
    mounts.removeIf(m -> BINDINGS_VOLUME.equals(m.getName()));
    if (bind) {
      mounts.add(
          new VolumeMountBuilder()
              .withName(BINDINGS_VOLUME)
              .withMountPath(BINDING_ROOT)
              .withReadOnly(true)
              .build());
    }
    c.setVolumeMounts(mounts);
  }

  private static void volumes(
      PodSpec spec, String workload, Resolution resolution, boolean serviceBinding) {
    List<io.fabric8.kubernetes.api.model.Volume> volumes =
        spec.getVolumes() == null ? new ArrayList<>() : new ArrayList<>(spec.getVolumes());
    volumes.removeIf(v -> BINDINGS_VOLUME.equals(v.getName()));
    if (serviceBinding && !resolution.bindings().isEmpty()) {
      List<KeyToPath> items = new ArrayList<>();
      for (Resolution.Binding b : resolution.bindings()) {
        for (String file : BindingFiles.names(b)) {
          items.add(
              new KeyToPath(BindingFiles.key(b.relation(), file), null, b.relation() + "/" + file));
        }
      }
      volumes.add(
          new VolumeBuilder()
              .withName(BINDINGS_VOLUME)
              .withNewSecret()
              .withSecretName(bindingSecret(workload))
              .withItems(items)
              .endSecret()
              .build());
    }
    spec.setVolumes(volumes);
  }

  private static String gatePullPolicy(PodSpec spec, InjectionSettings settings) {
    if (settings.gatePullPolicy() != null) {
      return settings.gatePullPolicy();
    }
    return spec.getContainers() == null || spec.getContainers().isEmpty()
        ? null
        : spec.getContainers().get(0).getImagePullPolicy();
  }

  private static void gate(PodSpec spec, Resolution resolution, InjectionSettings settings) {
    List<Container> init =
        spec.getInitContainers() == null
            ? new ArrayList<>()
            : new ArrayList<>(spec.getInitContainers());
    init.removeIf(c -> GATE.equals(c.getName()));
    if (!resolution.complete()) {
      // Holds the pod until Gantry rolls the workload with its data; the log says what it waits
      // for.
      String why = resolution.summary();
      init.add(
          0,
          new ContainerBuilder()
              .withName(GATE)
              .withImage(settings.gateImage())
              .withImagePullPolicy(gatePullPolicy(spec, settings))
              .withCommand(
                  "sh",
                  "-c",
                  "echo \"gantry: not starting: $GANTRY_RELATIONS\"; while true; do sleep 3600; done")
              .withEnv(new EnvVar("GANTRY_RELATIONS", why, null))
              .build());
    }
    spec.setInitContainers(init);
  }
}
