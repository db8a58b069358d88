package dev.gantry.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Makes Kubernetes clients from the kubeconfig, the way kubectl finds it. */
public class KubeClients {
  /** A client for {@code context}, or the current context when null. */
  public KubernetesClient forContext(String context) {
    return new KubernetesClientBuilder().withConfig(Config.autoConfigure(context)).build();
  }
}
