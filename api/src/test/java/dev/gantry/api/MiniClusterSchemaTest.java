package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.FileInputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MiniCluster CRD keeps the Flux Operator's identity and adds Gantry's validation. */
class MiniClusterSchemaTest {
  static CustomResourceDefinition crd;
  static CustomResourceDefinitionVersion version;
  static JSONSchemaProps spec;

  @BeforeAll
  static void load() throws Exception {
    try (var in =
        new FileInputStream(
            Path.of(
                    "target",
                    "classes",
                    "META-INF",
                    "fabric8",
                    "miniclusters.flux-framework.org-v1.yml")
                .toFile())) {
      crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
    version = crd.getSpec().getVersions().get(0);
    spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
  }

  @Test
  void identityMatchesTheFluxOperator() {
    assertThat(crd.getMetadata().getName()).isEqualTo("miniclusters.flux-framework.org");
    assertThat(crd.getSpec().getGroup()).isEqualTo("flux-framework.org");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("MiniCluster");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(version.getName()).isEqualTo("v1alpha2");
    assertThat(spec.getRequired()).contains("containers");
  }

  @Test
  void scaleSubresourceUsesSizeAndSelector() {
    var scale = version.getSubresources().getScale();
    assertThat(scale.getSpecReplicasPath()).isEqualTo(".spec.size");
    assertThat(scale.getStatusReplicasPath()).isEqualTo(".status.size");
    assertThat(scale.getLabelSelectorPath()).isEqualTo(".status.selector");
    assertThat(version.getSubresources().getStatus()).isNotNull();
  }

  @Test
  void printerColumnsShowSizeReadyRanksPhaseAndAge() {
    assertThat(version.getAdditionalPrinterColumns())
        .extracting(c -> c.getJsonPath())
        .contains(
            ".spec.size", ".status.readyRanks", ".status.phase", ".metadata.creationTimestamp");
  }

  @Test
  void celRulesCoverTheFluxOperatorsValidation() {
    var rules =
        spec.getXKubernetesValidations().stream()
            .map(r -> r.getRule() + " => " + r.getMessage())
            .toList();
    assertThat(rules)
        .anyMatch(r -> r.contains("self.maxSize >= self.size") && r.contains("raise maxSize"));
    assertThat(rules).anyMatch(r -> r.contains("self.minSize <= self.size"));
    assertThat(rules)
        .anyMatch(r -> r.contains("runFlux") && r.contains("exactly one container must run Flux"));
    assertThat(rules).anyMatch(r -> r.contains("has(c.name)"));
    var container = spec.getProperties().get("containers").getItems().getSchema();
    assertThat(container.getXKubernetesValidations())
        .anyMatch(r -> r.getMessage().contains("launcher and batch"));
  }

  @Test
  void defaultsAreTheFluxOperators() {
    assertThat(spec.getProperties().get("size").getDefault().asInt()).isEqualTo(1);
    assertThat(spec.getProperties().get("tasks").getDefault().asInt()).isEqualTo(1);
    assertThat(spec.getProperties().get("deadlineSeconds").getDefault().asLong())
        .isEqualTo(31_500_000L);
    assertThat(spec.getProperties().get("backoffLimit").getDefault().asInt()).isEqualTo(100);
    var flux = spec.getProperties().get("flux").getProperties();
    assertThat(flux.get("connectTimeout").getDefault().asText()).isEqualTo("5s");
    assertThat(flux.get("logLevel").getDefault().asInt()).isEqualTo(6);
    assertThat(flux.get("container").getProperties().get("mountPath").getDefault().asText())
        .isEqualTo("/mnt/flux");
  }

  @Test
  void everyGantryFieldIsDescribed() {
    assertDescribed("spec", spec);
  }

  private static void assertDescribed(String path, JSONSchemaProps props) {
    Map<String, JSONSchemaProps> children = props.getProperties();
    if (children == null && props.getItems() != null && props.getItems().getSchema() != null) {
      children = props.getItems().getSchema().getProperties();
    }
    if (children == null
        && props.getAdditionalProperties() != null
        && props.getAdditionalProperties().getSchema() != null) {
      children = props.getAdditionalProperties().getSchema().getProperties();
    }
    if (children == null) {
      return;
    }
    for (var e : children.entrySet()) {
      String here = path + "." + e.getKey();
      // Fields whose schema comes from the Kubernetes API types carry no descriptions.
      if (here.matches(".*\\.(resources|securityContext|tolerations)\\..*")) {
        continue;
      }
      assertThat(e.getValue().getDescription()).as(here + " has a description").isNotBlank();
      assertDescribed(here, e.getValue());
    }
  }
}
