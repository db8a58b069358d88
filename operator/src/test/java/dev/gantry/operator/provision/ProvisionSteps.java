package dev.gantry.operator.provision;

import static org.awaitility.Awaitility.await;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.operator.testing.SimulatedCluster;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.function.Consumer;

/** What the Provision tests on the mock server do and wait for, in namespace default. */
abstract class ProvisionSteps {
  static final String NS = "default";
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  abstract KubernetesClient client();

  abstract SimulatedCluster cluster();

  Provision get(String name) {
    return client().resources(Provision.class).inNamespace(NS).withName(name).get();
  }

  /** Edits a Provision, again on a conflict with the operator's own writes (as kubectl edit). */
  void edit(String name, Consumer<Provision> change) {
    await()
        .atMost(TIMEOUT)
        .ignoreExceptionsMatching(
            e -> e instanceof KubernetesClientException k && k.getCode() == 409)
        .until(
            () -> {
              client()
                  .resources(Provision.class)
                  .inNamespace(NS)
                  .withName(name)
                  .edit(
                      p -> {
                        change.accept(p);
                        return p;
                      });
              return true;
            });
  }

  Job awaitJob(String name) {
    await().atMost(TIMEOUT).until(() -> cluster().job(NS, name) != null);
    return cluster().job(NS, name);
  }

  /** A Job of that name other than {@code old}: its replacement. */
  Job awaitNewJob(String name, Job old) {
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              Job j = cluster().job(NS, name);
              return j != null && !j.getMetadata().getUid().equals(old.getMetadata().getUid());
            });
    return cluster().job(NS, name);
  }

  /** The phase, reported for the current generation. */
  Provision awaitPhase(String name, Phase phase) {
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              Provision p = get(name);
              return p != null
                  && p.getStatus() != null
                  && p.getStatus().phase == phase
                  && p.getMetadata().getGeneration().equals(p.getStatus().observedGeneration);
            });
    return get(name);
  }

  void awaitEvent(String reason) {
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client().v1().events().inNamespace(NS).list().getItems().stream()
                    .anyMatch(e -> reason.equals(e.getReason())));
  }
}
