package dev.gantry.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Makes Kubernetes clients from the kubeconfig, the way kubectl finds it. A command's client gives
 * up within seconds when the server does not answer (the client library's defaults retry for about
 * 20 s, right for the long-running operator and wrong for a user waiting at a prompt).
 */
public class KubeClients {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private volatile String server;

  /** A command's client for {@code context}, or the current context when null. */
  public KubernetesClient forContext(String context) {
    return forContext(context, REQUEST_TIMEOUT);
  }

  /** A command's client whose every request ends within {@code limit} (`wait --timeout`). */
  public KubernetesClient forContext(String context, Duration limit) {
    Config config = load(context);
    long cap = Math.max(1, limit.toMillis());
    config.setConnectionTimeout((int) Math.min(CONNECT_TIMEOUT.toMillis(), cap));
    config.setRequestTimeout((int) Math.min(REQUEST_TIMEOUT.toMillis(), cap));
    // one quick retry for a blip; a server that is not there fails now
    config.setRequestRetryBackoffLimit(1);
    config.setRequestRetryBackoffInterval(200);
    return build(config);
  }

  /** The operator's client: the library's retries, since it runs for as long as the cluster. */
  public KubernetesClient forOperator(String context) {
    return build(load(context));
  }

  /** The API server of the last client made, for messages about reaching it. */
  public Optional<String> server() {
    return Optional.ofNullable(server);
  }

  private KubernetesClient build(Config config) {
    server = config.getMasterUrl();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  static Config load(String context) {
    try {
      return Config.autoConfigure(context);
    } catch (RuntimeException e) {
      throw new UserError(
          "cannot read the kubeconfig "
              + kubeconfigName()
              + ": "
              + firstLine(Errors.describe(e))
              + "\nFix the file, or point KUBECONFIG at a valid one.");
    }
  }

  /** The file(s) read, in the client library's order: -Dkubeconfig, KUBECONFIG, ~/.kube/config. */
  static String kubeconfigName() {
    String property = System.getProperty("kubeconfig");
    if (property != null && !property.isBlank()) {
      return property;
    }
    String env = System.getenv("KUBECONFIG");
    if (env != null && !env.isBlank()) {
      return env + " (KUBECONFIG)";
    }
    return Path.of(System.getProperty("user.home"), ".kube", "config").toString();
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
