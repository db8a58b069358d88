package dev.gantry.operator.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.provision.DeliverablesSpec;
import dev.gantry.api.provision.KeyReference;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionSpec;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.api.provision.VariablesSpec;
import dev.gantry.operator.provision.ProvisionSettings;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.runtime.OperatorOptions;
import dev.gantry.operator.testing.OperatorHarness;
import dev.gantry.operator.testing.SimulatedCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.FileInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * deploy/rbac.yaml grants exactly what the operator uses: every request the operator makes in a
 * full set of scenarios is allowed by it, and every verb it grants is used.
 */
class RbacCoversTheOperatorIT {
  static final String AGENT = "gantry-operator-under-rbac-test";
  static final String NS = "default";

  final Set<String> used = ConcurrentHashMap.newKeySet();

  /** Requests made as another user (a Stack's ServiceAccount): "user group/resource:verb". */
  final Set<String> impersonated = ConcurrentHashMap.newKeySet();

  KubernetesMockServer server;
  KubernetesClient cluster;
  KubernetesClient operatorClient;

  @BeforeEach
  void start() throws Exception {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses) {
              @Override
              public MockResponse dispatch(RecordedRequest request) {
                if (AGENT.equals(request.getHeader("User-Agent"))) {
                  String as = request.getHeader("Impersonate-User");
                  if (as == null) {
                    permission(request).ifPresent(used::add);
                  } else {
                    // Authorized as that user; the operator needs only the right to impersonate.
                    used.add("/serviceaccounts:impersonate");
                    permission(request).ifPresent(p -> impersonated.add(as + " " + p));
                  }
                }
                return super.dispatch(request);
              }
            },
            false);
    server.init();
    OperatorHarness.answerLeaseReview(server);
    cluster = server.createClient();
    OperatorHarness.installCrds(cluster);
    operatorClient =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder(cluster.getConfiguration()).withUserAgent(AGENT).build())
            .build();
  }

  @AfterEach
  void stop() {
    operatorClient.close();
    cluster.close();
    server.destroy();
  }

  @Test
  void everyRequestOfTheOperatorIsGrantedAndEveryGrantIsUsed() throws Exception {
    int webhookPort;
    try (var socket = new java.net.ServerSocket(0)) {
      webhookPort = socket.getLocalPort();
    }
    OperatorOptions options =
        new OperatorOptions(
                Set.of(),
                true,
                NS,
                -1,
                new ProvisionSettings(ProvisionSettings.DEFAULT_TOOLS_IMAGE, Duration.ofSeconds(1)))
            .withWebhook(
                new dev.gantry.operator.relations.RelationsWebhook.Settings(
                    NS,
                    List.of("127.0.0.1"),
                    "127.0.0.1",
                    webhookPort,
                    dev.gantry.operator.relations.WebhookRegistration.Target.url(
                        "https://127.0.0.1:" + webhookPort),
                    dev.gantry.operator.relations.InjectionSettings.defaults()));
    SimulatedCluster sim = new SimulatedCluster(cluster);
    try (GantryOperator operator =
        new GantryOperator(operatorClient, options, Clock.systemUTC()).start()) {
      // Inline variables, changed once, volume retained on delete.
      Provision kept = provision("kept");
      kept.getSpec().variables = new VariablesSpec();
      kept.getSpec().variables.inline = "a = 1\n";
      kept.getSpec().deliverables = new DeliverablesSpec();
      kept.getSpec().deliverables.retainOnDelete = true;
      cluster.resource(kept).create();
      succeed(sim, awaitJob("apply-kept"), "apply-kept");
      awaitPhase("kept", Phase.Ready);
      editProvision(
          "kept",
          p -> {
            p.getSpec().variables.inline = "a = 2\n";
            return p;
          });
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                Job j = sim.job(NS, "apply-kept");
                return j != null
                    && "2".equals(j.getMetadata().getAnnotations().get("gantry.dev/generation"));
              });
      succeed(sim, sim.job(NS, "apply-kept"), "apply-kept");
      awaitPhase("kept", Phase.Ready);
      cluster.resources(Provision.class).inNamespace(NS).withName("kept").delete();
      succeed(sim, awaitJob("destroy-kept"), "destroy-kept");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  cluster.resources(Provision.class).inNamespace(NS).withName("kept").get()
                      == null);
      assertThat(
              cluster
                  .persistentVolumeClaims()
                  .inNamespace(NS)
                  .withName("kept-deliverables")
                  .get()
                  .getMetadata()
                  .getOwnerReferences())
          .isNullOrEmpty();

      // Outputs: read by exec into the apply pod's sidecar (the mock cannot exec, so the read is
      // retried); once that pod has ended unread, through a reader pod, replaced when it ends.
      Provision published = provision("published");
      published.getSpec().outputs = new dev.gantry.api.provision.OutputsSpec();
      published.getSpec().outputs.files =
          List.of(new dev.gantry.api.provision.OutputFile("kubeconfig", null));
      cluster.resource(published).create();
      Job publishedJob = awaitJob("apply-published");
      var publishedPod = sim.startPod(publishedJob);
      sim.containerExited(
          publishedPod,
          "apply-published",
          0,
          "gantry-deliverables/v1 1\n12 " + "a".repeat(64) + " kubeconfig\n");
      await().atMost(Duration.ofSeconds(20)).until(() -> used.contains("/pods/exec:get"));
      sim.containerExited(publishedPod, "deliverables", 0, null);
      sim.jobSucceeded(publishedJob);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> cluster.pods().inNamespace(NS).withName("outputs-published").get() != null);
      cluster
          .pods()
          .inNamespace(NS)
          .withName("outputs-published")
          .editStatus(
              pod -> {
                pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
                pod.getStatus().setPhase("Failed");
                return pod;
              });
      await().atMost(Duration.ofSeconds(20)).until(() -> used.contains("/pods:delete"));

      // Variables from a ConfigMap; then the inline-variables Secret of a Provision switched away.
      cluster
          .resource(
              new ConfigMapBuilder()
                  .withMetadata(new ObjectMetaBuilder().withName("vars").withNamespace(NS).build())
                  .withData(Map.of("terraform.tfvars", "b = 1\n"))
                  .build())
          .create();
      Provision mapped = provision("mapped");
      mapped.getSpec().variables = new VariablesSpec();
      mapped.getSpec().variables.inline = "b = 0\n";
      cluster.resource(mapped).create();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> cluster.secrets().inNamespace(NS).withName("mapped-variables").get() != null);
      editProvision(
          "mapped",
          p -> {
            p.getSpec().variables.inline = null;
            p.getSpec().variables.configMapRef = new KeyReference("vars", null);
            return p;
          });
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> cluster.secrets().inNamespace(NS).withName("mapped-variables").get() == null);
      // Deleted without a destroy: the claim is not retained, so it is deleted.
      editProvision(
          "mapped",
          p -> {
            p.getMetadata().setAnnotations(Map.of(Provision.SKIP_DESTROY_ANNOTATION, "true"));
            return p;
          });
      cluster.resources(Provision.class).inNamespace(NS).withName("mapped").delete();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  cluster
                          .persistentVolumeClaims()
                          .inNamespace(NS)
                          .withName("mapped-deliverables")
                          .get()
                      == null);
      // A MiniCluster: objects made, a child restored, resized, finished with cleanup.
      cluster
          .resource(
              io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                  """
          apiVersion: flux-framework.org/v1alpha2
          kind: MiniCluster
          metadata: {name: ranks, namespace: default}
          spec:
            size: 2
            maxSize: 4
            cleanup: true
            containers:
              - image: ubuntu:noble
                command: hostname
                runFlux: true
              - image: nginx
                name: web
                ports: [80]
          """,
                  dev.gantry.api.minicluster.MiniCluster.class))
          .create();
      Job ranks = awaitJob("ranks");
      cluster
          .services()
          .inNamespace(NS)
          .withName("ranks")
          .edit(
              s -> {
                s.getSpec().setSelector(Map.of("app", "other"));
                return s;
              });
      cluster
          .configMaps()
          .inNamespace(NS)
          .withName("ranks-entrypoint")
          .edit(
              c -> {
                c.getData().put("wait-0", "tampered");
                return c;
              });
      cluster.services().inNamespace(NS).withName("web").delete();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> cluster.services().inNamespace(NS).withName("web").get() != null);
      cluster
          .resources(dev.gantry.api.minicluster.MiniCluster.class)
          .inNamespace(NS)
          .withName("ranks")
          .edit(
              m -> {
                m.getSpec().flux = new dev.gantry.api.minicluster.FluxSpec();
                m.getSpec().flux.minimalService = true;
                return m;
              });
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                var svc = cluster.services().inNamespace(NS).withName("ranks").get();
                return svc != null && !"None".equals(svc.getSpec().getClusterIP());
              });
      cluster
          .resources(dev.gantry.api.minicluster.MiniCluster.class)
          .inNamespace(NS)
          .withName("ranks")
          .edit(
              m -> {
                m.getSpec().size = 3;
                return m;
              });
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> sim.job(NS, "ranks").getSpec().getParallelism() == 3);
      var leader = sim.startRank(ranks, 0);
      sim.podFinished(leader, 0);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  cluster
                          .resources(dev.gantry.api.minicluster.MiniCluster.class)
                          .inNamespace(NS)
                          .withName("ranks")
                          .get()
                      == null);
      // Relations: a gated consumer, providers appearing and going, a Relation with credentials and
      // Service Binding files for a workload it labels.
      cluster
          .resource(
              io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                  """
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: sleep
            namespace: default
            labels: {app: sleep, tengu.io/relationships: "true"}
            annotations: {tengu.io/consumes: "sse", tengu.io/relations: "sse-endpoint"}
          spec:
            selector: {matchLabels: {app: sleep}}
            template:
              metadata: {labels: {app: sleep}}
              spec:
                containers: [{name: sleep, image: tutum/curl}]
          """,
                  io.fabric8.kubernetes.api.model.apps.Deployment.class))
          .create();
      // StatefulSet and DaemonSet consumers, the second selected by a Relation (the example).
      for (var item : workloadKinds()) {
        cluster.resource(item).create();
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> annotation("sleep").startsWith("waiting"));
      cluster
          .resource(
              new io.fabric8.kubernetes.api.model.ServiceBuilder()
                  .withNewMetadata()
                  .withName("sse-endpoint")
                  .withNamespace(NS)
                  .addToLabels("tengu.io/provides", "sse")
                  .endMetadata()
                  .withNewSpec()
                  .withType("ExternalName")
                  .withExternalName("idlab-iot.tengu.io")
                  .endSpec()
                  .build())
          .create();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> annotation("sleep").startsWith("resolved"));
      cluster
          .resource(
              new io.fabric8.kubernetes.api.model.SecretBuilder()
                  .withNewMetadata()
                  .withName("db-credentials")
                  .withNamespace(NS)
                  .endMetadata()
                  .addToData("password", "c2VjcmV0")
                  .build())
          .create();
      cluster
          .resource(
              new io.fabric8.kubernetes.api.model.ServiceBuilder()
                  .withNewMetadata()
                  .withName("db")
                  .withNamespace(NS)
                  .endMetadata()
                  .withNewSpec()
                  .addNewPort()
                  .withPort(5432)
                  .endPort()
                  .endSpec()
                  .build())
          .create();
      cluster
          .resource(
              io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                  """
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: web
            namespace: default
            labels: {app: web}
            annotations: {gantry.dev/service-binding: "true"}
          spec:
            selector: {matchLabels: {app: web}}
            template:
              metadata: {labels: {app: web}}
              spec:
                containers: [{name: web, image: nginx}]
          """,
                  io.fabric8.kubernetes.api.model.apps.Deployment.class))
          .create();
      cluster
          .resource(
              io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                  """
          apiVersion: gantry.dev/v1alpha1
          kind: Relation
          metadata: {name: web-db, namespace: default}
          spec:
            interface: db
            consumer: {name: web}
            provider: {service: db, credentialsSecret: db-credentials}
          """,
                  dev.gantry.api.relations.Relation.class))
          .create();

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> cluster.secrets().inNamespace(NS).withName("web-bindings").get() != null);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  statusOf(cluster.apps().statefulSets().inNamespace(NS).withName("queue").get())
                          .startsWith("resolved")
                      // Its Relation's provider (db-endpoint) is not in this namespace: held back.
                      && statusOf(
                              cluster.apps().daemonSets().inNamespace(NS).withName("agent").get())
                          .contains("provider of Relation agent-db"));
      cluster.services().inNamespace(NS).withName("sse-endpoint").delete();
      await().atMost(Duration.ofSeconds(20)).until(() -> annotation("sleep").startsWith("waiting"));
      stackOfEveryGrantedKind();
      // The leader renews its Lease (an update) at least once.
      String renewed = renewTime();
      await().atMost(Duration.ofSeconds(20)).until(() -> !renewTime().equals(renewed));
    }

    // A replica restarted on another port finds its Secret and updates the registration.
    int movedPort;
    try (var socket = new java.net.ServerSocket(0)) {
      movedPort = socket.getLocalPort();
    }
    var moved =
        options.withWebhook(
            new dev.gantry.operator.relations.RelationsWebhook.Settings(
                NS,
                List.of("127.0.0.1"),
                "127.0.0.1",
                movedPort,
                dev.gantry.operator.relations.WebhookRegistration.Target.url(
                    "https://127.0.0.1:" + movedPort),
                dev.gantry.operator.relations.InjectionSettings.defaults()));
    try (GantryOperator restarted =
        new GantryOperator(operatorClient, moved, Clock.systemUTC()).start()) {
      assertThat(restarted.webhook().caBundle()).isNotBlank();
    }
    // One started without the webhook removes the registration that nothing would answer now.
    try (GantryOperator withoutWebhook =
        new GantryOperator(operatorClient, options.withWebhook(null), Clock.systemUTC()).start()) {
      assertThat(
              cluster
                  .admissionRegistration()
                  .v1()
                  .mutatingWebhookConfigurations()
                  .withName(dev.gantry.operator.relations.WebhookRegistration.NAME)
                  .get())
          .isNull();
    }
    Set<String> granted = granted();
    assertThat(new TreeSet<>(used)).as("requests the operator made").isSubsetOf(granted);
    Set<String> unused = new TreeSet<>(granted);
    unused.removeAll(used);
    // Checked by the real API server's OwnerReferencesPermissionEnforcement, which the mock lacks.
    unused.remove("gantry.dev/provisions/finalizers:update");
    unused.remove("flux-framework.org/miniclusters/finalizers:update");
    // A WebSocket exec is authorized as create from Kubernetes 1.30 on; the mock sees its GET.
    unused.remove("/pods/exec:create");
    // The client reads the pod to explain an exec that failed, which on the mock it may or may not
    // reach before the next attempt.
    unused.remove("/pods:get");
    // Checked (not used) by the operator SDK before it takes part in leader election.
    unused.remove("coordination.k8s.io/leases:update");
    unused.remove("apps/deployments/finalizers:update");
    unused.remove("apps/statefulsets/finalizers:update");
    unused.remove("apps/daemonsets/finalizers:update");
    assertThat(unused).as("grants in deploy/rbac.yaml that the operator never used").isEmpty();
  }

  /**
   * A Stack made of every kind deploy/rbac.yaml grants for Stacks: each child created, written back
   * once when the parameter they all read changes, and deleted in the teardown (the Provision last;
   * its own destroy is not simulated here, so it stays terminating).
   */
  void stackOfEveryGrantedKind() throws Exception {
    Set<String> granted = granted();
    dev.gantry.operator.testing.StackApiAnswers.serveDiscovery(server);
    dev.gantry.operator.testing.StackApiAnswers.answerAccessReviews(server, granted::contains);
    var stack =
        Serialization.unmarshal(
            new String(
                java.nio.file.Files.readAllBytes(
                    Path.of("src", "test", "resources", "stacks", "every-granted-kind.yaml"))),
            dev.gantry.api.stack.Stack.class);
    stack.getMetadata().setNamespace(NS);
    cluster.resource(stack).create();
    var kinds =
        List.of(
            cluster.configMaps().inNamespace(NS).withName("every-config"),
            cluster.services().inNamespace(NS).withName("every-service"),
            cluster.serviceAccounts().inNamespace(NS).withName("every-account"),
            cluster.persistentVolumeClaims().inNamespace(NS).withName("every-claim"),
            cluster.apps().deployments().inNamespace(NS).withName("every-deployment"),
            cluster.apps().statefulSets().inNamespace(NS).withName("every-statefulset"),
            cluster.apps().daemonSets().inNamespace(NS).withName("every-daemonset"),
            cluster.batch().v1().jobs().inNamespace(NS).withName("every-job"),
            cluster.batch().v1().cronjobs().inNamespace(NS).withName("every-cronjob"),
            cluster.network().v1().networkPolicies().inNamespace(NS).withName("every-policy"),
            cluster.network().v1().ingresses().inNamespace(NS).withName("every-ingress"),
            cluster.policy().v1().podDisruptionBudget().inNamespace(NS).withName("every-budget"));
    java.util.function.Function<Object, String> rev =
        o ->
            o == null || ((HasMetadata) o).getMetadata().getAnnotations() == null
                ? ""
                : ((HasMetadata) o).getMetadata().getAnnotations().getOrDefault("rev", "");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> kinds.stream().allMatch(k -> "1".equals(rev.apply(k.get()))));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                cluster.resources(Provision.class).inNamespace(NS).withName("every-infra").get()
                        != null
                    && cluster
                            .resources(dev.gantry.api.minicluster.MiniCluster.class)
                            .inNamespace(NS)
                            .withName("every-hpc")
                            .get()
                        != null);
    memberHeldAndLetGo();
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsMatching(
            e ->
                e instanceof io.fabric8.kubernetes.client.KubernetesClientException k
                    && k.getCode() == 409)
        .until(
            () -> {
              cluster
                  .resources(dev.gantry.api.stack.Stack.class)
                  .inNamespace(NS)
                  .withName("every")
                  .edit(
                      s -> {
                        s.getSpec().parameters.put("rev", "2");
                        return s;
                      });
              return true;
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                kinds.stream().allMatch(k -> "2".equals(rev.apply(k.get())))
                    && cluster
                        .resources(Provision.class)
                        .inNamespace(NS)
                        .withName("every-infra")
                        .get()
                        .getSpec()
                        .variables
                        .inline
                        .contains("2")
                    && cluster
                        .resources(dev.gantry.api.minicluster.MiniCluster.class)
                        .inNamespace(NS)
                        .withName("every-hpc")
                        .get()
                        .getSpec()
                        .containers
                        .get(0)
                        .command
                        .contains("2"));
    // Every child was written as the Stack's ServiceAccount, none as the operator.
    String writer = "system:serviceaccount:" + NS + ":stack-writer";
    for (String resource :
        List.of(
            "/configmaps",
            "/services",
            "/serviceaccounts",
            "/persistentvolumeclaims",
            "apps/deployments",
            "apps/statefulsets",
            "apps/daemonsets",
            "batch/jobs",
            "batch/cronjobs",
            "networking.k8s.io/networkpolicies",
            "networking.k8s.io/ingresses",
            "policy/poddisruptionbudgets",
            "gantry.dev/provisions",
            "flux-framework.org/miniclusters")) {
      assertThat(impersonated).contains(writer + " " + resource + ":create");
      assertThat(impersonated).contains(writer + " " + resource + ":update");
    }
    cluster.resources(dev.gantry.api.stack.Stack.class).inNamespace(NS).withName("every").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Provision infra =
                  cluster.resources(Provision.class).inNamespace(NS).withName("every-infra").get();
              return kinds.stream().allMatch(k -> k.get() == null)
                  && (infra == null || infra.getMetadata().getDeletionTimestamp() != null);
            });
    assertThat(impersonated).contains(writer + " apps/deployments:delete");
    assertThat(impersonated).contains(writer + " gantry.dev/provisions:delete");
  }

  /**
   * A pod of the Stack's Deployment becomes a member and is held; deleted (scaled in), its leave
   * Job runs and completes, and the hold is taken off, so the pod goes.
   */
  void memberHeldAndLetGo() {
    SimulatedCluster sim = new SimulatedCluster(cluster);
    sim.readyPod(
        NS,
        "every-deployment-a",
        "10.9.0.1",
        Map.of("app", "every", "gantry.dev/stack", "every", "gantry.dev/component", "deployment"));
    var pod = cluster.pods().inNamespace(NS).withName("every-deployment-a");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !pod.get().getMetadata().getFinalizers().isEmpty());
    pod.delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                cluster.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
                    .anyMatch(j -> j.getMetadata().getName().contains("-member-leave-")));
    cluster.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
        .filter(j -> j.getMetadata().getName().contains("-member-leave-"))
        .forEach(sim::jobSucceeded);
    await().atMost(Duration.ofSeconds(30)).until(() -> pod.get() == null);
  }

  /** The workload-kinds example, moved into this test's namespace. */
  java.util.List<io.fabric8.kubernetes.api.model.HasMetadata> workloadKinds() throws Exception {
    try (var in =
        new java.io.FileInputStream(
            java.nio.file.Path.of("..", "examples", "relations", "workload-kinds.yaml").toFile())) {
      var items = cluster.load(in).items();
      items.forEach(i -> i.getMetadata().setNamespace(NS));
      return items;
    }
  }

  String annotation(String deployment) {
    return statusOf(cluster.apps().deployments().inNamespace(NS).withName(deployment).get());
  }

  static String statusOf(io.fabric8.kubernetes.api.model.HasMetadata workload) {
    return workload == null || workload.getMetadata().getAnnotations() == null
        ? ""
        : workload.getMetadata().getAnnotations().getOrDefault("gantry.dev/relations-status", "");
  }

  void succeed(SimulatedCluster sim, Job job, String container) {
    var pod = sim.startPod(job);
    sim.containerExited(pod, container, 0, "gantry-deliverables/v1 0\n");
    sim.jobSucceeded(job);
  }

  Job awaitJob(String name) {
    SimulatedCluster sim = new SimulatedCluster(cluster);
    await().atMost(Duration.ofSeconds(20)).until(() -> sim.job(NS, name) != null);
    return sim.job(NS, name);
  }

  void awaitPhase(String name, Phase phase) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              Provision p = cluster.resources(Provision.class).inNamespace(NS).withName(name).get();
              return p != null
                  && p.getStatus() != null
                  && p.getStatus().phase == phase
                  && p.getMetadata().getGeneration().equals(p.getStatus().observedGeneration);
            });
  }

  /** Edits a Provision, again on a conflict with the operator's own writes (as kubectl edit). */
  void editProvision(String name, java.util.function.UnaryOperator<Provision> change) {
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptionsMatching(
            e ->
                e instanceof io.fabric8.kubernetes.client.KubernetesClientException k
                    && k.getCode() == 409)
        .until(
            () -> {
              cluster.resources(Provision.class).inNamespace(NS).withName(name).edit(change);
              return true;
            });
  }

  static Provision provision(String name) {
    Provision p = new Provision();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    p.setSpec(new ProvisionSpec());
    p.getSpec().image = "busybox:1.36";
    return p;
  }

  /** "group/resource[/subresource]:verb" for a request, as the API server's authorizer sees it. */
  static java.util.Optional<String> permission(RecordedRequest request) {
    String full = request.getPath();
    String path = full.contains("?") ? full.substring(0, full.indexOf('?')) : full;
    String query = full.contains("?") ? full.substring(full.indexOf('?') + 1) : "";
    List<String> parts = new ArrayList<>(List.of(path.replaceFirst("^/", "").split("/")));
    String group;
    if (parts.get(0).equals("api")) {
      group = "";
      parts = parts.subList(2, parts.size());
    } else {
      group = parts.get(1);
      parts = parts.subList(3, parts.size());
    }
    if (group.equals("authorization.k8s.io")) {
      return java.util.Optional.empty(); // self reviews are allowed to every user
    }
    if (parts.isEmpty()) {
      return java.util.Optional.empty(); // discovery (/apis/<group>/<version>): every user
    }
    if (!parts.isEmpty() && parts.get(0).equals("namespaces") && parts.size() >= 3) {
      parts = parts.subList(2, parts.size());
    }
    String resource = parts.get(0);
    boolean named = parts.size() >= 2;
    if (parts.size() >= 3) {
      resource = resource + "/" + parts.get(2);
    }
    String verb =
        switch (request.getMethod()) {
          case "GET" -> named ? "get" : query.contains("watch=true") ? "watch" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> named ? "delete" : "deletecollection";
          default -> request.getMethod();
        };
    return java.util.Optional.of(group + "/" + resource + ":" + verb);
  }

  /** When the leader last renewed the Lease. */
  String renewTime() {
    var lease =
        cluster
            .leases()
            .inNamespace(NS)
            .withName(dev.gantry.operator.runtime.OperatorOptions.LEASE_NAME)
            .get();
    return lease == null || lease.getSpec() == null || lease.getSpec().getRenewTime() == null
        ? ""
        : lease.getSpec().getRenewTime().toString();
  }

  static Set<String> granted() throws Exception {
    Set<String> granted = new TreeSet<>();
    try (var in = new FileInputStream(Path.of("..", "deploy", "rbac.yaml").toFile());
        var client = new KubernetesClientBuilder().build()) {
      for (HasMetadata item : client.load(in).items()) {
        List<PolicyRule> rules =
            item instanceof ClusterRole c
                ? c.getRules()
                : item instanceof Role r ? r.getRules() : List.of();
        for (PolicyRule rule : rules) {
          for (String group : rule.getApiGroups()) {
            for (String resource : rule.getResources()) {
              for (String verb : rule.getVerbs()) {
                granted.add(group + "/" + resource + ":" + verb);
              }
            }
          }
        }
      }
    }
    return granted;
  }
}
