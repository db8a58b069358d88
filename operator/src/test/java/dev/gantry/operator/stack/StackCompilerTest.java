package dev.gantry.operator.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.stack.Stack;
import dev.gantry.operator.stack.StackDefinition.Problem;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class StackCompilerTest {
  static Stack stack(String specYaml) {
    String yaml =
        "apiVersion: gantry.dev/v1alpha1\nkind: Stack\nmetadata: {name: shop, namespace: apps}\n"
            + "spec:\n"
            + specYaml.indent(2);
    return Serialization.unmarshal(yaml, Stack.class);
  }

  static StackDefinition compile(String specYaml) {
    return StackCompiler.compile(stack(specYaml).getSpec(), "apps");
  }

  static List<String> problems(String specYaml) {
    return compile(specYaml).problems().stream().map(Problem::toString).toList();
  }

  private static final String WEB_AND_DB =
      """
      parameters: {replicas: 2, image: nginx}
      components:
      - name: web
        template:
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web}
          spec:
            replicas: ${parameters.replicas}
            template:
              spec:
                containers:
                - name: web
                  image: ${parameters.image}
                  env:
                  - {name: DB_HOST, value: "${components.db.service.host}"}
      - name: db
        template:
          apiVersion: v1
          kind: Service
          metadata: {name: db}
          spec: {ports: [{port: 5432}]}
      """;

  @Test
  void aReferenceToAComponentMakesADependency() {
    StackDefinition d = compile(WEB_AND_DB);
    assertThat(d.problems()).isEmpty();
    assertThat(d.component("web").orElseThrow().dependsOn()).containsExactly("db");
    assertThat(d.graph().waves()).containsExactly(List.of("db"), List.of("web"));
  }

  @Test
  void aReferenceToAMissingComponentIsRefusedNamingTheFieldAndTheComponents() {
    assertThat(problems(WEB_AND_DB.replace("components.db.service", "components.dbb.service")))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith(
                        "spec.components[web].template.spec.template.spec.containers[0].env[0].value:")
                    .contains("undefined field 'dbb'")
                    .contains("components: web, db"));
  }

  @Test
  void aTypeErrorIsRefusedBeforeAnythingRuns() {
    assertThat(
            problems(
                WEB_AND_DB.replace(
                    "replicas: ${parameters.replicas}", "replicas: ${parameters.replicas + 'x'}")))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("spec.components[web].template.spec.replicas:")
                    .contains("no matching overload")
                    .contains("(int, string)"));
  }

  @Test
  void aMissingParameterIsRefusedListingTheParameters() {
    assertThat(problems(WEB_AND_DB.replace("parameters.image}", "parameters.imag}")))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .contains("undefined field 'imag'")
                    .contains("parameters: replicas, image"));
  }

  @Test
  void aCycleThroughReferencesIsRefusedNamingIt() {
    String cyclic =
        WEB_AND_DB.replace(
            "spec: {ports: [{port: 5432}]}",
            "spec: {ports: [{port: 5432}], selector: {app: \"${components.web.metadata.name}\"}}");
    assertThat(problems(cyclic))
        .anySatisfy(p -> assertThat(p).contains("cycle").contains("web → db → web"));
  }

  @Test
  void twoComponentsOfOneNameAreRefused() {
    assertThat(problems(WEB_AND_DB.replace("- name: db", "- name: web")))
        .anySatisfy(p -> assertThat(p).contains("\"web\" names two components"));
  }

  @Test
  void aComponentWithTwoKindsIsRefused() {
    assertThat(
            problems(
                """
                components:
                - name: a
                  template: {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
                  provision: {image: tool}
                """))
        .containsExactly(
            "spec.components[a]: sets 2 of template, provision and miniCluster; keep one");
  }

  @Test
  void aSecretIntoAPlainFieldIsRefusedAndIntoASecretIsAllowed() {
    String spec =
        """
        secretParameters:
        - {name: dbPassword, secretKeyRef: {name: creds, key: password}}
        components:
        - name: creds
          template:
            apiVersion: v1
            kind: Secret
            metadata: {name: app-creds}
            stringData: {password: "${secretParameters.dbPassword}"}
        - name: app
          template:
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: app}
            data: {url: "postgres://app:${secretParameters.dbPassword}@db"}
        """;
    assertThat(problems(spec))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("spec.components[app].template.data.url:")
                    .contains("reads a secret"));
  }

  @Test
  void aComponentsSecretIsASecretToo() {
    String spec =
        """
        components:
        - name: creds
          template: {apiVersion: v1, kind: Secret, metadata: {name: c}, stringData: {p: x}}
        - name: app
          template:
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: app}
            data: {p: "${components.creds.secret.p}"}
        """;
    assertThat(problems(spec)).anySatisfy(p -> assertThat(p).contains("reads a secret"));
  }

  @Test
  void aClusterScopedKindIsRefused() {
    assertThat(
            problems(
                """
                components:
                - name: ns
                  template: {apiVersion: v1, kind: Namespace, metadata: {name: x}}
                """))
        .containsExactly(
            "spec.components[ns].template.kind: Namespace is cluster-scoped; a Stack makes only"
                + " namespaced objects");
  }

  @Test
  void anotherNamespaceIsRefused() {
    assertThat(
            problems(
                """
                components:
                - name: cm
                  template: {apiVersion: v1, kind: ConfigMap, metadata: {name: x, namespace: other}}
                """))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("metadata.namespace").contains("\"other\""));
  }

  @Test
  void aComputedKindIsRefused() {
    assertThat(
            problems(
                """
                parameters: {k: ConfigMap}
                components:
                - name: cm
                  template: {apiVersion: v1, kind: "${parameters.k}", metadata: {name: x}}
                """))
        .containsExactly(
            "spec.components[cm].template.kind: kind must be written out, not computed by an"
                + " expression");
  }

  @Test
  void includeWhenReadsParametersOnly() {
    assertThat(
            problems(
                WEB_AND_DB.replace(
                    "- name: db\n",
                    "- name: db\n  includeWhen: [\"components.web.spec.replicas > 1\"]\n")))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("spec.components[db].includeWhen[0]:")
                    .contains("parameters only"));
  }

  @Test
  void aConditionThatIsNotABoolIsRefused() {
    assertThat(
            problems(
                WEB_AND_DB.replace(
                    "- name: db\n", "- name: db\n  readyWhen: [\"parameters.replicas\"]\n")))
        .containsExactly(
            "spec.components[db].readyWhen[0]: parameters.replicas is of type int; a condition must"
                + " be a bool");
  }

  @Test
  void aTimeoutThatIsNotADurationIsRefused() {
    assertThat(problems(WEB_AND_DB.replace("- name: db\n", "- name: db\n  timeout: 10 minutes\n")))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("spec.components[db].timeout:"));
    assertThat(StackCompiler.duration("1h30m", "t", new java.util.ArrayList<>()))
        .isEqualTo(java.time.Duration.ofMinutes(90));
  }

  @Test
  void anUnknownDependsOnIsRefused() {
    assertThat(problems(WEB_AND_DB.replace("- name: db\n", "- name: db\n  dependsOn: [cache]\n")))
        .singleElement()
        .satisfies(
            p -> assertThat(p).startsWith("spec.components[db].dependsOn:").contains("\"cache\""));
  }

  @Test
  void aForEachOverSomethingThatIsNotAListIsRefused() {
    assertThat(
            problems(
                """
                parameters: {servers: bbb1}
                components:
                - name: media
                  forEach: ${parameters.servers}
                  template:
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: "media-${each}"}
                """))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("spec.components[media].forEach: ")
                    .contains("not a list"));
  }

  @Test
  void aCollectionWhoseNameDoesNotReadTheItemIsRefused() {
    assertThat(
            problems(
                """
                parameters: {servers: [bbb1, bbb2]}
                components:
                - name: media
                  forEach: ${parameters.servers}
                  template:
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: media}
                    data: {server: "${each}"}
                """))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("spec.components[media].template.metadata.name: ")
                    .contains("must read each"));
  }

  @Test
  void eachOutsideACollectionIsRefused() {
    assertThat(
            problems(
                """
                components:
                - name: one
                  template:
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: "one-${each}"}
                """))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("each is the item of a forEach"));
  }

  @Test
  void aSecretReadThroughAMacroOrAnIndexIsStillRefusedInAPlainField() {
    for (String read :
        List.of(
            "${[components.creds].map(c, c.secret.password)[0]}",
            "${components.creds['secret'].password}")) {
      assertThat(
              problems(
                  """
                  components:
                  - name: creds
                    template:
                      apiVersion: v1
                      kind: Secret
                      metadata: {name: creds}
                      stringData: {password: p}
                  - name: app
                    template:
                      apiVersion: v1
                      kind: ConfigMap
                      metadata: {name: app}
                      data: {password: "%s"}
                  """
                      .formatted(read)))
          .as(read)
          .anySatisfy(
              p ->
                  assertThat(p)
                      .startsWith("spec.components[app].template.data.password: ")
                      .contains("reads a secret"));
    }
  }

  @Test
  void memberActionsOnAComponentThatRunsNoPodsAreRefused() {
    assertThat(
            problems(
                """
                components:
                - name: settings
                  onMemberJoin: {template: {spec: {containers: [{name: a, image: busybox}]}}}
                  template: {apiVersion: v1, kind: ConfigMap, metadata: {name: settings}}
                """))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("spec.components[settings].onMemberJoin: ")
                    .contains("a ConfigMap runs none"));
  }

  @Test
  void aMemberFieldThatDoesNotExistIsRefusedNamingTheOnesThatDo() {
    assertThat(
            problems(
                """
                components:
                - name: media
                  onMemberLeave:
                    template:
                      spec:
                        containers: [{name: a, image: busybox, command: ["${member.adress}"]}]
                  template:
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: media}
                    spec: {template: {spec: {containers: [{name: m, image: m}]}}}
                """))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith(
                        "spec.components[media].onMemberLeave.template.spec.containers[0].command[0]")
                    .contains("adress")
                    .contains("member: name, address, node, labels, ports"));
  }

  @Test
  void memberOutsideAMemberActionIsRefused() {
    assertThat(
            problems(
                """
                components:
                - name: one
                  template:
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: one}
                    data: {a: "${member.name}"}
                """))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("member is read only in onMemberJoin"));
  }

  @Test
  void whatAMemberActionReadsIsADependencyOfItsComponent() {
    StackDefinition def =
        compile(
            """
            components:
            - name: scalelite
              template: {apiVersion: v1, kind: ConfigMap, metadata: {name: scalelite}}
            - name: media
              onMemberJoin:
                template:
                  spec:
                    containers:
                    - {name: a, image: busybox, command: ["${components.scalelite.metadata.name}"]}
              template:
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: media}
                spec: {template: {spec: {containers: [{name: m, image: m}]}}}
            """);
    assertThat(def.problems()).isEmpty();
    assertThat(def.components().get("media").dependsOn()).containsExactly("scalelite");
  }
}
