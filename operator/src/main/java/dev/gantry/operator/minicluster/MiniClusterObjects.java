package dev.gantry.operator.minicluster;

import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.api.minicluster.MiniClusterContainer;
import dev.gantry.operator.kube.OwnerReferences;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The entrypoint ConfigMap, the CURVE Secret and the Services of a MiniCluster: pure builders. */
public final class MiniClusterObjects {
  public static final String CURVE_KEY = "curve.cert";
  public static final String INIT_KEY = "flux-init";

  private MiniClusterObjects() {}

  /** Scripts per container role and the flux-view init script. The certificate is in a Secret. */
  public static ConfigMap entrypoint(MiniCluster mc, int maximumSize) {
    String name = mc.getMetadata().getName();
    Map<String, String> data = new LinkedHashMap<>();
    List<MiniClusterContainer> containers = mc.getSpec().containers;
    List<Integer> runners = EntrypointScripts.runnerIndexes(mc);
    for (int i = 0; i < containers.size(); i++) {
      if (runners.contains(i)) {
        data.put("wait-" + i, EntrypointScripts.runner(mc, i, maximumSize));
      } else if (!Boolean.TRUE.equals(containers.get(i).noWrapEntrypoint)) {
        data.put("start-" + i, EntrypointScripts.sidecar(mc, i));
      }
    }
    data.put(INIT_KEY, EntrypointScripts.init(mc, maximumSize));
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(MiniClusterNames.entrypointConfigMap(name))
        .withNamespace(mc.getMetadata().getNamespace())
        .withLabels(MiniClusterNames.labels(name, "entrypoint"))
        .withOwnerReferences(OwnerReferences.controllerOf(mc))
        .endMetadata()
        .withData(data)
        .build();
  }

  /**
   * The shared CURVE certificate. {@code certificate} is the user's (spec.flux.curveCert), the one
   * already stored, or a newly generated one: the key pair must stay the same for the cluster's
   * life.
   */
  public static Secret curve(MiniCluster mc, String certificate) {
    String name = mc.getMetadata().getName();
    return new SecretBuilder()
        .withNewMetadata()
        .withName(MiniClusterNames.curveSecret(name))
        .withNamespace(mc.getMetadata().getNamespace())
        .withLabels(MiniClusterNames.labels(name, "curve"))
        .withOwnerReferences(OwnerReferences.controllerOf(mc))
        .endMetadata()
        .withType("Opaque")
        .withData(
            Map.of(
                CURVE_KEY,
                Base64.getEncoder().encodeToString(certificate.getBytes(StandardCharsets.UTF_8))))
        .build();
  }

  /**
   * The Service ranks resolve each other through. Headless, and publishing not-ready addresses so a
   * worker finds the leader before the leader's pod is ready (kubernetes/kubernetes#117819).
   */
  public static Service rankService(MiniCluster mc) {
    String name = mc.getMetadata().getName();
    Map<String, String> selector = new LinkedHashMap<>(MiniClusterNames.rankSelector(name));
    ServiceBuilder service =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(MiniClusterNames.headlessService(mc))
            .withNamespace(mc.getMetadata().getNamespace())
            .withLabels(MiniClusterNames.labels(name, "ranks"))
            .withOwnerReferences(OwnerReferences.controllerOf(mc))
            .endMetadata();
    if (Boolean.TRUE.equals(mc.getSpec().fluxOrDefault().minimalService)) {
      selector.put(MiniClusterNames.COMPLETION_INDEX, "0");
      return service
          .withNewSpec()
          .withSelector(selector)
          .withPublishNotReadyAddresses(true)
          .withPorts(tcp("broker", MiniClusterNames.BROKER_PORT))
          .endSpec()
          .build();
    }
    return service
        .withNewSpec()
        .withClusterIP("None")
        .withSelector(selector)
        .withPublishNotReadyAddresses(true)
        .endSpec()
        .build();
  }

  /** One Service per container that does not run Flux and has ports, named after the container. */
  public static List<Service> containerServices(MiniCluster mc) {
    String name = mc.getMetadata().getName();
    List<Integer> runners = EntrypointScripts.runnerIndexes(mc);
    List<Service> services = new ArrayList<>();
    for (int i = 0; i < mc.getSpec().containers.size(); i++) {
      MiniClusterContainer c = mc.getSpec().containers.get(i);
      if (runners.contains(i) || c.ports == null || c.ports.isEmpty()) {
        continue;
      }
      services.add(
          new ServiceBuilder()
              .withNewMetadata()
              .withName(c.name)
              .withNamespace(mc.getMetadata().getNamespace())
              .withLabels(MiniClusterNames.labels(name, "container-service"))
              .withOwnerReferences(OwnerReferences.controllerOf(mc))
              .endMetadata()
              .withNewSpec()
              .withSelector(MiniClusterNames.rankSelector(name))
              .withPorts(c.ports.stream().map(p -> tcp("port-" + p, p)).toList())
              .endSpec()
              .build());
    }
    return services;
  }

  private static ServicePort tcp(String portName, int port) {
    return new ServicePortBuilder()
        .withName(portName)
        .withPort(port)
        .withNewTargetPort(port)
        .withProtocol("TCP")
        .build();
  }
}
