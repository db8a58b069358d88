package dev.gantry.operator.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class ChildMergeTest {
  static JsonNode json(String yaml) {
    return Serialization.unmarshal(yaml, JsonNode.class);
  }

  @Test
  void fieldsTheServerFilledInStayAndRenderedFieldsWin() {
    JsonNode live =
        json(
            """
            metadata: {name: a, resourceVersion: "7", uid: u}
            spec: {clusterIP: 10.0.0.1, ports: [{port: 80}], type: ClusterIP}
            status: {loadBalancer: {}}
            """);
    JsonNode desired = json("metadata: {name: a}\nspec: {ports: [{port: 8080}]}\n");
    JsonNode merged = ChildMerge.merge(live, desired, null);
    assertThat(merged.at("/spec/clusterIP").asText()).isEqualTo("10.0.0.1");
    assertThat(merged.at("/spec/ports/0/port").asInt()).isEqualTo(8080);
    assertThat(merged.at("/metadata/resourceVersion").asText()).isEqualTo("7");
    assertThat(merged.has("status")).isFalse();
  }

  @Test
  void aFieldTakenOutOfTheTemplateIsTakenOutOfTheObject() {
    JsonNode live = json("data: {a: '1', b: '2', added: x}\n");
    JsonNode last = json("data: {a: '1', b: '2'}\n");
    JsonNode desired = json("data: {a: '1'}\n");
    JsonNode merged = ChildMerge.merge(live, desired, last);
    assertThat(merged.at("/data").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("a", "added");
  }

  @Test
  void aSecretsDataIsReplacedWhole() {
    JsonNode live = json("apiVersion: v1\nkind: Secret\ndata: {a: MQ==, old: Mg==}\n");
    JsonNode desired = json("apiVersion: v1\nkind: Secret\ndata: {a: Mw==}\n");
    JsonNode merged = ChildMerge.merge(live, desired, null);
    assertThat(merged.at("/data").fieldNames()).toIterable().containsExactly("a");
    assertThat(merged.at("/data/a").asText()).isEqualTo("Mw==");
  }
}
