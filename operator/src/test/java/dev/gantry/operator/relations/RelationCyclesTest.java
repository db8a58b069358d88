package dev.gantry.operator.relations;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RelationCyclesTest {
  static Deployment workload(String name, String relations) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .addToAnnotations("tengu.io/consumes", "x")
        .addToAnnotations("tengu.io/relations", relations)
        .endMetadata()
        .withNewSpec()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .endTemplate()
        .endSpec()
        .build();
  }

  static Service service(String name, String selects) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("tengu.io/provides", "x")
        .endMetadata()
        .withNewSpec()
        .addToSelector("app", selects)
        .endSpec()
        .build();
  }

  static Map<String, Service> services =
      Map.of(
          "a-svc",
          service("a-svc", "a"),
          "b-svc",
          service("b-svc", "b"),
          "c-svc",
          service("c-svc", "c"));

  @Test
  void twoWorkloadsRelatingToEachOtherAreACycle() {
    Deployment a = workload("a", "b-svc");
    Deployment b = workload("b", "a-svc");
    assertThat(
            RelationCycles.through(
                WorkloadKind.DEPLOYMENT,
                a,
                List.of(a, b),
                n -> Optional.ofNullable(services.get(n))))
        .contains("a → b → a");
  }

  @Test
  void aLongerCycleIsFound() {
    Deployment a = workload("a", "b-svc");
    Deployment b = workload("b", "c-svc");
    Deployment c = workload("c", "a-svc");
    assertThat(
            RelationCycles.through(
                WorkloadKind.DEPLOYMENT,
                a,
                List.of(a, b, c),
                n -> Optional.ofNullable(services.get(n))))
        .contains("a → b → c → a");
  }

  @Test
  void aChainIsNotACycle() {
    Deployment a = workload("a", "b-svc");
    Deployment b = workload("b", "c-svc");
    Deployment c = workload("c", "");
    assertThat(
            RelationCycles.through(
                WorkloadKind.DEPLOYMENT,
                a,
                List.of(a, b, c),
                n -> Optional.ofNullable(services.get(n))))
        .isEmpty();
  }
}
