package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToolErrorsTest {
  /** Terraform on a terminal: each diagnostic in a box. */
  static final String BOXED =
      """
      vsphere_virtual_machine.node[0]: Creating...
      ╷
      │ Error: error fetching datacenter: datacenter 'dc1' not found
      │
      │   with data.vsphere_datacenter.dc,
      │   on main.tf line 12, in data "vsphere_datacenter" "dc":
      │   12: data "vsphere_datacenter" "dc" {
      │
      ╵
      ╷
      │ Error: Invalid value for variable
      │
      │ node_count must be at least 1.
      ╵
      """;

  /** Without a terminal (TF_IN_AUTOMATION, or older Terraform): plain paragraphs. */
  static final String PLAIN =
      """
      Plan: 3 to add, 0 to change, 0 to destroy.
      rke_cluster.cluster: Creating...

      Error: Failed running cluster: ssh: handshake failed

        on rke.tf line 4, in resource "rke_cluster" "cluster":
         4: resource "rke_cluster" "cluster" {

      Releasing state lock. This may take a few moments...
      """;

  @Test
  void boxedErrorBlocksAreFoundWithoutTheBox() {
    assertThat(ToolErrors.in(BOXED))
        .containsExactly(
            "Error: error fetching datacenter: datacenter 'dc1' not found\n\n"
                + "with data.vsphere_datacenter.dc,\n"
                + "on main.tf line 12, in data \"vsphere_datacenter\" \"dc\":\n"
                + "12: data \"vsphere_datacenter\" \"dc\" {",
            "Error: Invalid value for variable\n\nnode_count must be at least 1.");
  }

  @Test
  void aPlainErrorParagraphEndsAtTheBlankLineAndTheRestIsLeftOut() {
    assertThat(ToolErrors.in(PLAIN))
        .containsExactly("Error: Failed running cluster: ssh: handshake failed");
    assertThat(ToolErrors.summary(PLAIN)).doesNotContain("Releasing state lock");
  }

  @Test
  void outputWithoutErrorsGivesNothingAndLongErrorsAreCut() {
    assertThat(ToolErrors.summary("all fine\napplied")).isEmpty();
    assertThat(ToolErrors.summary(null)).isEmpty();
    String many = ("Error: " + "x".repeat(200) + "\n\n").repeat(20);
    assertThat(ToolErrors.summary(many)).hasSize(ToolErrors.MAX).endsWith("…");
  }
}
