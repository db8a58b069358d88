package dev.gantry.operator.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TemplateTextTest {
  @Test
  void aStringWithoutExpressionsIsLiteral() {
    assertThat(TemplateText.parse("nginx:1.27").literal()).isTrue();
    assertThat(TemplateText.parse("").literal()).isTrue();
  }

  @Test
  void aStringThatIsOneExpressionIsWhole() {
    TemplateText text = TemplateText.parse("${parameters.replicas}");
    assertThat(text.whole()).isTrue();
    assertThat(text.expressions()).containsExactly("parameters.replicas");
  }

  @Test
  void textAroundExpressionsIsKeptInOrder() {
    TemplateText text = TemplateText.parse("postgres://${a}:${ b }/db");
    assertThat(text.whole()).isFalse();
    assertThat(text.parts())
        .extracting(TemplateText.Part::text)
        .containsExactly("postgres://", "a", ":", "b", "/db");
  }

  @Test
  void bracesAndQuotesInsideAnExpressionDoNotCloseIt() {
    assertThat(TemplateText.parse("${ {'k': 'v}'}.k }").expressions())
        .containsExactly("{'k': 'v}'}.k");
  }

  @Test
  void aDoubledDollarWritesALiteralDollarBrace() {
    TemplateText text = TemplateText.parse("echo $${HOME}");
    assertThat(text.literal()).isTrue();
    assertThat(text.parts().get(0).text()).isEqualTo("echo ${HOME}");
  }

  @Test
  void anUnclosedExpressionIsRefusedWithItsPosition() {
    assertThatThrownBy(() -> TemplateText.parse("x ${parameters.a"))
        .hasMessageContaining("character 3")
        .hasMessageContaining("never closed");
  }
}
