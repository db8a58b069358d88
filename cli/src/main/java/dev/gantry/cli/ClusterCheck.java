package dev.gantry.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tells the user plainly when no cluster can be reached, and what Gantry needs instead. */
final class ClusterCheck {
  private ClusterCheck() {}

  /** Checks with a command's client, which fails in seconds, not the operator's, which retries. */
  static void requireReachable(KubeClients clients, String context) {
    try (KubernetesClient probe = clients.forContext(context)) {
      requireReachable(probe);
    }
  }

  static void requireReachable(KubernetesClient client) {
    try {
      client.getKubernetesVersion();
    } catch (RuntimeException e) {
      String kubeconfig = System.getenv("KUBECONFIG");
      boolean haveConfig =
          kubeconfig != null
              || Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config"));
      throw new UserError(
          "no Kubernetes cluster is reachable at "
              + client.getMasterUrl()
              + " ("
              + Errors.describe(e)
              + ").\n"
              + (haveConfig
                  ? "Check the current context (kubectl config current-context) and that the cluster is up."
                  : "No kubeconfig was found: set KUBECONFIG or create ~/.kube/config.")
              + "\nGantry's operator needs a cluster: start one (for example `kind create cluster` or"
              + " `minikube start`), then run this again.",
          2);
    }
  }
}
