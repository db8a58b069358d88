package dev.gantry.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.api.minicluster.MiniClusterStatus;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.api.relations.Relation;
import dev.gantry.operator.testing.OperatorHarness;
import dev.gantry.operator.testing.SimulatedCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A pass over a resource that is already as it should be writes nothing: no status, no child, no
 * Event. Every kind is converged, the operator restarted (which reconciles each resource once), and
 * the requests the mock server received in that pass are counted.
 */
@EnableKubernetesMockClient(crud = true)
class NoOpReconcileIT {
  static final String NS = "default";
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static KubernetesClient client;
  static KubernetesMockServer server;

  @Test
  void aRestartedOperatorReconcilesEveryKindOnceAndWritesNothing() throws Exception {
    OperatorHarness.installCrds(client);
    client
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(NS)
                .addToLabels("tengu-injector", "enabled")
                .endMetadata()
                .build())
        .createOr(r -> r.update());
    SimulatedCluster cluster = new SimulatedCluster(client);
    try (GantryOperator operator = OperatorHarness.start(client, -1)) {
      converge(cluster);
    }
    drainRequests();

    try (GantryOperator restarted = OperatorHarness.start(client, -1)) {
      // The pass this test is about: each controller has reconciled what it owns, once at least.
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  passes(restarted, "provision") >= 1
                      && passes(restarted, "minicluster") >= 1
                      && passes(restarted, "relations") >= 1
                      && passes(restarted, "relation") >= 1);
      List<String> writes = writesSoFar();
      assertThat(writes)
          .as("requests that change something, in a pass that has nothing to do")
          .isEmpty();
    }
  }

  private void converge(SimulatedCluster cluster) throws Exception {
    // A Provision applied, its run ended.
    Provision p = new Provision();
    p.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("quiet")
            .withNamespace(NS)
            .build());
    p.setSpec(new dev.gantry.api.provision.ProvisionSpec());
    p.getSpec().image = "ez-rancher:latest";
    p.getSpec().variables = new dev.gantry.api.provision.VariablesSpec();
    p.getSpec().variables.inline = "n = 1\n";
    client.resource(p).create();
    await().atMost(TIMEOUT).until(() -> cluster.job(NS, "apply-quiet") != null);
    Job apply = cluster.job(NS, "apply-quiet");
    var pod = cluster.startPod(apply);
    cluster.containerExited(pod, "apply-quiet", 0, "gantry-deliverables/v1 0\n");
    cluster.containerExited(pod, "deliverables", 0, null);
    cluster.jobSucceeded(apply);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              Provision q =
                  client.resources(Provision.class).inNamespace(NS).withName("quiet").get();
              return q.getStatus() != null && q.getStatus().phase == ProvisionStatus.Phase.Ready;
            });

    // A MiniCluster with every rank up.
    MiniCluster mc =
        Serialization.unmarshal(
            """
            apiVersion: flux-framework.org/v1alpha2
            kind: MiniCluster
            metadata: {name: still, namespace: default}
            spec:
              size: 2
              containers:
                - {image: ubuntu:noble, command: echo hello}
            """,
            MiniCluster.class);
    client.resource(mc).create();
    await().atMost(TIMEOUT).until(() -> cluster.job(NS, "still") != null);
    Job ranks = cluster.job(NS, "still");
    cluster.startRank(ranks, 0);
    cluster.startRank(ranks, 1);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              MiniCluster m =
                  client.resources(MiniCluster.class).inNamespace(NS).withName("still").get();
              return m.getStatus() != null
                  && m.getStatus().phase == MiniClusterStatus.Phase.Running;
            });

    // A consumer injected from its provider, and a Relation bound.
    client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("db")
                .withNamespace(NS)
                .addToLabels(Relation.PROVIDES_LABEL, "db")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("db")
                .withPort(5432)
                .endPort()
                .endSpec()
                .build())
        .create();
    Deployment web =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace(NS)
            .endMetadata()
            .withNewSpec()
            .withNewSelector()
            .addToMatchLabels("app", "web")
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "web")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("web")
            .withImage("busybox:1.36")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    client.resource(web).create();
    Relation relation =
        Serialization.unmarshal(
            """
            apiVersion: gantry.dev/v1alpha1
            kind: Relation
            metadata: {name: web-db, namespace: default}
            spec:
              interface: db
              consumer: {name: web}
              provider: {service: db}
            """,
            Relation.class);
    client.resource(relation).create();
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              Relation r =
                  client.resources(Relation.class).inNamespace(NS).withName("web-db").get();
              Deployment d = client.apps().deployments().inNamespace(NS).withName("web").get();
              // One source of injection (the Relation), so once resolved nothing is left to do.
              return r.getStatus() != null
                  && r.getStatus().consumers != null
                  && r.getStatus().consumers.contains("Deployment/web")
                  && d.getMetadata().getAnnotations() != null
                  && d.getMetadata()
                      .getAnnotations()
                      .getOrDefault(Relation.STATUS_ANNOTATION, "")
                      .startsWith("resolved");
            });
  }

  /** Reconciliations a controller finished, from the operator's own metrics. */
  static double passes(GantryOperator operator, String controller) {
    return operator.registry().getMeters().stream()
        .filter(
            m -> m.getId().getName().equals("operator.sdk.controllers.execution.reconcile.success"))
        .filter(m -> controller.equals(m.getId().getTag("controller")))
        .mapToDouble(m -> m.measure().iterator().next().getValue())
        .sum();
  }

  private static void drainRequests() throws InterruptedException {
    while (server.takeRequest(200, TimeUnit.MILLISECONDS) != null) {
      // what the convergence wrote is not this test's business
    }
  }

  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  private static List<String> writesSoFar() throws InterruptedException {
    List<String> writes = new ArrayList<>();
    for (RecordedRequest r = server.takeRequest(200, TimeUnit.MILLISECONDS);
        r != null;
        r = server.takeRequest(200, TimeUnit.MILLISECONDS)) {
      if (WRITES.contains(r.getMethod())) {
        writes.add(r.getMethod() + " " + r.getPath());
      }
    }
    return writes;
  }
}
