package dev.gantry.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Streams a Provision's destroy output while {@code delete --wait} waits. The destroy Job goes with
 * the Provision (its finished pod would otherwise keep the state's claim from being deleted), so
 * following it while it runs is how its output reaches the user.
 */
final class DestroyOutput {
  private DestroyOutput() {}

  /** Starts following in the background; the thread ends when the log does or at the deadline. */
  static Thread follow(
      KubernetesClient client, String namespace, String name, PrintWriter out, Duration limit) {
    KindView.LogSource source = ResourceKind.PROVISION.view.logSource(name, true);
    Thread t =
        new Thread(
            () -> {
              Instant deadline = Instant.now().plus(limit);
              try {
                Optional<Pod> pod = Optional.empty();
                while (Instant.now().isBefore(deadline)) {
                  pod = RunPods.newest(client, namespace, source.selector());
                  if (pod.isPresent() && RunPods.containerStarted(pod.get(), source.container())) {
                    break;
                  }
                  if (client
                          .resources(ResourceKind.PROVISION.view.type())
                          .inNamespace(namespace)
                          .withName(name)
                          .get()
                      == null) {
                    return;
                  }
                  Thread.sleep(1000);
                }
                if (pod.isEmpty()) {
                  return;
                }
                try (var watch =
                    client
                        .pods()
                        .inNamespace(namespace)
                        .withName(pod.get().getMetadata().getName())
                        .inContainer(source.container())
                        .watchLog(new WriterStream(out))) {
                  watch.onClose().toCompletableFuture().join();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                // The pod went with the Provision before the stream ended: nothing more to show.
              }
            },
            "gantry-destroy-output");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
