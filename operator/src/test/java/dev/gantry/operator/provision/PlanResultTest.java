package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlanResultTest {
  static final String SHA = "c".repeat(64);

  @Test
  void terraformsSummaryLineGivesTheCounts() {
    PlanResult r =
        PlanResult.parse(
                "gantry-plan/v1 2 " + SHA + "\nPlan: 2 to add, 1 to change, 0 to destroy.\n")
            .orElseThrow();
    assertThat(r.sha256()).isEqualTo(SHA);
    assertThat(r.hasChanges()).isTrue();
    assertThat(r.summary()).isEqualTo("+2 ~1 -0");
  }

  @Test
  void colouredAndImportingSummariesAreRead() {
    PlanResult r =
        PlanResult.parse(
                "gantry-plan/v1 2 "
                    + SHA
                    + "\n\u001B[1mPlan:\u001B[0m 1 to import, 0 to add, 0 to change, 0 to destroy.")
            .orElseThrow();
    assertThat(r.summary()).isEqualTo("+0 ~0 -0");
    assertThat(r.hasChanges()).as("an import changes the state").isTrue();
  }

  @Test
  void noChangesIsNoChanges() {
    PlanResult r =
        PlanResult.parse("gantry-plan/v1 0 " + SHA + "\nNo changes. Your infrastructure matches.")
            .orElseThrow();
    assertThat(r.hasChanges()).isFalse();
    assertThat(r.summary()).isEqualTo("no changes");
  }

  @Test
  void withoutASummaryTheDetailedExitCodeTells() {
    assertThat(PlanResult.parse("gantry-plan/v1 2 " + SHA + "\n").orElseThrow().hasChanges())
        .isTrue();
    assertThat(PlanResult.parse("gantry-plan/v1 0 " + SHA).orElseThrow().hasChanges()).isFalse();
  }

  @Test
  void aMissingPlanFileHasNoChecksumAndOtherMessagesAreNoPlan() {
    assertThat(PlanResult.parse("gantry-plan/v1 0 -\nNo changes.").orElseThrow().sha256()).isNull();
    assertThat(PlanResult.parse("gantry-deliverables/v1 0\n")).isEmpty();
    assertThat(PlanResult.parse(null)).isEmpty();
  }
}
