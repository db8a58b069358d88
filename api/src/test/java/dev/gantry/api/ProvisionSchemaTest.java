package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.FileInputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the API server will refuse, read from the generated CRD's schema. */
class ProvisionSchemaTest {
  static JSONSchemaProps root;
  static JSONSchemaProps spec;

  @BeforeAll
  static void load() throws Exception {
    try (var in =
        new FileInputStream(
            Path.of("target", "classes", "META-INF", "fabric8", "provisions.gantry.dev-v1.yml")
                .toFile())) {
      CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
      root = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
      spec = root.getProperties().get("spec");
    }
  }

  static JSONSchemaProps field(String... path) {
    JSONSchemaProps at = spec;
    for (String p : path) {
      at = at.getProperties().get(p);
    }
    return at;
  }

  @Test
  void imageIsRequired() {
    assertThat(spec.getRequired()).contains("image");
    assertThat(root.getXKubernetesValidations())
        .anySatisfy(
            r -> {
              assertThat(r.getRule()).isEqualTo("has(self.spec)");
              assertThat(r.getMessage()).contains("spec.image");
            });
  }

  @Test
  void sizesMustBeKubernetesQuantities() {
    String pattern = field("deliverables", "size").getPattern();
    assertThat("1Gi").matches(pattern);
    assertThat("500Mi").matches(pattern);
    assertThat("1.5G").matches(pattern);
    assertThat("1 GB").doesNotMatch(pattern);
    assertThat("lots").doesNotMatch(pattern);
  }

  @Test
  void namesTooLongForTheDestroyJobAreRefusedWithAnExplanation() {
    var rule =
        root.getXKubernetesValidations().stream()
            .filter(r -> r.getRule().contains("metadata.name"))
            .findFirst()
            .orElseThrow();
    assertThat(rule.getRule()).isEqualTo("self.metadata.name.size() <= 55");
    assertThat(rule.getMessage()).contains("destroy-<name>").contains("63");
  }

  @Test
  void onlyOneVariablesSourceIsAllowed() {
    var rule = field("variables").getXKubernetesValidations().get(0);
    assertThat(rule.getRule())
        .contains("has(self.inline)")
        .contains("has(self.secretRef)")
        .contains("<= 1");
    assertThat(rule.getMessage()).contains("only one of inline, secretRef and configMapRef");
  }

  @Test
  void variablesPathMustBeAFileInADirectory() {
    String pattern = field("variables", "path").getPattern();
    assertThat("/tfvars/terraform.tfvars").matches(pattern);
    assertThat("/terraform.tfvars").doesNotMatch(pattern);
    assertThat("tfvars/x").doesNotMatch(pattern);
  }

  @Test
  void boundsAndDefaults() {
    assertThat(field("backoffLimit").getMinimum()).isZero();
    assertThat(field("backoffLimit").getMaximum()).isEqualTo(20.0);
    assertThat(field("deliverables", "holdSeconds").getMaximum()).isEqualTo(3600.0);
    assertThat(field("deliverables", "accessMode").getEnum()).hasSize(3);
    assertThat(field("destroyOnDelete").getDefault().asBoolean()).isTrue();
  }

  @Test
  void everySpecFieldIsDescribed() {
    assertDescribed("spec", spec);
  }

  private static void assertDescribed(String path, JSONSchemaProps props) {
    if (props.getProperties() == null) {
      return;
    }
    for (Map.Entry<String, JSONSchemaProps> e : props.getProperties().entrySet()) {
      String here = path + "." + e.getKey();
      // Kubernetes' own types (EnvVar, Volume, Toleration, ...) carry Kubernetes' descriptions.
      boolean gantryField =
          !here.matches(
              "spec\\.(env|envFrom|resources|runner\\.(tolerations|securityContext"
                  + "|containerSecurityContext|volumes|volumeMounts))\\..*");
      if (gantryField) {
        assertThat(e.getValue().getDescription()).as(here + " has a description").isNotBlank();
        assertDescribed(here, e.getValue());
      }
    }
  }
}
