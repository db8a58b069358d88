package dev.gantry.operator.provision;

/**
 * Shell run inside the run pods. The tool container may have no shell at all (distroless images),
 * so an init container copies a static busybox into a shared emptyDir and every run's command runs
 * under it. The wrapper keeps the run's output on the deliverables volume ({@code
 * runs/<generation>-<run>.log}, the newest {@code GANTRY_LOG_KEEP} kept), so it outlives the pod.
 * After an apply it lists the deliverables into the container's termination message (at most 4 KiB,
 * read by Gantry from the pod status: no exec, no log scraping) and tells the sidecar that the run
 * is over; after a plan it reports the plan's checksum and summary line the same way.
 */
final class RunScripts {
  /** Shared emptyDir between the init container, the tool container and the sidecar. */
  static final String TOOLS_DIR = "/gantry";

  static final String BUSYBOX = TOOLS_DIR + "/busybox";

  /** Written by the wrapper when the tool has exited; holds its exit code. */
  static final String EXIT_FILE = TOOLS_DIR + "/apply-exit";

  /** Touched by Gantry once it has read the outputs, so the sidecar need not wait for it. */
  static final String OUTPUTS_READ_FILE = TOOLS_DIR + "/outputs-read";

  /** First line of the termination message; the file count follows it. */
  static final String MANIFEST_HEADER = "gantry-deliverables/v1";

  /** First word of a plan run's termination message: exit code, plan checksum, summary line. */
  static final String PLAN_HEADER = "gantry-plan/v1";

  /** First line of a destroy preview's termination message; kept and destroyed lines follow. */
  static final String PREVIEW_HEADER = "gantry-preview/v1";

  /**
   * A destroy preview's tool command, under the wrapper: on a copy of the state, forget what
   * GANTRY_RETAIN keeps (listing each address as kept), then plan the destroy. The copy is
   * Gantry's, so nothing of the real state changes. "$@" are the plan's flags (-var-file).
   */
  static final String PREVIEW =
      "b="
          + BUSYBOX
          + "\n"
          + "tf=${GANTRY_TERRAFORM:-terraform}\n"
          + "s="
          + TOOLS_DIR
          + "/preview.tfstate\n"
          + "if [ ! -f \"$GANTRY_STATE\" ]; then\n"
          + "  echo \"No changes. There is no state at $GANTRY_STATE, so nothing would be destroyed.\"\n"
          + "  exit 0\n"
          + "fi\n"
          + "$b cp \"$GANTRY_STATE\" \"$s\"\n"
          + "echo \"$GANTRY_RETAIN\" | while IFS= read -r a; do\n"
          + "  [ -n \"$a\" ] || continue\n"
          + "  \"$tf\" state list -state=\"$s\" \"$a\" 2>/dev/null | $b sed 's/^/# gantry: kept: /'\n"
          + "  \"$tf\" state rm -state=\"$s\" \"$a\" >/dev/null 2>&1\n"
          + "done\n"
          + "exec \"$tf\" plan -destroy -input=false -no-color -lock=false -state=\"$s\" \"$@\"\n";

  /** Directories on the volume that hold Gantry's records, not the tool's deliverables. */
  static final String RUNS_DIR = "runs";

  static final String PLANS_DIR = "plans";

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
   * Tool container: run "$@" with its output (stdout and stderr) also appended to the run's log on
   * the volume. An approved apply first checks that the plan file is the one approved. On a
   * successful apply, write "size sha256 path" per file under the deliverables directory (the
   * seed's done marker, lost+found and Gantry's records left out); on a plan, the exit code
   * (Terraform's -detailed-exitcode: 2 means changes, which is not a failure), the plan file's
   * sha256 and the tool's summary line.
   */
  static final String WRAPPER =
      "b="
          + BUSYBOX
          + "\n"
          + "d=\"$GANTRY_DELIVERABLES\"\n"
          + "$b mkdir -p \"$d/"
          + RUNS_DIR
          + "\" \"$d/"
          + PLANS_DIR
          + "\"\n"
          + "log=\"$d/"
          + RUNS_DIR
          + "/$GANTRY_RUN_ID.log\"\n"
          + "echo \"# gantry: $GANTRY_RUN run $GANTRY_RUN_ID in pod $($b hostname) at $($b date -u"
          + " +%Y-%m-%dT%H:%M:%SZ)\" >> \"$log\"\n"
          + "skip=\"\"\n"
          + "if [ \"$GANTRY_RUN\" = destroy ] && [ -n \"$GANTRY_RETAIN\" ]; then\n"
          + "  tf=${GANTRY_TERRAFORM:-terraform}\n"
          + "  $b rm -f "
          + TOOLS_DIR
          + "/retain-failed\n"
          + "  echo \"$GANTRY_RETAIN\" | while IFS= read -r a; do\n"
          + "    [ -n \"$a\" ] || continue\n"
          + "    if [ -z \"$(\"$tf\" state list -state=\"$GANTRY_STATE\" \"$a\" 2>/dev/null)\" ]; then\n"
          + "      echo \"# gantry: $a is not in the state; nothing to forget\"\n"
          + "    elif \"$tf\" state rm -state=\"$GANTRY_STATE\" \"$a\"; then\n"
          + "      echo \"# gantry: kept $a (forgotten before the destroy)\"\n"
          + "    else\n"
          + "      echo \"Error: could not forget $a from the state, so nothing was destroyed\"\n"
          + "      $b touch "
          + TOOLS_DIR
          + "/retain-failed\n"
          + "    fi\n"
          + "  done 2>&1 | $b tee -a \"$log\"\n"
          + "  [ -f "
          + TOOLS_DIR
          + "/retain-failed ] && skip=1\n"
          + "fi\n"
          + "if [ -n \"$skip\" ]; then\n"
          + "  rc=1\n"
          + "elif [ -n \"$GANTRY_PLAN_SHA256\" ] && ! echo \"$GANTRY_PLAN_SHA256  $GANTRY_PLAN_FILE\""
          + " | $b sha256sum -c -s 2>/dev/null; then\n"
          + "  echo \"Error: the approved plan $GANTRY_PLAN_FILE is missing or is not the plan that"
          + " was approved; approve a new plan\" | $b tee -a \"$log\" >&2\n"
          + "  rc=1\n"
          + "else\n"
          + "  { \"$@\"; echo \"$?\" > "
          + TOOLS_DIR
          + "/rc; } 2>&1 | $b tee -a \"$log\" "
          + TOOLS_DIR
          + "/out\n"
          + "  rc=$($b cat "
          + TOOLS_DIR
          + "/rc 2>/dev/null)\n"
          + "  rc=${rc:-1}\n"
          + "fi\n"
          + "echo \"# gantry: exit code $rc\" >> \"$log\"\n"
          + "(cd \"$d/"
          + RUNS_DIR
          + "\" && $b ls -1t | $b tail -n +$((${GANTRY_LOG_KEEP:-10} + 1)) | while IFS= read -r f;"
          + " do $b rm -f \"$f\"; done)\n"
          + "if [ \"$GANTRY_RUN\" = plan ] && { [ \"$rc\" -eq 0 ] || [ \"$rc\" -eq 2 ]; }; then\n"
          + "  $b cp "
          + TOOLS_DIR
          + "/out \"$d/"
          + PLANS_DIR
          + "/$GANTRY_RUN_ID.txt\"\n"
          + "  sum=-\n"
          + "  [ -f \"$GANTRY_PLAN_FILE\" ] && sum=$($b sha256sum \"$GANTRY_PLAN_FILE\" | $b cut"
          + " -d' ' -f1)\n"
          // A drift check's plan is never applied: it removes its own plan file and leaves any
          // other alone. An approval plan supersedes the plans before it.
          + "  if [ -n \"$GANTRY_DRIFT\" ]; then\n"
          + "    $b rm -f \"$GANTRY_PLAN_FILE\"\n"
          + "  else\n"
          + "    (cd \"$d/"
          + PLANS_DIR
          + "\" && for f in *; do case \"$f\" in \"$GANTRY_RUN_ID\".*) ;; *.tfplan) $b rm -f"
          + " \"$f\";; esac; done)\n"
          + "  fi\n"
          + "  (cd \"$d/"
          + PLANS_DIR
          + "\" && $b ls -1t *.txt 2>/dev/null | $b tail -n +$((${GANTRY_LOG_KEEP:-10} + 1)) |"
          + " while IFS= read -r f; do $b rm -f \"$f\"; done)\n"
          + "  { echo \""
          + PLAN_HEADER
          + " $rc $sum\"; $b grep -E 'Plan:.*[0-9]+ to add|No changes\\.' "
          + TOOLS_DIR
          + "/out | $b tail -n 1; } | $b head -c "
          + MANIFEST_LIMIT
          + " > /dev/termination-log\n"
          + "  rc=0\n"
          + "fi\n"
          + "if [ \"$GANTRY_RUN\" = preview ] && [ \"$rc\" -eq 0 ]; then\n"
          + "  { echo \""
          + PREVIEW_HEADER
          + "\"; $b grep -E '^# gantry: kept: |^ *# .* will be destroyed|Plan:.*to destroy|No"
          + " changes' "
          + TOOLS_DIR
          + "/out; } | $b head -c "
          + MANIFEST_LIMIT
          + " > /dev/termination-log\n"
          + "fi\n"
          + "if [ \"$GANTRY_RUN\" = apply ]; then\n"
          + "  if [ \"$rc\" -eq 0 ]; then\n"
          + "    [ -n \"$GANTRY_PLAN_SHA256\" ] && $b rm -f \"$GANTRY_PLAN_FILE\"\n"
          + "    cd \"$d\" && $b find . -type f ! -path ./done ! -path './lost+found/*' ! -path './"
          + RUNS_DIR
          + "/*' ! -path './"
          + PLANS_DIR
          + "/*' | $b sort > "
          + TOOLS_DIR
          + "/files\n"
          + "    { echo \""
          + MANIFEST_HEADER
          + " $($b wc -l < "
          + TOOLS_DIR
          + "/files)\"\n"
          + "      while IFS= read -r f; do\n"
          + "        echo \"$($b stat -c %s \"$f\") $($b sha256sum \"$f\" | $b cut -d' ' -f1)"
          + " ${f#./}\"\n"
          + "      done < "
          + TOOLS_DIR
          + "/files\n"
          + "    } | $b head -c "
          + MANIFEST_LIMIT
          + " > /dev/termination-log\n"
          + "  fi\n"
          + "  echo \"$rc\" > "
          + EXIT_FILE
          + "\n"
          + "fi\n"
          + "exit \"$rc\"\n";

  /**
   * Deliverables sidecar (tools image): stays up, as the seed's clients expect, until they write
   * the done marker, or until GANTRY_HOLD_SECONDS after the tool exited, so the Job ends on its
   * own. After a successful apply that left any of GANTRY_OUTPUTS, it also stays until Gantry has
   * read them (at most GANTRY_OUTPUTS_WAIT seconds), since reading them here needs no new pod.
   */
  static final String SIDECAR =
      // As PID 1 the shell would ignore SIGTERM, and the pod would take its whole grace period to
      // go (a destroy waits for it): end at once instead.
      "trap 'exit 0' TERM\n"
          + "hold=\"\"\n"
          + "read_by=\"\"\n"
          + "while :; do\n"
          + "  now=$(date +%s)\n"
          + "  if [ -z \"$hold\" ] && [ -f "
          + EXIT_FILE
          + " ]; then\n"
          + "    hold=$((now + GANTRY_HOLD_SECONDS))\n"
          + "    read_by=$now\n"
          + "    if [ \"$(cat "
          + EXIT_FILE
          + ")\" = 0 ]; then\n"
          + "      for f in $GANTRY_OUTPUTS; do\n"
          + "        [ -f \"$GANTRY_DELIVERABLES/$f\" ] && read_by=$((now +"
          + " ${GANTRY_OUTPUTS_WAIT:-0}))\n"
          + "      done\n"
          + "    fi\n"
          + "  fi\n"
          + "  if [ -z \"$read_by\" ] || [ -f "
          + OUTPUTS_READ_FILE
          + " ] || [ \"$now\" -ge \"$read_by\" ]; then\n"
          + "    [ -f \"$GANTRY_DELIVERABLES/done\" ] && break\n"
          + "    [ -n \"$hold\" ] && [ \"$now\" -ge \"$hold\" ] && break\n"
          + "  fi\n"
          + "  sleep 1\n"
          + "done\n"
          + "true\n";

  private RunScripts() {}
}
