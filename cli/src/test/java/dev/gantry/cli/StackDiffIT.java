package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.api.stack.Stack;
import dev.gantry.api.stack.StackStatus;
import dev.gantry.operator.stack.StackAction;
import dev.gantry.operator.stack.StackCompiler;
import dev.gantry.operator.stack.StackDefinition;
import dev.gantry.operator.stack.StackNames;
import dev.gantry.operator.stack.StackPlanner;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gantry stack diff} against the mock API server in CRUD mode, with a live Stack and its
 * children as the operator leaves them: the operator's planner run pass by pass on what the server
 * holds, its writes stored, the Deployment controller's part played. The CRUD mock would store a
 * dry run like any other write, so this server answers dry runs as a real one does (answered,
 * nothing stored) and records them, and can refuse one as a real server's validation would.
 */
class StackDiffIT {
  static final String NS = "test";

  static final String STACK =
      """
      apiVersion: gantry.dev/v1alpha1
      kind: Stack
      metadata:
        name: shop
      spec:
        parameters:
          replicas: 2
        secretParameters:
          - name: dbPassword
            secretKeyRef: {name: shop-db, key: password}
        components:
          - name: page
            template:
              apiVersion: v1
              kind: ConfigMap
              metadata: {name: shop-page}
              data: {index.html: hello}
          - name: credentials
            template:
              apiVersion: v1
              kind: Secret
              metadata: {name: shop-credentials}
              stringData:
                password: "${secretParameters.dbPassword}"
          - name: web
            ports: [{port: 8080}]
            template:
              apiVersion: apps/v1
              kind: Deployment
              metadata: {name: shop-web}
              spec:
                replicas: ${parameters.replicas}
                selector: {matchLabels: {app: shop-web}}
                template:
                  metadata: {labels: {app: shop-web}}
                  spec:
                    containers:
                      - name: web
                        image: nginx:1.27
                        env:
                          - {name: PAGE, value: "${components.page.metadata.name}"}
          - name: notes
            template:
              apiVersion: v1
              kind: ConfigMap
              metadata: {name: shop-notes}
              data: {text: keep}
      """;

  static final String CACHE =
      """
          - name: cache
            template:
              apiVersion: v1
              kind: ConfigMap
              metadata: {name: shop-cache}
              data: {size: 1Gi}
      """;

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path dir;

  /** The dry runs the server answered: "METHOD path". */
  final List<String> dryRuns = new CopyOnWriteArrayList<>();

  /** The object whose dry run the server refuses as invalid, if any. */
  volatile String refuseDryRunOf;

  @BeforeEach
  void start() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses) {
              @Override
              public MockResponse dispatch(RecordedRequest request) {
                return request.getPath().contains("dryRun=All")
                    ? dryRun(request)
                    : super.dispatch(request);
              }
            },
            false);
    server.init();
    client = server.createClient();
    for (var crd : Manifests.crds()) {
      client.resource(crd).create();
    }
    serveDiscovery();
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("shop-db")
                .withNamespace(NS)
                .endMetadata()
                .addToData("password", base64("s3cret-1"))
                .addToData("rotated", base64("s3cret-2"))
                .build())
        .create();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  /** As an API server answers {@code ?dryRun=All}: the object as it would be; nothing stored. */
  MockResponse dryRun(RecordedRequest request) {
    dryRuns.add(request.getMethod() + " " + request.getPath());
    JsonNode body = Serialization.unmarshal(request.getUtf8Body(), JsonNode.class);
    String name = body.path("metadata").path("name").asText();
    if (name.equals(refuseDryRunOf)) {
      String kind = body.path("kind").asText();
      String message =
          kind + ".apps \"" + name + "\" is invalid: spec.replicas: Invalid value: 3: over quota";
      return new MockResponse()
          .setResponseCode(422)
          .setBody(
              "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":"
                  + "\"Invalid\",\"code\":422,\"message\":"
                  + Serialization.jsonMapper().valueToTree(message)
                  + "}");
    }
    return new MockResponse()
        .setResponseCode("POST".equals(request.getMethod()) ? 201 : 200)
        .setBody(body.toString());
  }

  /** Discovery of the built-in kinds the tests use, as a real server lists them. */
  void serveDiscovery() {
    Map<String, Map<String, String>> kinds =
        Map.of(
            "v1", Map.of("ConfigMap", "configmaps", "Secret", "secrets", "Service", "services"),
            "apps/v1", Map.of("Deployment", "deployments"),
            "batch/v1", Map.of("Job", "jobs"),
            "networking.k8s.io/v1", Map.of("NetworkPolicy", "networkpolicies"));
    kinds.forEach(
        (apiVersion, plurals) -> {
          var list = new APIResourceListBuilder().withGroupVersion(apiVersion);
          plurals.forEach(
              (kind, plural) ->
                  list.addToResources(
                      new APIResourceBuilder()
                          .withKind(kind)
                          .withName(plural)
                          .withNamespaced(true)
                          .withVerbs("create", "delete", "get", "list", "patch", "update", "watch")
                          .build()));
          String path = apiVersion.equals("v1") ? "/api/v1" : "/apis/" + apiVersion;
          server.expect().get().withPath(path).andReturn(200, list.build()).always();
        });
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The Stack applied, and the operator's passes run until it is Ready and writes nothing. */
  void running(String yaml) {
    client.resource(Serialization.unmarshal(yaml, Stack.class)).inNamespace(NS).create();
    for (int pass = 0; pass < 10; pass++) {
      Stack live = client.resources(Stack.class).inNamespace(NS).withName("shop").get();
      StackDefinition def = StackCompiler.compile(live.getSpec(), NS);
      StackPlanner.Plan plan =
          StackPlanner.plan(
              LiveStackReads.observe(client, new ServedKinds(client), live, def, Instant.now()),
              def);
      plan.actions().forEach(this::write);
      // The written versions are left out of the rows (the operator's StackStatuses.settle puts
      // them in): the next pass then compares the objects themselves, and finds them as written.
      StackStatus status = plan.status();
      client
          .resources(Stack.class)
          .inNamespace(NS)
          .withName("shop")
          .editStatus(
              s -> {
                s.setStatus(status);
                return s;
              });
      rollOut();
      if (plan.actions().isEmpty() && status.phase == StackStatus.Phase.Ready) {
        return;
      }
    }
    fail("the Stack did not settle: " + Serialization.asYaml(client.resources(Stack.class).list()));
  }

  /** What the operator's executor does with an action, without impersonation. */
  void write(StackAction action) {
    JsonNode object = action.subject();
    var resources =
        client
            .genericKubernetesResources(
                object.path("apiVersion").asText(), object.path("kind").asText())
            .inNamespace(NS);
    GenericKubernetesResource generic =
        Serialization.jsonMapper().convertValue(object, GenericKubernetesResource.class);
    if (action instanceof StackAction.Create) {
      resources.resource(generic).create();
    } else if (action instanceof StackAction.Update) {
      resources.resource(generic).update();
    } else if (action instanceof StackAction.Delete) {
      resources.withName(generic.getMetadata().getName()).delete();
    }
  }

  /** As the Deployment controller: every replica of the Stack's Deployments up to date. */
  void rollOut() {
    for (var d :
        client
            .apps()
            .deployments()
            .inNamespace(NS)
            .withLabel(StackNames.OWNER_LABEL, "shop")
            .list()
            .getItems()) {
      client
          .apps()
          .deployments()
          .inNamespace(NS)
          .withName(d.getMetadata().getName())
          .editStatus(
              live -> {
                int replicas = live.getSpec().getReplicas();
                live.setStatus(
                    new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                        .withObservedGeneration(live.getMetadata().getGeneration())
                        .withReplicas(replicas)
                        .withUpdatedReplicas(replicas)
                        .withAvailableReplicas(replicas)
                        .withReadyReplicas(replicas)
                        .build());
                return live;
              });
    }
  }

  CliHarness diff(String yaml) throws Exception {
    Path file = dir.resolve("shop.yaml");
    Files.writeString(file, yaml);
    return CliHarness.run(client, "stack", "diff", "-f", file.toString());
  }

  int replicasOnTheServer() {
    return client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("shop-web")
        .get()
        .getSpec()
        .getReplicas();
  }

  @Test
  void anUnchangedFileExitsZeroAndSaysEachComponentIsUnchanged() throws Exception {
    running(STACK);
    CliHarness diff = diff(STACK);
    assertThat(diff.exitCode).as(diff.out() + diff.err()).isZero();
    assertThat(diff.out())
        .contains("stack/shop in namespace test: what applying the file would change now")
        .contains("the operator writes as ServiceAccount test/default")
        .containsPattern("page\\s+= unchanged")
        .containsPattern("credentials\\s+= unchanged")
        .containsPattern("web\\s+= unchanged")
        .containsPattern("notes\\s+= unchanged")
        .contains("Nothing would change.");
    assertThat(dryRuns).isEmpty();
  }

  @Test
  void anEditShowsTheFieldsItWouldChangeThroughADryRunThatStoresNothing() throws Exception {
    running(STACK);
    CliHarness diff = diff(STACK.replace("replicas: 2", "replicas: 3"));
    assertThat(diff.exitCode).as(diff.out() + diff.err()).isEqualTo(1);
    assertThat(diff.out())
        .containsPattern("\\nweb\\s+~ update Deployment shop-web: spec.replicas: 2 → 3\\n")
        .containsPattern("page\\s+= unchanged")
        .contains("Would change: web.");
    assertThat(dryRuns)
        .singleElement()
        .asString()
        .startsWith("PUT /apis/apps/v1/namespaces/test/deployments/shop-web?");
    assertThat(replicasOnTheServer()).isEqualTo(2);
  }

  @Test
  void aComponentTakenOutIsDeletedAndOneAddedIsCreated() throws Exception {
    running(STACK);
    String edited = STACK.substring(0, STACK.indexOf("    - name: notes")) + CACHE;
    CliHarness diff = diff(edited);
    assertThat(diff.exitCode).as(diff.out() + diff.err()).isEqualTo(1);
    assertThat(diff.out())
        .containsPattern("cache\\s+\\+ create ConfigMap shop-cache\\n")
        .containsPattern(
            "notes\\s+removed from the Stack; deleting it\\n\\s+- delete ConfigMap shop-notes\\n");
    // Creation order, then what goes.
    assertThat(diff.out().indexOf("cache")).isLessThan(diff.out().indexOf("notes"));
    assertThat(dryRuns)
        .singleElement()
        .asString()
        .startsWith("POST /api/v1/namespaces/test/configmaps?");
    assertThat(client.configMaps().inNamespace(NS).withName("shop-cache").get()).isNull();
    assertThat(client.configMaps().inNamespace(NS).withName("shop-notes").get()).isNotNull();
  }

  @Test
  void aSecretsValuesAreNeverPrinted() throws Exception {
    running(STACK);
    CliHarness diff = diff(STACK.replace("key: password", "key: rotated"));
    assertThat(diff.exitCode).as(diff.out() + diff.err()).isEqualTo(1);
    assertThat(diff.out())
        .containsPattern(
            "credentials\\s+~ update Secret shop-credentials: data.password: \\(secret value"
                + " changed\\)\\n");
    assertThat(diff.out() + diff.err())
        .doesNotContain("s3cret")
        .doesNotContain(base64("s3cret-1"))
        .doesNotContain(base64("s3cret-2"));
  }

  @Test
  void aComponentReadingOneThatIsRewrittenWaitsForIt() throws Exception {
    running(STACK);
    CliHarness diff =
        diff(
            STACK
                .replace("{index.html: hello}", "{index.html: hello again}")
                .replace("replicas: 2", "replicas: 3"));
    assertThat(diff.exitCode).as(diff.out() + diff.err()).isEqualTo(1);
    assertThat(diff.out())
        .containsPattern(
            "page\\s+~ update ConfigMap shop-page: data\\[\"index.html\"\\]: \"hello\" →"
                + " \"hello again\"")
        .containsPattern(
            "web\\s+\\? not rendered now: it reads page, not Ready; its changes, if any, are"
                + " written once it is");
  }

  @Test
  void aComponentThatCannotBeRenderedIsSaidAndExitsTwo() throws Exception {
    running(STACK);
    CliHarness diff = diff(STACK.replace("key: password", "key: missing"));
    assertThat(diff.exitCode).as(diff.out() + diff.err()).isEqualTo(2);
    assertThat(diff.out())
        .containsPattern(
            "credentials\\s+! Failed \\(RenderFailed\\): secretParameters.dbPassword: Secret"
                + " shop-db has no key missing");
  }

  @Test
  void aDryRunTheServerRefusesIsShownWithItsMessageAndExitsTwo() throws Exception {
    running(STACK);
    refuseDryRunOf = "shop-web";
    CliHarness diff = diff(STACK.replace("replicas: 2", "replicas: 3"));
    assertThat(diff.exitCode).as(diff.out() + diff.err()).isEqualTo(2);
    assertThat(diff.out())
        .containsPattern(
            "web\\s+! update Deployment shop-web: refused by the API server: Deployment.apps"
                + " \"shop-web\" is invalid: spec.replicas: Invalid value: 3: over quota")
        .contains("see the lines marked !");
  }

  @Test
  void aStackThatDoesNotRunIsAClearErrorExitingTwo() throws Exception {
    CliHarness diff = diff(STACK);
    assertThat(diff.exitCode).isEqualTo(2);
    assertThat(diff.err())
        .contains(
            "stack/shop does not exist in namespace test: nothing to diff against; gantry stack"
                + " plan -f ")
        .contains("gantry apply -f ");
    assertThat(diff.out()).isEmpty();
  }

  @Test
  void aFileTheOperatorWouldRefuseExitsTwoNamingTheField() throws Exception {
    running(STACK);
    CliHarness diff =
        diff(STACK.replace("components.page.metadata.name", "components.pgae.metadata.name"));
    assertThat(diff.exitCode).isEqualTo(2);
    assertThat(diff.err())
        .contains("Stack shop would be refused:")
        .contains("undefined field 'pgae'");
    assertThat(dryRuns).isEmpty();
  }

  @Test
  void aKindTheServerDoesNotServeIsSaidAndExitsTwo() throws Exception {
    running(STACK);
    String widget =
        """
            - name: widget
              template:
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: shop-widget}
        """;
    CliHarness diff = diff(STACK + widget);
    assertThat(diff.exitCode).as(diff.out() + diff.err()).isEqualTo(2);
    assertThat(diff.out())
        .contains(
            "! cannot look at example.com/v1 Widget: the API server does not serve kind Widget in"
                + " example.com/v1")
        .containsPattern("widget\\s+! Failed \\(Refused\\): the API server does not serve");
  }
}
