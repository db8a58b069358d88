package dev.gantry.operator.relations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionHandlerTest {
  static final ObjectMapper MAPPER = Serialization.jsonMapper();

  /** The prototype's demo consumer, unchanged. */
  static final String SLEEP =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: sleep
        namespace: demo
        labels: {app: sleep, tengu.io/relationships: "true"}
        annotations:
          tengu.io/consumes: "sse,db"
          tengu.io/relations: "sse-endpoint,db-endpoint"
      spec:
        replicas: 1
        selector: {matchLabels: {app: sleep}}
        template:
          metadata:
            labels: {app: sleep}
          spec:
            containers:
              - name: sleep
                image: tutum/curl
                command: ["/bin/sleep", "infinity"]
      """;

  static JsonNode object(String yaml) {
    return MAPPER.valueToTree(Serialization.unmarshal(yaml, Deployment.class));
  }

  static byte[] review(String operation, String kind, String group, JsonNode object) {
    ObjectNode review = MAPPER.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1");
    review.put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request");
    request.put("uid", "705ab4f5-6393-11e8-b7cc-42010a800002");
    request.putObject("kind").put("group", group).put("version", "v1").put("kind", kind);
    request.put("operation", operation);
    request.put("namespace", object.path("metadata").path("namespace").asText("demo"));
    request.set("object", object);
    return review.toString().getBytes(StandardCharsets.UTF_8);
  }

  static JsonNode response(AdmissionHandler.Answer answer) throws Exception {
    assertThat(answer.status()).isEqualTo(200);
    JsonNode review = MAPPER.readTree(answer.body());
    assertThat(review.path("response").path("uid").asText())
        .isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
    assertThat(review.path("response").path("allowed").asBoolean()).isTrue();
    return review.path("response");
  }

  static JsonNode patch(JsonNode response) throws Exception {
    if (!response.has("patch")) {
      return MAPPER.createArrayNode();
    }
    assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
    return MAPPER.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
  }

  static JsonNode admit(AdmissionHandler handler, JsonNode deployment) throws Exception {
    return JsonPatch.apply(
        patch(response(handler.handle(review("CREATE", "Deployment", "apps", deployment)))),
        deployment);
  }

  @Test
  void consumerWithoutProvidersIsGatedAndToldWhy() throws Exception {
    AdmissionHandler handler = new AdmissionHandler(new FakeLookup(), InjectionSettings.defaults());
    JsonNode response =
        response(handler.handle(review("CREATE", "Deployment", "apps", object(SLEEP))));
    assertThat(response.path("warnings").get(0).asText())
        .contains("Service sse-endpoint (not found)");

    Deployment mutated =
        MAPPER.treeToValue(JsonPatch.apply(patch(response), object(SLEEP)), Deployment.class);
    var pod = mutated.getSpec().getTemplate();
    assertThat(pod.getSpec().getInitContainers())
        .singleElement()
        .satisfies(
            gate -> {
              assertThat(gate.getName()).isEqualTo("gantry-relations-gate");
              assertThat(gate.getEnv().get(0).getValue())
                  .contains("sse-endpoint")
                  .contains("db-endpoint");
            });
    assertThat(pod.getMetadata().getAnnotations().get("gantry.dev/relations-status"))
        .startsWith("waiting for:");
    assertThat(pod.getSpec().getContainers().get(0).getEnv()).isEmpty();
  }

  @Test
  void aLargePodKeepsEverythingInjectionDoesNotTouch() throws Exception {
    JsonNode pod =
        MAPPER.valueToTree(
            Serialization.unmarshal(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: big
                  namespace: demo
                  annotations: {tengu.io/consumes: db, tengu.io/relations: db-endpoint}
                spec:
                  initContainers:
                    - name: migrate
                      image: flyway:10
                      args: [migrate]
                      resources: {limits: {cpu: "1"}}
                  containers:
                    - name: app
                      image: app:1
                      env: [{name: LEVEL, value: debug}]
                      resources: {requests: {memory: 1Gi}}
                      readinessProbe: {httpGet: {path: /ready, port: 8080}}
                      securityContext: {runAsNonRoot: true}
                    - name: proxy
                      image: envoy:1
                  volumes: [{name: scratch, emptyDir: {}}]
                """,
                io.fabric8.kubernetes.api.model.Pod.class));
    AdmissionHandler handler =
        new AdmissionHandler(
            new FakeLookup().externalName("db-endpoint", "db", "db.tengu.io"),
            InjectionSettings.defaults());
    JsonNode patch = patch(response(handler.handle(review("CREATE", "Pod", "", pod))));
    assertThat(patch)
        .extracting(op -> op.path("path").asText())
        .allMatch(
            p ->
                p.equals("/metadata/annotations")
                    || p.matches("/spec/containers/\\d+/env")
                    || p.equals("/spec/initContainers")
                    || p.equals("/spec/volumes"));
    var admitted =
        MAPPER.treeToValue(JsonPatch.apply(patch, pod), io.fabric8.kubernetes.api.model.Pod.class);
    var app = admitted.getSpec().getContainers().get(0);
    assertThat(app.getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue())
        .containsExactly("LEVEL=debug", "DB=db.tengu.io");
    assertThat(app.getResources().getRequests()).containsKey("memory");
    assertThat(app.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(app.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(admitted.getSpec().getContainers().get(1).getEnv())
        .extracting(e -> e.getName())
        .containsExactly("DB");
    assertThat(admitted.getSpec().getInitContainers())
        .singleElement()
        .satisfies(
            init -> {
              assertThat(init.getArgs()).containsExactly("migrate");
              assertThat(init.getResources().getLimits()).containsKey("cpu");
            });
    assertThat(admitted.getSpec().getVolumes()).extracting(v -> v.getName()).contains("scratch");
  }

  @Test
  void resolvedRelationsBecomeEnvironmentAndTheGateGoes() throws Exception {
    FakeLookup lookup = new FakeLookup();
    AdmissionHandler handler = new AdmissionHandler(lookup, InjectionSettings.defaults());
    JsonNode gated = admit(handler, object(SLEEP));

    lookup
        .externalName("sse-endpoint", "sse", "idlab-iot.tengu.io")
        .externalName("db-endpoint", "db", "db.tengu.io");
    Deployment resolved = MAPPER.treeToValue(admit(handler, gated), Deployment.class);
    var pod = resolved.getSpec().getTemplate();
    assertThat(pod.getSpec().getInitContainers()).isEmpty();
    assertThat(pod.getSpec().getContainers().get(0).getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue())
        .containsExactly("SSE=idlab-iot.tengu.io", "DB=db.tengu.io");
    assertThat(pod.getMetadata().getAnnotations().get("gantry.dev/relations-status"))
        .isEqualTo("resolved: sse=sse-endpoint, db=db-endpoint");
    assertThat(pod.getMetadata().getAnnotations()).containsKey("gantry.dev/relations-hash");
  }

  @Test
  void admittingAnAlreadyMutatedObjectYieldsAnEmptyPatch() throws Exception {
    FakeLookup lookup =
        new FakeLookup()
            .externalName("sse-endpoint", "sse", "idlab-iot.tengu.io")
            .clusterIp("db-endpoint", "db", 5432, "db-credentials");
    lookup.secrets.put("db-credentials", List.of("username", "password"));
    AdmissionHandler handler = new AdmissionHandler(lookup, InjectionSettings.defaults());
    JsonNode once = admit(handler, object(SLEEP));
    JsonNode second = patch(response(handler.handle(review("UPDATE", "Deployment", "apps", once))));
    assertThat(second).isEmpty();

    JsonNode gatedOnce =
        admit(new AdmissionHandler(new FakeLookup(), InjectionSettings.defaults()), object(SLEEP));
    JsonNode gatedAgain =
        patch(
            response(
                new AdmissionHandler(new FakeLookup(), InjectionSettings.defaults())
                    .handle(review("UPDATE", "Deployment", "apps", gatedOnce))));
    assertThat(gatedAgain).isEmpty();
  }

  @Test
  void portsGiveHostPortUrlAndCredentialsStaySecretKeyRefs() throws Exception {
    FakeLookup lookup =
        new FakeLookup()
            .externalName("sse-endpoint", "sse", "idlab-iot.tengu.io")
            .clusterIp("db-endpoint", "db", 8080, "db-credentials");
    lookup.secrets.put("db-credentials", List.of("username", "password"));
    Deployment d =
        MAPPER.treeToValue(
            admit(new AdmissionHandler(lookup, InjectionSettings.defaults()), object(SLEEP)),
            Deployment.class);
    var env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertThat(env)
        .extracting(e -> e.getName())
        .containsExactly("SSE", "DB", "DB_HOST", "DB_PORT", "DB_URL", "DB_USERNAME", "DB_PASSWORD");
    assertThat(env.get(1).getValue()).isEqualTo("db-endpoint.demo.svc.cluster.local");
    assertThat(env.get(4).getValue()).isEqualTo("http://db-endpoint.demo.svc.cluster.local:8080");
    assertThat(env.get(6).getValue()).isNull();
    assertThat(env.get(6).getValueFrom().getSecretKeyRef().getName()).isEqualTo("db-credentials");
    assertThat(env.get(6).getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
  }

  @Test
  void serviceBindingFilesAreMountedFromTheWorkloadsBindingSecret() throws Exception {
    FakeLookup lookup =
        new FakeLookup()
            .externalName("sse-endpoint", "sse", "idlab-iot.tengu.io")
            .clusterIp("db-endpoint", "db", 5432, null);
    ObjectNode deployment = (ObjectNode) object(SLEEP);
    ((ObjectNode) deployment.path("metadata").path("annotations"))
        .put("gantry.dev/service-binding", "true");
    Deployment d =
        MAPPER.treeToValue(
            admit(new AdmissionHandler(lookup, InjectionSettings.defaults()), deployment),
            Deployment.class);
    var spec = d.getSpec().getTemplate().getSpec();
    var volume =
        spec.getVolumes().stream()
            .filter(v -> v.getName().equals("gantry-bindings"))
            .findFirst()
            .orElseThrow();
    assertThat(volume.getSecret().getSecretName()).isEqualTo("sleep-bindings");
    assertThat(volume.getSecret().getItems())
        .extracting(i -> i.getPath())
        .contains(
            "sse-endpoint/type",
            "sse-endpoint/provider",
            "sse-endpoint/host",
            "db-endpoint/port",
            "db-endpoint/url");
    assertThat(spec.getContainers().get(0).getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/bindings"));
    assertThat(spec.getContainers().get(0).getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("SERVICE_BINDING_ROOT");
              assertThat(e.getValue()).isEqualTo("/bindings");
            });
  }

  @Test
  void malformedAnnotationsAreReportedAndTheWorkloadIsHeldBack() throws Exception {
    ObjectNode deployment = (ObjectNode) object(SLEEP);
    ((ObjectNode) deployment.path("metadata").path("annotations"))
        .put("tengu.io/consumes", "sse,,DB");
    JsonNode response =
        response(
            new AdmissionHandler(new FakeLookup(), InjectionSettings.defaults())
                .handle(review("CREATE", "Deployment", "apps", deployment)));
    assertThat(response.path("warnings").get(0).asText())
        .contains("has an empty entry")
        .contains("\"DB\" is not an interface name");
  }

  @Test
  void badRequestsGetCleanErrors() throws Exception {
    AdmissionHandler handler = new AdmissionHandler(new FakeLookup(), InjectionSettings.defaults());
    AdmissionHandler.Answer notJson = handler.handle("{not json".getBytes(StandardCharsets.UTF_8));
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(MAPPER.readTree(notJson.body()).path("error").asText()).contains("not JSON");

    AdmissionHandler.Answer noRequest =
        handler.handle("{\"kind\":\"AdmissionReview\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(noRequest.status()).isEqualTo(400);
    assertThat(noRequest.body()).contains("request.uid is missing");

    AdmissionHandler.Answer huge = handler.handle(new byte[AdmissionHandler.MAX_BODY_BYTES + 1]);
    assertThat(huge.status()).isEqualTo(413);

    JsonNode configMap =
        MAPPER.readTree(
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}");
    JsonNode other = response(handler.handle(review("CREATE", "ConfigMap", "", configMap)));
    assertThat(other.has("patch")).isFalse();
    assertThat(other.path("warnings").get(0).asText()).contains("not a workload");

    JsonNode deletion =
        response(handler.handle(review("DELETE", "Deployment", "apps", object(SLEEP))));
    assertThat(deletion.has("patch")).isFalse();
  }

  @Test
  void aWorkloadWithoutRelationsIsLeftAlone() throws Exception {
    String plain =
        SLEEP
            .replace("tengu.io/consumes", "x-consumes")
            .replace("tengu.io/relations", "x-relations");
    JsonNode response =
        response(
            new AdmissionHandler(new FakeLookup(), InjectionSettings.defaults())
                .handle(review("CREATE", "Deployment", "apps", object(plain))));
    assertThat(response.has("patch")).isFalse();
    assertThat(response.has("warnings")).isFalse();
  }
}
