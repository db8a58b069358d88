package dev.gantry.cli;

import dev.gantry.api.provision.Provision;
import dev.gantry.operator.provision.DeliverablesFetchPod;
import dev.gantry.operator.provision.ProvisionNames;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reaches a Provision's deliverables volume from the CLI: through the apply pod's deliverables
 * sidecar while it runs, otherwise through a short-lived pod that mounts the volume read-only and
 * is removed afterwards.
 */
final class DeliverablesVolume {
  /** A container that has the volume mounted at {@link #mountPath}. */
  record Mounted(String pod, String container, String mountPath) {}

  interface Use<T> {
    T with(Mounted mounted) throws Exception;
  }

  private final KubernetesClient client;
  private final String namespace;
  private final Provision provision;
  private final String toolsImage;
  private final String timeout;
  private final PrintWriter err;

  DeliverablesVolume(
      KubernetesClient client,
      String namespace,
      Provision provision,
      String toolsImage,
      String timeout,
      PrintWriter err) {
    this.client = client;
    this.namespace = namespace;
    this.provision = provision;
    this.toolsImage = toolsImage;
    this.timeout = timeout;
    this.err = err;
  }

  <T> T use(Use<T> use) throws Exception {
    String name = provision.getMetadata().getName();
    String mountPath = provision.getSpec().deliverablesOrDefault().mountPathOrDefault();
    Optional<Pod> applyPod =
        RunPods.newest(client, namespace, ProvisionNames.applyJob(name))
            .filter(pod -> RunPods.containerRunning(pod, ProvisionNames.DELIVERABLES_CONTAINER));
    if (applyPod.isPresent()) {
      return use.with(
          new Mounted(
              applyPod.get().getMetadata().getName(),
              ProvisionNames.DELIVERABLES_CONTAINER,
              mountPath));
    }
    Pod desired = DeliverablesFetchPod.desired(provision, toolsImage);
    String pod = desired.getMetadata().getName();
    client.pods().inNamespace(namespace).withName(pod).delete();
    client
        .pods()
        .inNamespace(namespace)
        .withName(pod)
        .waitUntilCondition(p -> p == null, 1, TimeUnit.MINUTES);
    client.pods().inNamespace(namespace).resource(desired).create();
    try {
      awaitRunning(pod);
      return use.with(new Mounted(pod, DeliverablesFetchPod.CONTAINER, mountPath));
    } finally {
      client.pods().inNamespace(namespace).withName(pod).delete();
    }
  }

  private void awaitRunning(String name) throws InterruptedException {
    Progress progress = new Progress(err, System.console() != null);
    Instant deadline = Instant.now().plus(Durations.parse(timeout));
    while (true) {
      Pod pod = client.pods().inNamespace(namespace).withName(name).get();
      if (pod != null && RunPods.containerRunning(pod, DeliverablesFetchPod.CONTAINER)) {
        progress.done();
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        progress.done();
        throw new UserError(
            "pod "
                + name
                + " did not start within "
                + timeout
                + ": "
                + whyPending(pod)
                + " (a ReadWriteOnce volume can only be mounted on the node that holds it)");
      }
      progress.show(
          "starting pod "
              + name
              + " to read claim "
              + ProvisionNames.deliverablesClaim(provision.getMetadata().getName()));
      Thread.sleep(Duration.ofSeconds(1).toMillis());
    }
  }

  private static String whyPending(Pod pod) {
    if (pod == null || pod.getStatus() == null) {
      return "not created";
    }
    if (pod.getStatus().getConditions() != null) {
      for (var c : pod.getStatus().getConditions()) {
        if ("False".equals(c.getStatus()) && c.getMessage() != null) {
          return c.getReason() + ": " + c.getMessage();
        }
      }
    }
    return "phase " + pod.getStatus().getPhase();
  }
}
