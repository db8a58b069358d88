package dev.gantry.operator.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.api.stack.Stack;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StackAdmissionTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static final String CYCLE =
      """
      components:
      - name: a
        template:
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: a}
          data: {peer: "${components.b.metadata.name}"}
      - name: b
        template:
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: b}
          data: {peer: "${components.a.metadata.name}"}
      """;

  static final String VALID =
      """
      components:
      - name: a
        template:
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: a}
          data: {x: y}
      """;

  static byte[] review(String operation, String spec, String oldSpec) {
    ObjectNode review = JSON.createObjectNode();
    ObjectNode request = review.putObject("request");
    request.put("uid", "u-1").put("operation", operation).put("namespace", "apps");
    request.set("object", tree(spec));
    if (oldSpec != null) {
      request.set("oldObject", tree(oldSpec));
    }
    return review.toString().getBytes(StandardCharsets.UTF_8);
  }

  static JsonNode tree(String spec) {
    Stack stack = StackCompilerTest.stack(spec);
    return Serialization.jsonMapper().valueToTree(stack);
  }

  static JsonNode response(dev.gantry.operator.relations.AdmissionHandler.Answer answer)
      throws Exception {
    return JSON.readTree(answer.body()).path("response");
  }

  @Test
  void aStackWithACycleIsRefusedNamingTheCycle() throws Exception {
    var answer = new StackAdmission().handle(review("CREATE", CYCLE, null));
    JsonNode response = response(answer);
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("uid").asText()).isEqualTo("u-1");
    assertThat(response.at("/status/code").asInt()).isEqualTo(422);
    assertThat(response.at("/status/message").asText())
        .startsWith("Stack shop is invalid: ")
        .contains("cycle");
  }

  @Test
  void aValidStackIsAdmitted() throws Exception {
    assertThat(
            response(new StackAdmission().handle(review("CREATE", VALID, null)))
                .path("allowed")
                .asBoolean())
        .isTrue();
  }

  @Test
  void anEditThatBreaksTheSpecIsRefusedButOneThatLeavesItAloneIsNot() throws Exception {
    assertThat(
            response(new StackAdmission().handle(review("UPDATE", CYCLE, VALID)))
                .path("allowed")
                .asBoolean())
        .isFalse();
    // A finalizer added to a Stack admitted while Gantry was down: its spec is not being changed.
    assertThat(
            response(new StackAdmission().handle(review("UPDATE", CYCLE, CYCLE)))
                .path("allowed")
                .asBoolean())
        .isTrue();
  }

  @Test
  void aBodyThatIsNotJsonIsABadRequest() {
    assertThat(new StackAdmission().handle("nope".getBytes(StandardCharsets.UTF_8)).status())
        .isEqualTo(400);
  }
}
