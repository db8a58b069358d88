package dev.gantry.operator.minicluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.minicluster.MiniCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every object Gantry makes for the Flux Operator's example shapes, compared with a reviewed copy
 * under src/test/resources/minicluster/golden. After an intended change, regenerate them with
 * {@code ./mvnw -pl operator test -Dtest=GoldenObjectsTest -Dgolden.update=true} and review the
 * diff.
 */
class GoldenObjectsTest {
  static final Path GOLDEN = Path.of("src", "test", "resources", "minicluster", "golden");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../examples/minicluster/hello-world.yaml",
        "../examples/minicluster/interactive.yaml",
        "../examples/minicluster/mpi-lammps.yaml",
        "src/test/resources/minicluster/batch.yaml",
        "src/test/resources/minicluster/nginx-sidecar-service.yaml"
      })
  void objectsMatchTheGoldenFile(String manifest) throws Exception {
    MiniCluster mc = MiniClusterManifestsTest.load(manifest);
    int maximumSize = mc.getSpec().maxSizeOrDefault();
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(MiniClusterObjects.entrypoint(mc, maximumSize));
    objects.add(MiniClusterObjects.rankService(mc));
    objects.addAll(MiniClusterObjects.containerServices(mc));
    objects.add(RankJob.desired(mc, maximumSize));
    StringBuilder yaml = new StringBuilder();
    for (HasMetadata o : objects) {
      yaml.append(Serialization.asYaml(o));
    }
    Path golden = GOLDEN.resolve(mc.getMetadata().getName() + ".yaml");
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, yaml.toString());
    }
    assertThat(golden).as("golden file (regenerate with -Dgolden.update=true)").exists();
    assertThat(yaml.toString()).isEqualTo(Files.readString(golden));
  }
}
