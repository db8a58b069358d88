package dev.gantry.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class JsonSubsetTest {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void aNumberWrittenAsALongIsTheSameNumberReadBackAsAnInt() {
    ObjectNode wanted = NODES.objectNode().put("replicas", 2L);
    ObjectNode actual = NODES.objectNode().put("replicas", 2).put("extra", "x");
    assertThat(JsonSubset.within(wanted, actual)).isTrue();
  }

  @Test
  void aDifferentNumberIsNotWithin() {
    ObjectNode wanted = NODES.objectNode().put("replicas", 2L);
    ObjectNode actual = NODES.objectNode().put("replicas", 3);
    assertThat(JsonSubset.within(wanted, actual)).isFalse();
  }
}
