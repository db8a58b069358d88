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
        s -> lookup.secretKeys("demo", s),
        podLabels,
        List.of());
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
}
