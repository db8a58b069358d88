package dev.gantry.operator.minicluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FluxArgumentsTest {
  @Test
  void hostlistsFollowRfc29() {
    assertThat(Hostlist.of("flux-sample", 4)).isEqualTo("flux-sample-[0-3]");
    assertThat(Hostlist.of("solo", 1)).isEqualTo("solo-0");
    assertThat(Hostlist.of("big", 10)).isEqualTo("big-[0-9]");
    assertThatThrownBy(() -> Hostlist.of("none", 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "tasks={0} size={1} -> {2}")
  @CsvSource({
    "1, 4, -n1",
    "0, 4, -N 4",
    "4, 4, -N 4 -n4",
    "8, 4, -N 4 -n8",
    "2, 4, -n2",
    "1, 1, -N 1 -n1",
  })
  void submitFlagsMatchTheFluxOperator(int tasks, int size, String expected) {
    assertThat(SubmitFlags.of(tasks, size, null, false)).isEqualTo(expected);
  }

  @Test
  void optionFlagsAndDebugAreAppended() {
    assertThat(SubmitFlags.of(2, 4, " --exclusive ", true)).isEqualTo("-n2 --exclusive -vvv");
  }
}
