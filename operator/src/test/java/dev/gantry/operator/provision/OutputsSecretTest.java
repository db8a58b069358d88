package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.provision.OutputFile;
import dev.gantry.api.provision.OutputsSpec;
import dev.gantry.api.provision.Provision;
import dev.gantry.operator.provision.OutputsSecret.ReadFile;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputsSecretTest {
  static final RunId RUN = new RunId(3, 1);

  static Provision provision(OutputsSpec outputs) {
    Provision p = RunJobTest.provision(null);
    p.getSpec().outputs = outputs;
    return p;
  }

  static ReadFile file(String path, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    return new ReadFile(path, true, bytes.length, bytes);
  }

  static Map<String, String> data(OutputsSecret.Result result) {
    var publish = (OutputsSecret.Publish) result;
    Map<String, String> out = new java.util.LinkedHashMap<>();
    publish
        .secret()
        .getData()
        .forEach(
            (k, v) ->
                out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return out;
  }

  @Test
  void terraformOutputsPublishTheirValuesAndPlainJsonItsTopLevelKeys() {
    var result =
        OutputsSecret.build(
            provision(null),
            RUN,
            Map.of(
                "outputs.json",
                file(
                    "outputs.json",
                    "{\"url\": {\"value\": \"https://x\", \"type\": \"string\", \"sensitive\": false},"
                        + " \"count\": {\"value\": 3, \"type\": \"number\"},"
                        + " \"plain\": {\"value\": 1, \"other\": 2}, \"flag\": true}")));
    assertThat(data(result))
        .containsExactly(
            Map.entry("url", "https://x"),
            Map.entry("count", "3"),
            Map.entry("plain", "{\"value\":1,\"other\":2}"),
            Map.entry("flag", "true"));
    var status = ((OutputsSecret.Publish) result).status();
    assertThat(status.run).isEqualTo("3-1");
    assertThat(status.items)
        .allMatch(i -> i.source.equals("outputs.json") && i.sha256.length() == 64);
  }

  @Test
  void theDefaultOutputsJsonMayBeAbsentANamedFileMayNot() {
    assertThat(OutputsSecret.build(provision(null), RUN, Map.of()))
        .isInstanceOf(OutputsSecret.Nothing.class);
    OutputsSpec spec = new OutputsSpec();
    spec.json = List.of("tf/out.json");
    var refused = (OutputsSecret.Refused) OutputsSecret.build(provision(spec), RUN, Map.of());
    assertThat(refused.reason()).isEqualTo("OutputMissing");
    assertThat(refused.message()).contains("spec.outputs.json[0]", "tf/out.json");
  }

  @Test
  void aFileIsPublishedWholeUnderItsNameOrItsKey() {
    OutputsSpec spec = new OutputsSpec();
    spec.json = List.of();
    spec.files =
        List.of(new OutputFile("keys/id_rsa", null), new OutputFile("kubeconfig", "config"));
    var result =
        OutputsSecret.build(
            provision(spec),
            RUN,
            Map.of(
                "keys/id_rsa", file("keys/id_rsa", "KEY"), "kubeconfig", file("kubeconfig", "K")));
    assertThat(data(result)).containsExactly(Map.entry("id_rsa", "KEY"), Map.entry("config", "K"));
  }

  @Test
  void badKeysConflictsAndNonJsonAreRefusedNamingTheOutput() {
    var invalid =
        (OutputsSecret.Refused)
            OutputsSecret.build(
                provision(null),
                RUN,
                Map.of("outputs.json", file("outputs.json", "{\"my url\": {\"value\": \"x\"}}")));
    assertThat(invalid.reason()).isEqualTo("OutputKeyInvalid");
    assertThat(invalid.message()).contains("\"my url\"", "outputs.json");

    OutputsSpec spec = new OutputsSpec();
    spec.files = List.of(new OutputFile("kubeconfig", null));
    var conflict =
        (OutputsSecret.Refused)
            OutputsSecret.build(
                provision(spec),
                RUN,
                Map.of(
                    "outputs.json", file("outputs.json", "{\"kubeconfig\": {\"value\": \"x\"}}"),
                    "kubeconfig", file("kubeconfig", "y")));
    assertThat(conflict.reason()).isEqualTo("OutputKeyConflict");
    assertThat(conflict.message()).contains("spec.outputs.files[0]");

    var notJson =
        (OutputsSecret.Refused)
            OutputsSecret.build(
                provision(null), RUN, Map.of("outputs.json", file("outputs.json", "[1, 2]")));
    assertThat(notJson.reason()).isEqualTo("OutputNotJson");
  }

  @Test
  void outputsTogetherOverTheSecretLimitAreRefusedNamingTheLargest() {
    OutputsSpec spec = new OutputsSpec();
    spec.json = List.of();
    spec.files = List.of(new OutputFile("a", null), new OutputFile("b", null));
    String big = "x".repeat(600 * 1024);
    var refused =
        (OutputsSecret.Refused)
            OutputsSecret.build(
                provision(spec), RUN, Map.of("a", file("a", big), "b", file("b", big + "y")));
    assertThat(refused.reason()).isEqualTo("OutputTooLarge");
    assertThat(refused.message()).contains("1.2 MiB", "the largest is b (600.0 KiB)");
  }

  @Test
  void theSecretTellsWhichRunItHoldsSoALaggingStatusNeedsNoSecondRead() {
    OutputsSpec spec = new OutputsSpec();
    spec.files = List.of(new OutputFile("kubeconfig", null));
    var publish =
        (OutputsSecret.Publish)
            OutputsSecret.build(
                provision(spec), RUN, Map.of("kubeconfig", file("kubeconfig", "K")));
    var again = OutputsSecret.statusOf(publish.secret(), RUN).orElseThrow();
    assertThat(again.items).usingRecursiveComparison().isEqualTo(publish.status().items);
    assertThat(OutputsSecret.statusOf(publish.secret(), new RunId(4, 1))).isEmpty();
  }
}
