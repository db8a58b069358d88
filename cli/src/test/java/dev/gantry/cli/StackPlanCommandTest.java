package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `gantry stack plan` needs no cluster: the client it is given is never called. */
class StackPlanCommandTest {
  static final String HELLO = Path.of("..", "examples", "stack", "hello", "stack.yaml").toString();

  @Test
  void theHelloExamplePlansInFourWavesWithItsNetworkRulesAndTeardown() {
    CliHarness plan = CliHarness.run(null, "stack", "plan", "-f", HELLO);
    assertThat(plan.exitCode).as(plan.err()).isZero();
    assertThat(plan.out())
        .contains("Stack hello: 4 components in 4 waves")
        .containsPattern("wave 1\\n\\s+COMPONENT.*\\n\\s+page\\s+ConfigMap hello-page\\s+-\\s+-")
        .containsPattern(
            "wave 2\\n.*\\n\\s+web\\s+Deployment hello-web\\s+page\\s+8080/TCP from check")
        .containsPattern("\\s+service\\s+Service hello\\s+web\\s+-")
        .containsPattern("check\\s+Job hello-check\\s+service\\s+accepts nothing \\(no ports\\)")
        .contains(
            "check reads ${components.service.service.host} at /spec/template/spec/containers/0/command/3")
        .contains(
            "Teardown (on delete, each once what depends on it is gone; Provisions last): check, service, web, page");
  }

  @Test
  void aStackThatWouldBeRefusedExitsOneNamingTheField(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        Files.readString(Path.of(HELLO))
            .replace("components.service.service.host", "components.servce.service.host"));
    CliHarness plan = CliHarness.run(null, "stack", "plan", "-f", bad.toString());
    assertThat(plan.exitCode).isEqualTo(1);
    assertThat(plan.err())
        .contains("Stack hello would be refused:")
        .contains("spec.components[check].template.spec.template.spec.containers[0].command[3]")
        .contains("undefined field 'servce'");
  }

  @Test
  void aFileWithoutAStackSaysSo(@TempDir Path dir) throws Exception {
    Path other = dir.resolve("cm.yaml");
    Files.writeString(other, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    CliHarness plan = CliHarness.run(null, "stack", "plan", "-f", other.toString());
    assertThat(plan.exitCode).isNotZero();
    assertThat(plan.err()).contains("holds no Stack");
  }
}
