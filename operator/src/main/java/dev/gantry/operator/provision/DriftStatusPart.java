package dev.gantry.operator.provision;

import dev.gantry.api.provision.DriftStatus;
import dev.gantry.operator.kube.Conditions;

/** Drift detection's part of the status: the Drifted condition and status.drift. */
final class DriftStatusPart {
  static final String DRIFTED = ProvisionStatusFactory.DRIFTED;

  private DriftStatusPart() {}

  /** What the last pass found stays until this generation's apply stands again. */
  static void keep(StatusDraft d) {
    if (d.provision.getSpec().driftDetection == null) {
      d.status.drift = null;
      return;
    }
    d.status.drift = d.previous.drift;
    d.keep(DRIFTED);
  }

  /** While the generation stands applied. */
  static void write(StatusDraft d, DriftState drift) {
    long generation = d.generation;
    if (drift instanceof DriftState.Off) {
      d.status.drift = null;
    } else if (drift instanceof DriftState.Invalid invalid) {
      d.status.drift = null;
      d.conditions.set(DRIFTED, Conditions.UNKNOWN, "InvalidInterval", invalid.message());
    } else if (drift instanceof DriftState.Checking c) {
      d.status.drift = c.previous();
      d.status.run = ApplyStatus.run(RunKind.DRIFT, c.jobName(), c.run(), c.outcome());
      d.conditions.set(
          DRIFTED,
          lastVerdict(c.previous()),
          "Checking",
          "Job "
              + c.jobName()
              + " is checking generation "
              + generation
              + " for drift (run "
              + c.run()
              + ")"
              + (c.outcome() == null || c.outcome().message().isEmpty()
                  ? ""
                  : ": " + c.outcome().message()));
    } else if (drift instanceof DriftState.CheckFailed f) {
      d.status.drift = f.drift();
      d.status.run = ApplyStatus.run(RunKind.DRIFT, f.jobName(), f.outcome().id(), f.outcome());
      d.conditions.set(
          DRIFTED,
          Conditions.UNKNOWN,
          "CheckFailed",
          "Job "
              + f.jobName()
              + " could not check for drift: "
              + f.outcome().message()
              + "\nThe next check is at "
              + f.drift().nextCheckTime);
    } else if (drift instanceof DriftState.Queued q) {
      d.status.drift = q.drift();
      d.conditions.set(
          DRIFTED,
          q.checkedSinceApply() ? lastVerdict(q.drift()) : Conditions.FALSE,
          "CheckQueued",
          "a drift check of generation " + generation + " is due and waits: " + q.why());
    } else if (drift instanceof DriftState.Idle idle) {
      d.status.drift = idle.drift();
      DriftStatus s = idle.drift();
      if (!idle.checkedSinceApply() || s.run == null) {
        d.conditions.set(
            DRIFTED,
            false,
            "NotCheckedYet",
            "no drift check has run since generation "
                + generation
                + " was applied; the first is at "
                + s.nextCheckTime);
      } else if (Boolean.TRUE.equals(s.drifted)) {
        d.conditions.set(
            DRIFTED,
            true,
            "Drifted",
            "the drift check of "
                + s.lastCheckTime
                + " (run "
                + s.run
                + ") plans "
                + s.summary
                + ": the infrastructure no longer matches generation "
                + generation
                + "; the next check is at "
                + s.nextCheckTime);
      } else {
        d.conditions.set(
            DRIFTED,
            false,
            "NoDrift",
            "the drift check of "
                + s.lastCheckTime
                + " (run "
                + s.run
                + ") found no changes; the next check is at "
                + s.nextCheckTime);
      }
    }
  }

  private static String lastVerdict(DriftStatus last) {
    if (last == null || last.drifted == null) {
      return Conditions.UNKNOWN;
    }
    return last.drifted ? Conditions.TRUE : Conditions.FALSE;
  }
}
