package dev.gantry.operator.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackGraphTest {
  private static StackGraph graph(Object... pairs) {
    Map<String, List<String>> deps = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<String> d = (List<String>) pairs[i + 1];
      deps.put((String) pairs[i], d);
    }
    return new StackGraph(deps);
  }

  /** The BBB application's real dependencies, not the seed's fixed order. */
  private static final StackGraph BBB =
      graph(
          "greenlight", List.of("postgres"),
          "scalelite", List.of("postgres", "redis"),
          "bbb", List.of("coturn"),
          "postgres", List.of(),
          "redis", List.of(),
          "coturn", List.of(),
          "feedback", List.of());

  @Test
  void independentBranchesShareAWave() {
    assertThat(BBB.waves())
        .containsExactly(
            List.of("postgres", "redis", "coturn", "feedback"),
            List.of("greenlight", "scalelite", "bbb"));
  }

  @Test
  void teardownPutsDependentsBeforeWhatTheyNeed() {
    List<String> order = BBB.teardownOrder();
    assertThat(order.indexOf("scalelite")).isLessThan(order.indexOf("postgres"));
    assertThat(order.indexOf("scalelite")).isLessThan(order.indexOf("redis"));
    assertThat(order.indexOf("greenlight")).isLessThan(order.indexOf("postgres"));
    assertThat(order.indexOf("bbb")).isLessThan(order.indexOf("coturn"));
  }

  @Test
  void aCycleIsNamedComponentByComponent() {
    StackGraph g = graph("a", List.of("b"), "b", List.of("c"), "c", List.of("a"), "d", List.of());
    assertThat(g.cycle()).contains(List.of("a", "b", "c", "a"));
  }

  @Test
  void aComponentThatDependsOnItselfIsACycle() {
    assertThat(graph("a", List.of("a")).cycle()).contains(List.of("a", "a"));
  }

  @Test
  void anAcyclicGraphHasNoCycle() {
    assertThat(BBB.cycle()).isEmpty();
  }

  @Test
  void dependentsAreFoundFromDependencies() {
    assertThat(BBB.dependentsOf("postgres")).containsExactly("greenlight", "scalelite");
  }
}
