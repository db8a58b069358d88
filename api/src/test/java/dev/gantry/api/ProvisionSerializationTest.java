package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.provision.DeliverablesSpec;
import dev.gantry.api.provision.Provision;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class ProvisionSerializationTest {
  private static final String SAMPLE =
      """
      apiVersion: gantry.dev/v1alpha1
      kind: Provision
      metadata: {name: rancher, namespace: default}
      spec:
        image: ez-rancher:latest
        variables:
          secretRef: {name: rancher-vars, key: terraform.tfvars}
        deliverables: {size: 1Gi}
      """;

  @Test
  void issueSampleParsesAndRoundTrips() {
    Provision p = Serialization.unmarshal(SAMPLE, Provision.class);
    assertThat(p.getSpec().image).isEqualTo("ez-rancher:latest");
    assertThat(p.getSpec().variables.secretRef.name).isEqualTo("rancher-vars");
    assertThat(p.getSpec().deliverables.size).isEqualTo("1Gi");

    Provision again = Serialization.unmarshal(Serialization.asYaml(p), Provision.class);
    assertThat(Serialization.asJson(again)).isEqualTo(Serialization.asJson(p));
  }

  @Test
  void unsetFieldsFallBackToTheSchemaDefaults() {
    Provision p = Serialization.unmarshal(SAMPLE, Provision.class);
    assertThat(p.getSpec().backoffLimitOrDefault()).isZero();
    assertThat(p.getSpec().destroysOnDelete()).isTrue();
    assertThat(p.getSpec().deliverablesOrDefault().mountPathOrDefault()).isEqualTo("/deliverables");
    assertThat(p.getSpec().deliverablesOrDefault().accessModeOrDefault())
        .isEqualTo(DeliverablesSpec.AccessMode.ReadWriteOnce);
    assertThat(p.getSpec().variablesOrDefault().pathOrDefault())
        .isEqualTo("/tfvars/terraform.tfvars");
  }

  @Test
  void helperAccessorsAreNotSerialized() {
    Provision p = Serialization.unmarshal(SAMPLE, Provision.class);
    assertThat(Serialization.asJson(p)).doesNotContain("OrDefault").doesNotContain("retained");
  }
}
