package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /**
   * kubectl refuses unknown fields by default, so a Flux Operator manifest applies only if every
   * field of the upstream schema exists here, with the same type.
   */
  @Test
  void everyFieldOfTheFluxOperatorsSchemaExistsWithItsType() throws Exception {
    List<String> lines;
    try (var in = getClass().getResourceAsStream("/upstream/minicluster-v1alpha2-fields.txt")) {
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] pathAndType = line.split(" ");
      JSONSchemaProps ours = at(pathAndType[0]);
      checked++;
      if (ours == null) {
        missing.add(pathAndType[0] + " is missing");
      } else if (!pathAndType[1].equals("any") && !pathAndType[1].equals(ours.getType())) {
        missing.add(pathAndType[0] + " is " + ours.getType() + ", upstream " + pathAndType[1]);
      }
    }
    assertThat(checked).isGreaterThan(300);
    assertThat(missing).isEmpty();
  }

  /** The schema at a path like spec.containers[].volumes{}.path, or null. */
  private static JSONSchemaProps at(String path) {
    JSONSchemaProps node = spec;
    Matcher step =
        Pattern.compile("\\.([A-Za-z0-9_]+)|(\\[\\])|(\\{\\})").matcher(path.substring(4));
    while (node != null && step.find()) {
      if (step.group(1) != null) {
        node = node.getProperties() == null ? null : node.getProperties().get(step.group(1));
      } else if (step.group(2) != null) {
        node = node.getItems() == null ? null : node.getItems().getSchema();
      } else {
        node =
            node.getAdditionalProperties() == null
                ? null
                : node.getAdditionalProperties().getSchema();
      }
    }
    return node;
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
