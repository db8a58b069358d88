package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.relations.Relation;
import dev.gantry.api.relations.RelationStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class RelationCommandsIT {
  static KubernetesClient client;
  static final String EXAMPLES = Path.of("..", "examples", "relations").toString();

  @BeforeEach
  void setUp() {
    for (var crd : Manifests.crds()) {
      client.resource(crd).createOr(r -> r.update());
    }
  }

  @Test
  void getRelationsListsResourcesAndAnnotationDeclaredRelationsTogether() {
    CliHarness.run(
        client,
        "apply",
        "-f",
        Path.of(EXAMPLES, "sleep-deployment.yaml").toString(),
        "-n",
        "k8s-tengu-test");
    CliHarness.run(
        client, "apply", "-f", Path.of(EXAMPLES, "relation-with-credentials.yaml").toString());
    client
        .apps()
        .deployments()
        .inNamespace("k8s-tengu-test")
        .withName("sleep")
        .edit(
            d -> {
              d.getMetadata()
                  .getAnnotations()
                  .put(Relation.STATUS_ANNOTATION, "waiting for: Service sse-endpoint (not found)");
              return d;
            });
    client
        .resources(Relation.class)
        .inNamespace("k8s-tengu-test")
        .withName("web-db")
        .editStatus(
            r -> {
              r.setStatus(new RelationStatus());
              r.getStatus().consumers = List.of("Deployment/web");
              r.getStatus().endpoint = new RelationStatus.Endpoint();
              r.getStatus().endpoint.url = "tcp://postgres.k8s-tengu-test.svc.cluster.local:5432";
              r.getStatus().conditions =
                  List.of(
                      new ConditionBuilder()
                          .withType("Ready")
                          .withStatus("True")
                          .withReason("Bound")
                          .withMessage("bound")
                          .withLastTransitionTime("2026-01-01T00:00:00Z")
                          .build());
              return r;
            });

    CliHarness get =
        CliHarness.run(client, "get", "relations", "-n", "k8s-tengu-test", "-o", "wide");
    assertThat(get.exitCode).as(get.err()).isZero();
    assertThat(get.out())
        .containsPattern("web-db\\s+Relation\\s+Deployment/web\\s+db\\s+Service/postgres\\s+True")
        .containsPattern(
            "sleep\\s+annotations\\s+Deployment/sleep\\s+sse,db\\s+sse-endpoint,db-endpoint\\s+False")
        .contains("waiting for: Service sse-endpoint (not found)");

    CliHarness declared =
        CliHarness.run(client, "describe", "relation/sleep", "-n", "k8s-tengu-test");
    assertThat(declared.out())
        .contains("declared with annotations")
        .contains("Consumes:     sse,db")
        .contains("Status:       waiting for: Service sse-endpoint (not found)");

    CliHarness explicit =
        CliHarness.run(client, "describe", "relation/web-db", "-n", "k8s-tengu-test");
    assertThat(explicit.out())
        .contains("Interface:    db")
        .contains("credentials from Secret db-credentials")
        .contains("Endpoint:     tcp://postgres.k8s-tengu-test.svc.cluster.local:5432")
        .contains("Bound to:     Deployment/web");
  }

  @Test
  void statefulSetsAndDaemonSetsThatDeclareRelationsAreListedAndDescribed() {
    CliHarness.run(client, "apply", "-f", Path.of(EXAMPLES, "workload-kinds.yaml").toString());
    client
        .apps()
        .statefulSets()
        .inNamespace("k8s-tengu-test")
        .withName("queue")
        .edit(
            s -> {
              s.getMetadata()
                  .getAnnotations()
                  .put(Relation.STATUS_ANNOTATION, "resolved: sse=sse-endpoint");
              return s;
            });

    CliHarness get = CliHarness.run(client, "get", "relations", "-n", "k8s-tengu-test");
    assertThat(get.exitCode).as(get.err()).isZero();
    assertThat(get.out())
        .containsPattern(
            "queue\\s+annotations\\s+StatefulSet/queue\\s+sse\\s+sse-endpoint\\s+True");

    CliHarness describe =
        CliHarness.run(client, "describe", "relation/queue", "-n", "k8s-tengu-test");
    assertThat(describe.exitCode).as(describe.err()).isZero();
    assertThat(describe.out())
        .contains("Consumer:     StatefulSet queue")
        .contains("Status:       resolved: sse=sse-endpoint");
  }
}
