package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.provision.Provision;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example parses into Gantry's types, as `gantry apply -f` would read it. */
class ExamplesTest {
  static Stream<Path> examples() throws Exception {
    try (var files = Files.walk(Path.of("..", "examples"))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void exampleLoadsAsKubernetesObjects(Path file) throws Exception {
    try (var client = new KubernetesClientBuilder().build();
        var in = new FileInputStream(file.toFile())) {
      List<HasMetadata> items = client.load(in).items();
      assertThat(items).isNotEmpty();
      for (HasMetadata item : items) {
        if ("Provision".equals(item.getKind())) {
          Provision p =
              io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                  io.fabric8.kubernetes.client.utils.Serialization.asJson(item), Provision.class);
          assertThat(p.getSpec().image).isNotBlank();
          assertThat(p.getMetadata().getName().length())
              .isLessThanOrEqualTo(Provision.MAX_NAME_LENGTH);
        }
      }
    }
  }
}
