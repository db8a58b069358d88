package dev.gantry.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Option;

/** The options every cluster command shares, with kubectl's names. */
public class KubeOptions {
  @Option(
      names = {"-n", "--namespace"},
      description = "Namespace (default: the context's namespace, else default).")
  String namespace;

  @Option(names = "--context", description = "Kube context to use (default: the current one).")
  String context;

  String namespace(KubernetesClient client) {
    if (namespace != null) {
      return namespace;
    }
    String fromContext = client.getNamespace();
    return fromContext == null ? "default" : fromContext;
  }
}
