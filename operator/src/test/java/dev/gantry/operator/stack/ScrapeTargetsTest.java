package dev.gantry.operator.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScrapeTargetsTest {
  static final String SPEC =
      """
      components:
      - name: media
        metrics: {port: 9100}
        template:
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: media}
          spec:
            selector: {matchLabels: {app: media}}
            template:
              metadata: {labels: {app: media}}
              spec: {containers: [{name: bbb, image: bbb}]}
      - name: web
        template:
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web}
          spec:
            selector: {matchLabels: {app: web}}
            template:
              metadata: {labels: {app: web}}
              spec: {containers: [{name: web, image: nginx}]}
      """;

  @Test
  void eachReadyPodOfAComponentWithMetricsIsATargetLabelledWithWhereItBelongs() {
    StackDefinition def = StackCompilerTest.compile(SPEC);
    Map<String, List<JsonNode>> pods =
        Map.of(
            "media",
            List.of(
                StackPlannerTest.pod("media-a", "10.0.0.1", true),
                StackPlannerTest.pod("media-b", "10.0.0.2", false)),
            "web",
            List.of(StackPlannerTest.pod("web-a", "10.0.0.9", true)));
    List<ScrapeTargets.Group> groups = ScrapeTargets.of(def, "apps", "shop", pods);
    assertThat(groups)
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.targets()).containsExactly("10.0.0.1:9100");
              assertThat(g.labels())
                  .containsEntry("__metrics_path__", "/metrics")
                  .containsEntry("namespace", "apps")
                  .containsEntry("stack", "shop")
                  .containsEntry("component", "media")
                  .containsEntry("pod", "media-a");
            });
  }

  @Test
  void aComponentWithMetricsGetsThePrometheusAnnotationsOnItsPods() {
    StackDefinition def = StackCompilerTest.compile(SPEC);
    var rendered =
        TemplateRenderer.render(
            def.component("media").orElseThrow(),
            new TemplateRenderer.Owner("gantry.dev/v1alpha1", "Stack", "shop", "apps", "u"),
            Map.of(),
            List.of());
    JsonNode annotations = rendered.object().at("/spec/template/metadata/annotations");
    assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
    assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo("9100");
    assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
  }

  @Test
  void metricsOnAComponentThatRunsNoPodsAreRefused() {
    assertThat(
            StackCompilerTest.problems(
                """
                components:
                - name: settings
                  metrics: {port: 9100}
                  template:
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: settings}
                """))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("spec.components[settings].metrics: "));
  }
}
