package dev.gantry.operator.provision;

import dev.gantry.api.provision.PlanStatus;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a plan run reported in its termination message: {@code gantry-plan/v1 <exit code>
 * <sha256|->} and the tool's summary line. Terraform's -detailed-exitcode means 0 no changes, 2
 * changes; its summary line gives the counts.
 *
 * @param add resources added, or null when the tool printed no summary Gantry recognises
 */
public record PlanResult(
    int exitCode, String sha256, Integer add, Integer change, Integer destroy, boolean hasChanges) {
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
  private static final Pattern COUNTS =
      Pattern.compile(
          "Plan:\\s+(?:(\\d+) to import, )?(\\d+) to add, (\\d+) to change, (\\d+) to destroy");

  public static Optional<PlanResult> parse(String message) {
    if (message == null) {
      return Optional.empty();
    }
    String[] lines = message.split("\n", -1);
    String[] header = lines[0].trim().split(" ");
    if (header.length != 3 || !header[0].equals(RunScripts.PLAN_HEADER)) {
      return Optional.empty();
    }
    int code;
    try {
      code = Integer.parseInt(header[1]);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    String sha = header[2].matches("[0-9a-f]{64}") ? header[2] : null;
    String summary = lines.length > 1 ? ANSI.matcher(lines[1]).replaceAll("").strip() : "";
    Matcher m = COUNTS.matcher(summary);
    if (m.find()) {
      int add = Integer.parseInt(m.group(2));
      int change = Integer.parseInt(m.group(3));
      int destroy = Integer.parseInt(m.group(4));
      int imports = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
      return Optional.of(
          new PlanResult(code, sha, add, change, destroy, add + change + destroy + imports > 0));
    }
    if (summary.contains("No changes.")) {
      return Optional.of(new PlanResult(code, sha, 0, 0, 0, false));
    }
    // No summary line: the exit code tells, as Terraform's -detailed-exitcode gives it.
    return Optional.of(new PlanResult(code, sha, null, null, null, code == 2));
  }

  /** "+2 ~1 -0", "no changes", or what the exit code said. */
  public String summary() {
    if (add == null) {
      return hasChanges ? "changes (no summary printed)" : "no changes (no summary printed)";
    }
    return hasChanges ? "+" + add + " ~" + change + " -" + destroy : "no changes";
  }

  /** The plan as status shows it and the approved apply runs it. */
  public PlanStatus toStatus(RunOutcome outcome, String jobName) {
    RunId run = outcome.id();
    PlanStatus plan = new PlanStatus();
    plan.id = run.toString();
    plan.generation = run.generation();
    plan.jobName = jobName;
    plan.summary = summary();
    plan.add = add;
    plan.change = change;
    plan.destroy = destroy;
    plan.hasChanges = hasChanges;
    plan.file = RunJob.planPath(run);
    plan.text = RunJob.planTextPath(run);
    plan.sha256 = sha256;
    plan.completionTime = outcome.completionTime();
    plan.approved = false;
    return plan;
  }
}
