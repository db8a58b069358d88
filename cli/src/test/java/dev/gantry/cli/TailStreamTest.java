package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TailStreamTest {
  static String tail(String text, int lines) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TailStream tail = new TailStream(out, lines)) {
      tail.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void keepsTheLastLinesWithTheirFinalNewline() throws Exception {
    assertThat(tail("a\nb\nc\n", 2)).isEqualTo("b\nc\n");
    assertThat(tail("a\nb\nc", 2)).isEqualTo("b\nc");
  }

  @Test
  void fewerLinesThanAskedArePassedWhole() throws Exception {
    assertThat(tail("only\n", 5)).isEqualTo("only\n");
    assertThat(tail("", 5)).isEmpty();
  }
}
