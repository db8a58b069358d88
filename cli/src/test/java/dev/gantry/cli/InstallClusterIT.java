package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.operator.relations.WebhookRegistration;
import dev.gantry.operator.runtime.OperatorOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.FileInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real-cluster tier (./mvnw verify -Pcluster) for `gantry install --image`: the operator from
 * the Gantry image, in the cluster, as deploy/ describes it — two replicas with leader election on
 * a Lease, the webhook called by the API server through its Service, a Provision applied under the
 * least-privilege RBAC. The node must already have the image (`-Dgantry.cluster.operatorImage`, for
 * example gantry:0.1.0-SNAPSHOT imported with `ctr -n k8s.io images import
 * image/target/gantry-image.tar`); without it, or without a cluster, the test fails: the tier was
 * asked for.
 */
class InstallClusterIT {
  static final String SYSTEM = "gantry-system";
  static final String NS = "gantry-cluster-install";
  static final String IMAGE = System.getProperty("gantry.cluster.operatorImage", "");
  static KubernetesClient client;

  @BeforeAll
  static void connect() {
    if (IMAGE.isBlank()) {
      throw new AssertionError(
          "the install test needs -Dgantry.cluster.operatorImage: an image the node has (for"
              + " example gantry:0.1.0-SNAPSHOT, imported with ctr -n k8s.io images import"
              + " image/target/gantry-image.tar)");
    }
    KubernetesClient c = new KubernetesClientBuilder().build();
    try {
      c.getKubernetesVersion();
      client = c;
    } catch (RuntimeException e) {
      c.close();
      throw new AssertionError(
          "the real-cluster tier was asked for (-Pcluster), but no cluster answers at the"
              + " current kube context: "
              + e.getMessage(),
          e);
    }
  }

  @AfterAll
  static void uninstall() {
    if (client == null) {
      return;
    }
    // The test namespace first, while the operator runs: its Provision skips the destroy and the
    // operator lets it and its claim go. Without the operator their finalizers would hold it.
    client.namespaces().withName(NS).delete();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> client.namespaces().withName(NS).get() == null);
    for (HasMetadata item : Manifests.operator()) {
      if (item.getMetadata().getNamespace() == null) {
        client.resource(item).delete(); // gantry-system and the cluster-scoped RBAC
      }
    }
    // failurePolicy Fail: a registration left behind would block pod writes in labelled namespaces
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName(WebhookRegistration.NAME)
        .delete();
    client.persistentVolumes().withName("gantry-install-test-hello-deliverables").delete();
    client.persistentVolumes().withName("gantry-install-test-gated-deliverables").delete();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> client.namespaces().withName(SYSTEM).get() == null);
    client.close();
  }

  @Test
  void theInstalledOperatorRunsFromItsImageServesTheWebhookAndAppliesAProvision() throws Exception {
    StringWriter out = new StringWriter();
    var cli = GantryCli.commandLine(new KubeClients());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    assertThat(cli.execute("install", "--image", IMAGE)).as(out.toString()).isZero();
    assertThat(out.toString()).contains("deployment/gantry-operator");

    // both replicas ready, one of them holding the Lease
    await("two ready replicas")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              var d =
                  client.apps().deployments().inNamespace(SYSTEM).withName("gantry-operator").get();
              return d != null
                  && d.getStatus() != null
                  && Integer.valueOf(2).equals(d.getStatus().getReadyReplicas());
            });
    await("a leader")
        .atMost(Duration.ofMinutes(1))
        .until(
            () -> {
              var lease =
                  client.leases().inNamespace(SYSTEM).withName(OperatorOptions.LEASE_NAME).get();
              return lease != null && lease.getSpec().getHolderIdentity() != null;
            });

    // the API server calls the in-cluster webhook through its Service
    client
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(NS)
                .addToLabels("tengu-injector", "enabled")
                .endMetadata()
                .build())
        .createOr(r -> r.update());
    try (var in =
        new FileInputStream(Path.of("..", "examples", "relations", "providers.yaml").toFile())) {
      for (HasMetadata p : client.load(in).items()) {
        p.getMetadata().setNamespace(NS);
        client.resource(p).createOr(r -> r.update());
      }
    }
    await("the webhook registered by Service")
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> {
              var w =
                  client
                      .admissionRegistration()
                      .v1()
                      .mutatingWebhookConfigurations()
                      .withName(WebhookRegistration.NAME)
                      .get();
              return w != null && w.getWebhooks().get(0).getClientConfig().getService() != null;
            });
    Pod consumer =
        new PodBuilder()
            .withNewMetadata()
            .withName("consumer")
            .withNamespace(NS)
            .addToAnnotations("tengu.io/consumes", "sse,db")
            .addToAnnotations("tengu.io/relations", "sse-endpoint,db-endpoint")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("busybox:1.36")
            .withCommand("sleep", "1")
            .endContainer()
            .endSpec()
            .build();
    // the providers reach the operator's cache a moment after they are created
    await("the pod injected by the in-cluster webhook")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                client
                    .resource(consumer)
                    .dryRun()
                    .create()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .getEnv()
                    .stream()
                    .anyMatch(e -> e.getName().equals("SSE")));

    // a Provision applied by the in-cluster operator under its RBAC
    Provision hello;
    try (var in =
        new FileInputStream(
            Path.of("..", "examples", "provision", "hello", "provision.yaml").toFile())) {
      hello = client.resources(Provision.class).load(in).item();
    }
    hello.getMetadata().setNamespace(NS);
    hello.getMetadata().setAnnotations(Map.of(Provision.SKIP_DESTROY_ANNOTATION, "true"));
    staticVolume("hello-deliverables");
    client.resource(hello).create();
    await("the hello Provision Ready")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () -> {
              Provision p =
                  client.resources(Provision.class).inNamespace(NS).withName("hello").get();
              return p.getStatus() != null && p.getStatus().phase == ProvisionStatus.Phase.Ready;
            });
    // its apply's output, read off the volume by the CLI
    Gantry logs = gantry("logs", "provision/hello", "--run", "1-1", "-n", NS);
    assertThat(logs.exit).as(logs.output).isZero();
    assertThat(logs.output).contains("# gantry: apply run 1-1", "apply complete");

    // a user's approval journey with the CLI, against the operator in the cluster
    staticVolume("gated-deliverables");
    Path example = Path.of("..", "examples", "provision", "approval", "provision.yaml");
    assertThat(gantry("apply", "-f", example.toString(), "-n", NS).exit).isZero();
    Gantry planned = gantry("wait", "provision/gated", "--for=planned", "--timeout=3m", "-n", NS);
    assertThat(planned.exit).as(planned.output).isZero();
    Gantry plan = gantry("plan", "provision/gated", "-n", NS);
    assertThat(plan.exit).as(plan.output).isZero();
    assertThat(plan.output).contains("+2 ~0 -0", "node 0 will be created", "Plan: 2 to add");
    Gantry approve = gantry("approve", "provision/gated", "-n", NS);
    assertThat(approve.exit).as(approve.output).isZero();
    Gantry ready = gantry("wait", "provision/gated", "--for=ready", "--timeout=3m", "-n", NS);
    assertThat(ready.exit).as(ready.output).isZero();
    var outputs = client.secrets().inNamespace(NS).withName("gated-outputs").get();
    assertThat(outputs.getData()).containsKeys("cluster_url", "node_count", "kubeconfig");
    Gantry describe = gantry("describe", "provision/gated", "-n", NS);
    assertThat(describe.output).contains("Approved:   yes", "Secret gated-outputs");
    Gantry delete = gantry("delete", "provision/gated", "--wait", "--timeout=3m", "-n", NS);
    assertThat(delete.exit).as(delete.output).isZero();
  }

  record Gantry(int exit, String output) {}

  static Gantry gantry(String... args) {
    StringWriter out = new StringWriter();
    var cli = GantryCli.commandLine(new KubeClients());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    int exit = cli.execute(GlobalFlags.afterCommand(args));
    return new Gantry(exit, out.toString());
  }

  /** A hostPath volume bound to the claim in advance, for clusters with no default StorageClass. */
  static void staticVolume(String claim) {
    boolean defaultClass =
        client.storage().v1().storageClasses().list().getItems().stream()
            .anyMatch(
                sc ->
                    sc.getMetadata().getAnnotations() != null
                        && "true"
                            .equals(
                                sc.getMetadata()
                                    .getAnnotations()
                                    .get("storageclass.kubernetes.io/is-default-class")));
    if (defaultClass) {
      return;
    }
    client
        .resource(
            new PersistentVolumeBuilder()
                .withNewMetadata()
                .withName("gantry-install-test-" + claim)
                .endMetadata()
                .withNewSpec()
                .withCapacity(Map.of("storage", new Quantity("64Mi")))
                .withAccessModes("ReadWriteOnce")
                .withPersistentVolumeReclaimPolicy("Retain")
                .withNewHostPath()
                .withPath("/tmp/gantry-install-test-" + claim + "-" + System.nanoTime())
                .withType("DirectoryOrCreate")
                .endHostPath()
                .withNewClaimRef()
                .withNamespace(NS)
                .withName(claim)
                .endClaimRef()
                .endSpec()
                .build())
        .createOr(r -> r.update());
  }
}
