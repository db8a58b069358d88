package dev.gantry.operator.minicluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.minicluster.MiniCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    // What must hold whatever the golden file says, so that a wrong -Dgolden.update fails here.
    assertPropertiesThatMatter(mc, maximumSize, objects);
    Path golden = GOLDEN.resolve(mc.getMetadata().getName() + ".yaml");
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, yaml.toString());
    }
    assertThat(golden).as("golden file (regenerate with -Dgolden.update=true)").exists();
    assertThat(yaml.toString()).isEqualTo(Files.readString(golden));
  }

  static void assertPropertiesThatMatter(
      MiniCluster mc, int maximumSize, List<HasMetadata> objects) {
    String name = mc.getMetadata().getName();
    for (HasMetadata o : objects) {
      String what = o.getKind() + " " + o.getMetadata().getName();
      assertThat(o.getMetadata().getNamespace())
          .as(what)
          .isEqualTo(mc.getMetadata().getNamespace());
      assertThat(o.getMetadata().getOwnerReferences())
          .as(what + " is owned by the MiniCluster, as its controller")
          .singleElement()
          .satisfies(
              ref -> {
                assertThat(ref.getKind()).isEqualTo("MiniCluster");
                assertThat(ref.getName()).isEqualTo(name);
                assertThat(ref.getUid()).isEqualTo(mc.getMetadata().getUid());
                assertThat(ref.getController()).isTrue();
              });
      assertThat(o.getMetadata().getLabels())
          .as(what)
          .containsEntry("app.kubernetes.io/managed-by", "gantry")
          .containsEntry("app.kubernetes.io/instance", name);
    }
    assertThat(objects.get(0)).isInstanceOf(ConfigMap.class);
    assertThat(objects.get(0).getMetadata().getName()).isEqualTo(name + "-entrypoint");

    Service ranks = (Service) objects.get(1);
    Job job = (Job) objects.get(objects.size() - 1);
    var pod = job.getSpec().getTemplate();
    // ranks find each other as <name>-<index>.<service>: a headless Service over the Job's pods
    assertThat(ranks.getMetadata().getName()).isEqualTo(name);
    assertThat(ranks.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(ranks.getSpec().getPublishNotReadyAddresses()).isTrue();
    // An empty selector would select every pod of the namespace: it names this MiniCluster.
    assertThat(ranks.getSpec().getSelector())
        .as("the rank Service's selector")
        .isNotEmpty()
        .containsValue(name);
    assertThat(pod.getMetadata().getLabels()).containsAllEntriesOf(ranks.getSpec().getSelector());
    assertThat(pod.getSpec().getSubdomain()).isEqualTo(ranks.getMetadata().getName());

    assertThat(job.getMetadata().getName()).isEqualTo(name);
    assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
    int size = mc.getSpec().sizeOrDefault();
    assertThat(job.getSpec().getParallelism()).isEqualTo(size);
    assertThat(job.getSpec().getCompletions()).as("one completion per rank").isEqualTo(size);
    assertThat(
            job.getSpec().getSelector() == null
                ? Map.<String, String>of()
                : job.getSpec().getSelector().getMatchLabels())
        .as("the Job's own selector, when set, names this MiniCluster's pods only")
        .allSatisfy((k, v) -> assertThat(pod.getMetadata().getLabels()).containsEntry(k, v));

    // Each rank runs the user's image under the entrypoint Gantry wrote for its container.
    for (int i = 0; i < mc.getSpec().containers.size(); i++) {
      var declared = mc.getSpec().containers.get(i);
      var container = pod.getSpec().getContainers().get(i);
      assertThat(container.getImage()).as("container " + i).isEqualTo(declared.imageOrDefault());
      if (!Boolean.TRUE.equals(declared.noWrapEntrypoint)) {
        assertThat(container.getCommand())
            .as("container " + i + " runs its entrypoint script")
            .hasSize(2)
            .first()
            .isEqualTo("/bin/bash");
        assertThat(container.getCommand().get(1))
            .matches(MiniClusterNames.ENTRYPOINT_DIR + "/(start|wait)-" + i + "\\.sh");
        assertThat(((ConfigMap) objects.get(0)).getData())
            .as("the script it runs is in the entrypoint ConfigMap")
            .containsKey(
                container
                    .getCommand()
                    .get(1)
                    .substring(MiniClusterNames.ENTRYPOINT_DIR.length() + 1)
                    .replace(".sh", ""));
      }
    }

    // every container service answers on the ports its container declares
    List<Service> containerServices =
        objects.subList(2, objects.size() - 1).stream().map(Service.class::cast).toList();
    for (Service service : containerServices) {
      assertThat(pod.getMetadata().getLabels())
          .as("Service " + service.getMetadata().getName() + " selects the rank pods")
          .containsAllEntriesOf(service.getSpec().getSelector());
      for (ServicePort port : service.getSpec().getPorts()) {
        assertThat(
                pod.getSpec().getContainers().stream()
                    .flatMap(c -> c.getPorts().stream())
                    .map(ContainerPort::getContainerPort))
            .as("Service " + service.getMetadata().getName() + " port " + port.getPort())
            .contains(port.getTargetPort().getIntVal());
      }
    }
  }
}
