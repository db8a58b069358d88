package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeliverablesManifestTest {
  static final String SHA = "0123456789abcdef".repeat(4);

  @Test
  void parsesSizesHashesAndNamesWithSpaces() {
    var manifest =
        DeliverablesManifest.parse(
                "gantry-deliverables/v1 2\n10 "
                    + SHA
                    + " kubeconfig\n7 "
                    + SHA
                    + " keys/id rsa.pub\n")
            .orElseThrow();
    assertThat(manifest.truncated()).isFalse();
    assertThat(manifest.files())
        .extracting(f -> f.name)
        .containsExactly("kubeconfig", "keys/id rsa.pub");
    assertThat(manifest.files()).extracting(f -> f.size).containsExactly(10L, 7L);
    assertThat(manifest.files().get(0).sha256).isEqualTo(SHA);
  }

  @Test
  void aMessageCutInsideALineDropsThatLineAndIsMarkedTruncated() {
    var manifest =
        DeliverablesManifest.parse(
                "gantry-deliverables/v1 3\n10 " + SHA + " kubeconfig\n7 " + SHA.substring(0, 20))
            .orElseThrow();
    assertThat(manifest.files()).extracting(f -> f.name).containsExactly("kubeconfig");
    assertThat(manifest.truncated()).isTrue();
  }

  @Test
  void aLastLineWithoutNewlineMayBeCutInItsNameSoItIsDropped() {
    var manifest =
        DeliverablesManifest.parse("gantry-deliverables/v1 1\n10 " + SHA + " kubecon")
            .orElseThrow();
    assertThat(manifest.files()).isEmpty();
    assertThat(manifest.truncated()).isTrue();
  }

  @Test
  void emptyVolumeGivesAnEmptyList() {
    var manifest = DeliverablesManifest.parse("gantry-deliverables/v1 0\n").orElseThrow();
    assertThat(manifest.files()).isEmpty();
    assertThat(manifest.truncated()).isFalse();
  }

  @Test
  void logOutputIsNotAManifest() {
    assertThat(DeliverablesManifest.parse("Error: something failed\n")).isEmpty();
    assertThat(DeliverablesManifest.parse(null)).isEmpty();
    assertThat(DeliverablesManifest.parse("gantry-deliverables/v1 many\n")).isEmpty();
  }
}
