package dev.gantry.operator.relations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelationResolverTest {
  static Resolution resolve(
      FakeLookup lookup, String consumes, String relations, Map<String, String> podLabels) {
    var declaration =
        RelationDeclaration.fromAnnotations(
            Map.of("tengu.io/consumes", consumes, "tengu.io/relations", relations));
    return RelationResolver.resolve(
        declaration,
        n -> lookup.service("demo", n),
        s -> lookup.credentials("demo", s),
        podLabels,
        Resolution.Explicit.NONE);
  }

  @Test
  void envNamesAreUpperCaseIdentifiers() {
    assertThat(EnvNames.of("sse")).isEqualTo("SSE");
    assertThat(EnvNames.of("my-db")).isEqualTo("MY_DB");
    assertThat(EnvNames.of("db", "url")).isEqualTo("DB_URL");
    assertThat(EnvNames.of("3d")).isEqualTo("_3D");
  }

  @Test
  void aProviderOfAnInterfaceNotConsumedIsAProblem() {
    var r =
        resolve(
            new FakeLookup().externalName("sse-endpoint", "mqtt", "x"),
            "sse",
            "sse-endpoint",
            Map.of());
    assertThat(r.problems())
        .singleElement()
        .asString()
        .contains("provides \"mqtt\"")
        .contains("tengu.io/consumes");
    assertThat(r.complete()).isFalse();
  }

  @Test
  void aServiceWithoutProvidesLabelIsAProblem() {
    FakeLookup lookup = new FakeLookup().externalName("sse-endpoint", "sse", "x");
    lookup.services.get("sse-endpoint").getMetadata().setLabels(Map.of());
    assertThat(resolve(lookup, "sse", "sse-endpoint", Map.of()).problems())
        .singleElement()
        .asString()
        .contains("label it tengu.io/provides");
  }

  @Test
  void aRelationToItselfIsReportedNotLoopedOn() {
    FakeLookup lookup = new FakeLookup().clusterIp("db-endpoint", "db", 5432, null);
    var r = resolve(lookup, "db", "db-endpoint", Map.of("app", "db-endpoint"));
    assertThat(r.problems()).singleElement().asString().contains("cannot relate to itself");
  }

  @Test
  void aMissingCredentialsSecretIsWaitedFor() {
    FakeLookup lookup = new FakeLookup().clusterIp("db-endpoint", "db", 5432, "db-credentials");
    var r = resolve(lookup, "db", "db-endpoint", Map.of());
    assertThat(r.missing()).contains("Secret db-credentials (credentials of Service db-endpoint)");
  }

  @Test
  void hashChangesWhenTheProviderChanges() {
    var a =
        resolve(
            new FakeLookup().externalName("sse-endpoint", "sse", "a.example"),
            "sse",
            "sse-endpoint",
            Map.of());
    var b =
        resolve(
            new FakeLookup().externalName("sse-endpoint", "sse", "b.example"),
            "sse",
            "sse-endpoint",
            Map.of());
    assertThat(a.hash()).isNotEqualTo(b.hash()).hasSize(16);
    assertThat(a.hash())
        .isEqualTo(
            resolve(
                    new FakeLookup().externalName("sse-endpoint", "sse", "a.example"),
                    "sse",
                    "sse-endpoint",
                    Map.of())
                .hash());
  }

  @Test
  void declarationsReportMalformedLists() {
    var d = RelationDeclaration.fromAnnotations(Map.of("tengu.io/consumes", "sse, sse ,Bad!"));
    assertThat(d.consumes()).containsExactly("sse");
    assertThat(d.problems())
        .anyMatch(p -> p.contains("listed twice"))
        .anyMatch(p -> p.contains("\"Bad!\" is not"))
        .anyMatch(p -> p.contains("tengu.io/relations is missing"));
  }

  static dev.gantry.api.relations.Relation relation(String name, String service, String secret) {
    var relation = new dev.gantry.api.relations.Relation();
    relation.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(name)
            .withNamespace("demo")
            .build());
    var spec = new dev.gantry.api.relations.RelationSpec();
    spec.iface = "db";
    spec.consumer = new dev.gantry.api.relations.RelationSpec.Consumer();
    spec.consumer.name = "web";
    spec.provider = new dev.gantry.api.relations.RelationSpec.Provider();
    spec.provider.service = service;
    spec.provider.credentialsSecret = secret;
    relation.setSpec(spec);
    return relation;
  }

  @Test
  void aRelationWhoseProviderOrCredentialsAreMissingHoldsTheConsumerBackAndSaysWhich() {
    var lookup = new FakeLookup().clusterIp("db", "db", 5432, null);
    lookup.secrets.put("db-credentials", List.of("password"));
    var explicit =
        ExplicitRelations.resolve(
            List.of(
                relation("web-db", "db", "db-credentials"),
                relation("web-cache", "cache", null),
                relation("web-audit", "db", "audit-credentials")),
            lookup::service,
            lookup::credentials);
    assertThat(explicit.bindings())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.relation()).isEqualTo("web-db");
              assertThat(b.credentialKeys()).containsExactly("password");
            });
    assertThat(explicit.missing())
        .containsExactly(
            "Service cache (provider of Relation web-cache, not found)",
            "Secret audit-credentials (credentials of Relation web-audit)");

    var r =
        RelationResolver.resolve(
            RelationDeclaration.fromAnnotations(Map.of()),
            n -> lookup.service("demo", n),
            s -> lookup.credentials("demo", s),
            Map.of(),
            explicit);
    assertThat(r.complete()).isFalse();
    assertThat(r.summary())
        .startsWith("waiting for:")
        .contains("provider of Relation web-cache")
        .contains("credentials of Relation web-audit");
  }
}
