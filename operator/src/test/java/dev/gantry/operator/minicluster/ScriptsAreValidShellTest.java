package dev.gantry.operator.minicluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.minicluster.MiniCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every generated entrypoint script parses with bash -n, for every example shape. */
class ScriptsAreValidShellTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../examples/minicluster/hello-world.yaml",
        "../examples/minicluster/interactive.yaml",
        "../examples/minicluster/mpi-lammps.yaml",
        "src/test/resources/minicluster/batch.yaml",
        "src/test/resources/minicluster/nginx-sidecar-service.yaml"
      })
  void generatedScriptsParse(String manifest) throws Exception {
    dev.gantry.operator.testing.RequiredProgram.bash();
    MiniCluster mc = MiniClusterManifestsTest.load(manifest);
    Map<String, String> scripts =
        MiniClusterObjects.entrypoint(mc, mc.getSpec().maxSizeOrDefault()).getData();
    assertThat(scripts).isNotEmpty();
    for (var e : scripts.entrySet()) {
      Path file = dir.resolve(e.getKey() + ".sh");
      Files.writeString(file, e.getValue());
      Process p =
          new ProcessBuilder(List.of("/bin/bash", "-n", file.toString()))
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).as(e.getKey() + " of " + manifest + ": " + out).isZero();
    }
  }
}
