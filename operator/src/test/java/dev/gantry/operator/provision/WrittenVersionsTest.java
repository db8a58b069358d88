package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;

class WrittenVersionsTest {
  static HasMetadata at(String version) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withResourceVersion(version)
        .endMetadata()
        .build();
  }

  @Test
  void theOwnLastWriteWinsOverALaggingCacheAndANewerCacheOverIt() {
    WrittenVersions written = new WrittenVersions();
    assertThat(written.newest("u", at("10"))).isEqualTo("10");
    written.remember("u", at("12"));
    assertThat(written.newest("u", at("10"))).as("cache lags our write").isEqualTo("12");
    assertThat(written.newest("u", at("15"))).as("someone wrote since").isEqualTo("15");
    written.forget("u");
    assertThat(written.newest("u", at("10"))).isEqualTo("10");
  }

  @Test
  void opaqueVersionsTrustTheCache() {
    WrittenVersions written = new WrittenVersions();
    written.remember("u", at("abc"));
    assertThat(written.newest("u", at("10"))).isEqualTo("10");
  }
}
