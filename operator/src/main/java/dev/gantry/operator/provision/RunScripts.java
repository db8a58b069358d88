package dev.gantry.operator.provision;

/**
 * Shell run inside the apply pod. The tool container may have no shell at all (distroless images),
 * so an init container copies a static busybox into a shared emptyDir and the apply command runs
 * under it. After the tool exits, the wrapper lists the deliverables into the container's
 * termination message (at most 4 KiB, read by Gantry from the pod status: no exec, no log scraping)
 * and tells the sidecar that the run is over.
 */
final class RunScripts {
  /** Shared emptyDir between the init container, the tool container and the sidecar. */
  static final String TOOLS_DIR = "/gantry";

  static final String BUSYBOX = TOOLS_DIR + "/busybox";

  /** Written by the wrapper when the tool has exited; holds its exit code. */
  static final String EXIT_FILE = TOOLS_DIR + "/apply-exit";

  /** First line of the termination message; the file count follows it. */
  static final String MANIFEST_HEADER = "gantry-deliverables/v1";

  /** The kubelet keeps at most 4096 bytes of a termination message; stay below it. */
  static final int MANIFEST_LIMIT = 4000;

  /**
   * Init container (tools image): copy busybox, clear the seed's end marker from a previous run.
   */
  static final String INIT =
      "set -e\n"
          + "cp /bin/busybox "
          + BUSYBOX
          + "\n"
          + "rm -f \"$GANTRY_DELIVERABLES/done\" "
          + EXIT_FILE
          + "\n";

  /**
   * Tool container: run "$@", then on success write "size sha256 path" per file under the
   * deliverables directory (the seed's done marker and lost+found left out).
   */
  static final String WRAPPER =
      "\"$@\"\n"
          + "rc=$?\n"
          + "b="
          + BUSYBOX
          + "\n"
          + "if [ \"$rc\" -eq 0 ]; then\n"
          + "  cd \"$GANTRY_DELIVERABLES\" && $b find . -type f ! -path ./done ! -path './lost+found/*'"
          + " | $b sort > "
          + TOOLS_DIR
          + "/files\n"
          + "  { echo \""
          + MANIFEST_HEADER
          + " $($b wc -l < "
          + TOOLS_DIR
          + "/files)\"\n"
          + "    while IFS= read -r f; do\n"
          + "      echo \"$($b stat -c %s \"$f\") $($b sha256sum \"$f\" | $b cut -d' ' -f1) ${f#./}\"\n"
          + "    done < "
          + TOOLS_DIR
          + "/files\n"
          + "  } | $b head -c "
          + MANIFEST_LIMIT
          + " > /dev/termination-log\n"
          + "fi\n"
          + "echo \"$rc\" > "
          + EXIT_FILE
          + "\n"
          + "exit \"$rc\"\n";

  /**
   * Deliverables sidecar (tools image): stays up, as the seed's clients expect, until they write
   * the done marker, or until GANTRY_HOLD_SECONDS after the tool exited, so the Job ends on its
   * own.
   */
  static final String SIDECAR =
      "hold=\"\"\n"
          + "while [ ! -f \"$GANTRY_DELIVERABLES/done\" ]; do\n"
          + "  if [ -f "
          + EXIT_FILE
          + " ]; then\n"
          + "    now=$(date +%s)\n"
          + "    [ -n \"$hold\" ] || hold=$((now + GANTRY_HOLD_SECONDS))\n"
          + "    [ \"$now\" -lt \"$hold\" ] || break\n"
          + "  fi\n"
          + "  sleep 1\n"
          + "done\n"
          + "true\n";

  private RunScripts() {}
}
