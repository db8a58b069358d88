package dev.gantry.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Reads a finished run's log from the deliverables volume ({@code runs/<generation>-<run>.log}),
 * where the run wrapper keeps it after the pod is gone.
 */
final class RunLogReader {
  static final Pattern RUN_ID = Pattern.compile("[1-9][0-9]*-[1-9][0-9]*");

  /** Exit code of the read script when the log is not there. */
  private static final int MISSING = 3;

  private static final String READ =
      "cd \"$1\" || exit 4\n"
          + "if [ ! -f \"runs/$2.log\" ]; then ls -1t runs 2>/dev/null | sed -n 's/\\.log$//p'; exit "
          + MISSING
          + "; fi\n"
          + "cat \"runs/$2.log\"\n";

  private RunLogReader() {}

  /** Checks the --run value before anything is asked of the cluster. */
  static String checkedId(String run) {
    if (!RUN_ID.matcher(run).matches()) {
      throw new UserError(
          "--run "
              + run
              + ": give a run as <generation>-<number>, for example 3-2 (gantry describe lists the"
              + " latest run; status.run.log names its file)");
    }
    return run;
  }

  static void copy(
      KubernetesClient client,
      String namespace,
      DeliverablesVolume.Mounted mounted,
      String runId,
      String claim,
      OutputStream out)
      throws Exception {
    VolumeExec.Result read = VolumeExec.run(client, namespace, mounted, READ, runId);
    int code = read.exitCode();
    if (code == MISSING) {
      String kept = new String(read.output(), StandardCharsets.UTF_8).strip().replace('\n', ' ');
      throw new UserError(
          "no log of run "
              + runId
              + " on claim "
              + claim
              + (kept.isEmpty()
                  ? ": no run has kept a log there yet"
                  : ": the runs kept there are " + kept)
              + " (spec.runLogs.keep sets how many stay)");
    }
    if (code != 0) {
      throw new UserError(
          "reading the log of run "
              + runId
              + " from pod "
              + mounted.pod()
              + " failed (exit code "
              + code
              + ")");
    }
    out.write(read.output());
    out.flush();
  }
}
