package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.api.provision.RunStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamespaceGuardTest {
  static Provision provision(String name, boolean ran) {
    Provision p = new PlannerFixture(1).provision;
    p.getMetadata().setName(name);
    if (ran) {
      p.setStatus(new ProvisionStatus());
      p.getStatus().run = new RunStatus();
      p.getStatus().run.type = "apply";
    }
    return p;
  }

  @Test
  void aNamespaceWithAProvisionThatRanIsRefusedSayingWhatToDeleteFirstAndHow() {
    var why = NamespaceGuard.refusal("infra", List.of(provision("rancher", true)));
    assertThat(why)
        .get()
        .asString()
        .contains(
            "holds Provision rancher",
            "gantry delete provision/rancher -n infra --wait",
            "kubectl delete provisions --all -n infra --wait",
            "gantry.dev/skip-destroy=true",
            "gantry.dev/namespace-guard=disabled");
  }

  @Test
  void provisionsThatNeverRanOrWillNotDestroyLetTheNamespaceGo() {
    Provision skipped = provision("skipped", true);
    skipped.getMetadata().setAnnotations(Map.of(Provision.SKIP_DESTROY_ANNOTATION, "true"));
    Provision kept = provision("kept", true);
    kept.getSpec().destroyOnDelete = false;
    assertThat(NamespaceGuard.refusal("infra", List.of(provision("pending", false), skipped, kept)))
        .isEmpty();
  }

  @Test
  void aProvisionBeingDestroyedStillHoldsTheNamespace() {
    Provision going = provision("going", true);
    going.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    going.getMetadata().setFinalizers(List.of(ProvisionNames.FINALIZER));
    assertThat(NamespaceGuard.refusal("infra", List.of(going))).isPresent();
  }

  @Test
  void severalAreAllNamed() {
    assertThat(NamespaceGuard.refusal("infra", List.of(provision("b", true), provision("a", true))))
        .get()
        .asString()
        .contains("holds 2 Provisions: a, b");
  }
}
