package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.provision.DeliverablesSpec;
import dev.gantry.api.provision.Provision;
import org.junit.jupiter.api.Test;

class DeliverablesFetchPodTest {
  @Test
  void mountsTheClaimReadOnlyAtTheMountPathAndEndsByItself() {
    Provision p = RunJobTest.provision(null);
    p.getSpec().deliverables = new DeliverablesSpec();
    p.getSpec().deliverables.mountPath = "/out";
    var pod = DeliverablesFetchPod.desired(p, "busybox:1.36");

    assertThat(pod.getMetadata().getName()).isEqualTo("fetch-rancher");
    assertThat(pod.getMetadata().getNamespace()).isEqualTo("infra");
    assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/component", "fetch");
    var spec = pod.getSpec();
    assertThat(spec.getActiveDeadlineSeconds()).isEqualTo(600L);
    assertThat(spec.getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
        .isEqualTo("rancher-deliverables");
    assertThat(spec.getVolumes().get(0).getPersistentVolumeClaim().getReadOnly()).isTrue();
    var mount = spec.getContainers().get(0).getVolumeMounts().get(0);
    assertThat(mount.getMountPath()).isEqualTo("/out");
    assertThat(mount.getReadOnly()).isTrue();
  }
}
