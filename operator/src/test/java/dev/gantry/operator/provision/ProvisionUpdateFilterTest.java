package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProvisionUpdateFilterTest {
  final ProvisionUpdateFilter filter = new ProvisionUpdateFilter();
  final Provision old = RunJobTest.provision(null);

  Provision copy() {
    return Serialization.clone(old);
  }

  @Test
  void anApprovalOrTheSkipDestroyAnnotationReconcilesThoughNoGenerationChanged() {
    Provision approved = copy();
    approved.getMetadata().setAnnotations(Map.of(Provision.APPROVED_PLAN_ANNOTATION, "3-1"));
    assertThat(filter.accept(approved, old)).isTrue();
    Provision skip = copy();
    skip.getMetadata().setAnnotations(Map.of(Provision.SKIP_DESTROY_ANNOTATION, "true"));
    assertThat(filter.accept(skip, old)).isTrue();
  }

  @Test
  void aDestroyPreviewRequestReconcilesAndSoDoesEachNewToken() {
    Provision asked = copy();
    asked.getMetadata().setAnnotations(Map.of(Provision.DESTROY_PREVIEW_ANNOTATION, "t1"));
    assertThat(filter.accept(asked, old)).as("a request").isTrue();
    Provision again = Serialization.clone(asked);
    again.getMetadata().setAnnotations(Map.of(Provision.DESTROY_PREVIEW_ANNOTATION, "t2"));
    assertThat(filter.accept(again, asked)).as("a new token").isTrue();
    Provision same = Serialization.clone(asked);
    same.setStatus(new ProvisionStatus());
    assertThat(filter.accept(same, asked)).as("the same token, a status write").isFalse();
  }

  @Test
  void aStatusWriteOrAnotherAnnotationDoesNot() {
    Provision status = copy();
    status.setStatus(new ProvisionStatus());
    status.getStatus().phase = ProvisionStatus.Phase.Ready;
    assertThat(filter.accept(status, old)).isFalse();
    Provision other = copy();
    other.getMetadata().setAnnotations(Map.of("team", "infra"));
    assertThat(filter.accept(other, old)).isFalse();
  }

  @Test
  void aNewGenerationDeletionOrFinalizerDoes() {
    Provision next = copy();
    next.getMetadata().setGeneration(4L);
    assertThat(filter.accept(next, old)).isTrue();
    Provision deleted = copy();
    deleted.getMetadata().setDeletionTimestamp("2026-12-02T00:00:00Z");
    assertThat(filter.accept(deleted, old)).isTrue();
    Provision finalized = copy();
    finalized.getMetadata().setFinalizers(java.util.List.of("gantry.dev/destroy"));
    assertThat(filter.accept(finalized, old)).isTrue();
  }
}
