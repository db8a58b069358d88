package dev.gantry.api.fidelity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every committed CRD passes what the API server checks when it is created, which the fabric8 mock
 * does not: structural schemas and the CEL cost budget. The checker is shown to fail on the rule
 * that a real 1.28 and 1.32 API server refused.
 */
class CrdsTheApiServerAcceptsTest {
  private final Crds crds = Crds.committed();

  @Test
  void everyCommittedCrdIsStructuralAndWithinTheCelCostBudget() {
    assertThat(crds.byFile()).hasSize(4);
    for (Map.Entry<String, JsonNode> crd : crds.byFile().entrySet()) {
      assertThat(CrdCheck.problems(crd.getValue())).as(crd.getKey()).isEmpty();
    }
  }

  @Test
  void aRuleThatFiltersAnUnboundedListIsRefusedNamingTheList() {
    JsonNode crd = crds.byFile().get("miniclusters.flux-framework.org-v1.yml").deepCopy();
    ObjectNode containers =
        (ObjectNode)
            crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/containers");
    containers.remove("maxItems");

    assertThat(CrdCheck.problems(crd))
        .anyMatch(
            p ->
                p.contains("self.containers.filter(")
                    && p.contains("iterates spec.containers, which has no maxItems"));
  }

  @Test
  void aStringScanWithoutMaxLengthIsRefusedAndWithItIsAccepted() throws Exception {
    JsonNode crd =
        Crds.documents(
                """
                spec:
                  versions:
                  - name: v1
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            x-kubernetes-validations:
                            - rule: "self.host.matches('^[a-z]+$')"
                            properties:
                              host: {type: string}
                """)
            .get(0);
    assertThat(CrdCheck.problems(crd))
        .singleElement()
        .asString()
        .contains("scans spec.host, which has no maxLength");

    ((ObjectNode) crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/host"))
        .put("maxLength", 253);
    assertThat(CrdCheck.problems(crd)).isEmpty();
  }

  @Test
  void aFieldWithoutTypeIsNotStructural() throws Exception {
    JsonNode crd =
        Crds.documents(
                """
                spec:
                  versions:
                  - name: v1
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            properties:
                              anything: {description: no type}
                """)
            .get(0);
    assertThat(CrdCheck.problems(crd))
        .contains(
            "spec has no type (a structural schema needs one on every field)",
            "spec.anything has no type (a structural schema needs one on every field)");
  }

  @Test
  void nestedIterationMultipliesTheBoundsOfBothLists() throws Exception {
    JsonNode crd =
        Crds.documents(
                """
                spec:
                  versions:
                  - name: v1
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            x-kubernetes-validations:
                            - rule: "self.a.all(x, self.b.all(y, x != y))"
                            properties:
                              a: {type: array, maxItems: 2000, items: {type: string, maxLength: 8}}
                              b: {type: array, maxItems: 2000, items: {type: string, maxLength: 8}}
                """)
            .get(0);
    assertThat(CrdCheck.problems(crd))
        .singleElement()
        .asString()
        .contains("self.a.all(x, self.b.all(y, x != y))")
        .contains("over the per-rule budget of 10000000");
  }
}
