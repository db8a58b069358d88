package dev.gantry.operator.minicluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.minicluster.ContainerVolume;
import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.api.minicluster.MiniClusterContainer;
import dev.gantry.api.minicluster.MiniClusterSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecCheckTest {
  static MiniCluster mc(MiniClusterContainer... containers) {
    MiniCluster mc = new MiniCluster();
    mc.setMetadata(new ObjectMetaBuilder().withName("c").withNamespace("ns").build());
    mc.setSpec(new MiniClusterSpec());
    mc.getSpec().containers = List.of(containers);
    return mc;
  }

  static MiniClusterContainer container(String name, boolean runFlux) {
    MiniClusterContainer c = new MiniClusterContainer();
    c.name = name;
    c.runFlux = runFlux ? true : null;
    c.image = "ubuntu";
    return c;
  }

  @Test
  void aSingleContainerRunsFluxWithoutSayingSo() {
    assertThat(SpecCheck.problems(mc(container(null, false)))).isEmpty();
  }

  @Test
  void sizesMustBeConsistent() {
    MiniCluster m = mc(container(null, false));
    m.getSpec().size = 4;
    m.getSpec().maxSize = 2;
    m.getSpec().minSize = 5;
    assertThat(SpecCheck.problems(m))
        .anyMatch(
            p ->
                p.startsWith("spec.maxSize (2) is less than spec.size (4)")
                    && p.contains("raise maxSize"))
        .anyMatch(p -> p.startsWith("spec.minSize (5) is more than spec.size (4)"));
  }

  @Test
  void exactlyOneRunnerAndNamesForTheOthers() {
    assertThat(SpecCheck.problems(mc(container("a", false), container("b", false))))
        .contains("spec.containers: 0 containers set runFlux; exactly one must run Flux");
    assertThat(SpecCheck.problems(mc(container(null, true), container(null, false))))
        .contains("spec.containers[1].name: a container that does not run Flux needs a name");
  }

  @Test
  void launcherAndBatchExcludeEachOther() {
    MiniClusterContainer c = container(null, false);
    c.launcher = true;
    c.batch = true;
    assertThat(SpecCheck.problems(mc(c))).singleElement().asString().contains("launcher and batch");
  }

  @Test
  void mountedVolumesNeedAPath() {
    MiniClusterContainer c = container(null, false);
    ContainerVolume v = new ContainerVolume();
    v.claimName = "data";
    c.volumes = Map.of("data", v);
    assertThat(SpecCheck.problems(mc(c)))
        .containsExactly("spec.containers[0].volumes.data.path: a mounted volume needs a path");
  }

  @Test
  void unsupportedFieldsAreListed() {
    MiniCluster m = mc(container(null, false));
    MiniClusterContainer redis = container(null, false);
    redis.name = "redis";
    m.getSpec().services = List.of(redis);
    m.getSpec().archive = new dev.gantry.api.minicluster.MiniClusterSpec.Archive();
    m.getSpec().flux = new dev.gantry.api.minicluster.FluxSpec();
    m.getSpec().flux.bursting = new dev.gantry.api.minicluster.FluxSpec.Bursting();
    m.getSpec().flux.arch = "arm";
    m.getSpec().shareProcessNamespace = true;
    assertThat(SpecCheck.unsupported(m))
        .containsExactly("spec.services", "spec.archive", "spec.flux.bursting", "spec.flux.arch");
  }
}
