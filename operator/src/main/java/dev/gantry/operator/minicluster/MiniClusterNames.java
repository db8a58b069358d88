package dev.gantry.operator.minicluster;

import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.operator.kube.ManagedLabels;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names and labels of a MiniCluster's children, shared by the operator, status, tests and CLI. */
public final class MiniClusterNames {
  public static final String OWNER_LABEL = "gantry.dev/minicluster";

  /** The Flux Operator's selector label, which the scale subresource reports. */
  public static final String HPA_SELECTOR = "hpa-selector";

  public static final String APP_NAME = "app.kubernetes.io/name";

  /** Set by Kubernetes on the pods of an indexed Job. */
  public static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

  public static final String ENTRYPOINT_DIR = "/flux_operator";
  public static final int BROKER_PORT = 8050;

  private MiniClusterNames() {}

  public static String job(String name) {
    return name;
  }

  public static String entrypointConfigMap(String name) {
    return name + "-entrypoint";
  }

  public static String curveSecret(String name) {
    return name + "-curve";
  }

  public static String headlessService(MiniCluster mc) {
    String configured = mc.getSpec().networkOrDefault().headlessName;
    return configured == null ? mc.getMetadata().getName() : configured;
  }

  public static String host(String name, int rank) {
    return name + "-" + rank;
  }

  /** The Flux runner container is named after the MiniCluster, as in the Flux Operator. */
  public static String runnerContainer(String name) {
    return name;
  }

  public static String selector(String name) {
    return HPA_SELECTOR + "=" + name;
  }

  public static Map<String, String> labels(String name, String component) {
    return ManagedLabels.of(OWNER_LABEL, name, component);
  }

  /** Labels of every rank's pod: Gantry's, the Flux Operator's, and the user's. */
  public static Map<String, String> podLabels(MiniCluster mc) {
    String name = mc.getMetadata().getName();
    Map<String, String> labels = new LinkedHashMap<>();
    if (mc.getSpec().podOrDefault().labels != null) {
      labels.putAll(mc.getSpec().podOrDefault().labels);
    }
    labels.putAll(labels(name, "rank"));
    labels.put(APP_NAME, name);
    labels.put(HPA_SELECTOR, name);
    labels.put("namespace", mc.getMetadata().getNamespace());
    labels.put("app", "flux-operator");
    return labels;
  }

  /** Selects exactly this MiniCluster's rank pods. */
  public static Map<String, String> rankSelector(String name) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(OWNER_LABEL, name);
    selector.put(HPA_SELECTOR, name);
    return selector;
  }

  public static String informerSelector() {
    return ManagedLabels.selector(OWNER_LABEL);
  }
}
