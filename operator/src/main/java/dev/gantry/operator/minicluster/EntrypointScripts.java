package dev.gantry.operator.minicluster;

import dev.gantry.api.minicluster.FluxContainer;
import dev.gantry.api.minicluster.FluxSpec;
import dev.gantry.api.minicluster.LoggingSpec;
import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.api.minicluster.MiniClusterContainer;
import dev.gantry.api.minicluster.MiniClusterContainer.Commands;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scripts each rank runs, following the Flux Operator's design 4.0: an init container copies
 * the flux view and writes the broker configuration; the runner container starts the broker (the
 * leader with the job as its initial program, workers joining and retrying); other containers wait
 * for the broker's socket. All paths derive from the flux view mount path.
 */
public final class EntrypointScripts {
  static final String DEFAULT_OUTPUT_DIR = "/tmp/fluxout";
  static final int WORKER_RETRY_SECONDS = 15;

  private EntrypointScripts() {}

  /** flux-init.sh, run by the init container from the flux view image. */
  public static String init(MiniCluster mc, int maximumSize) {
    FluxContainer view = mc.getSpec().fluxOrDefault().containerOrDefault();
    String mp = view.mountPathOrDefault();
    StringBuilder s = new StringBuilder();
    s.append("#!/bin/bash\n");
    s.append("# Written by Gantry: prepares the flux view and configuration for MiniCluster ")
        .append(mc.getMetadata().getName())
        .append(".\n");
    s.append("set -e\n");
    s.append("configroot=").append(mp).append("/config\n");
    s.append("mkdir -p ${configroot}/etc/flux/system/cron.d ${configroot}/etc/flux/config")
        .append(" ${configroot}/var/lib/flux ${configroot}/run/flux ${configroot}/curve\n");
    s.append("echo '")
        .append(Hostlist.of(mc.getMetadata().getName(), maximumSize))
        .append("' > ${configroot}/etc/flux/system/hostlist\n");
    s.append("cat > ${configroot}/etc/flux/config/broker.toml <<'GANTRY_BROKER_TOML'\n")
        .append(BrokerConfig.render(mc, maximumSize))
        .append("GANTRY_BROKER_TOML\n");
    s.append("mkdir -p ").append(mp).append("/view ").append(mp).append("/software\n");
    if (view.disabledOn()) {
      s.append(
          "# Flux comes from the application image; copy a view only if this image has one.\n");
      s.append("if [ -d /opt/view ]; then cp -R /opt/view/. ").append(mp).append("/view/; fi\n");
    } else {
      s.append("for view in /opt/views/._view/*; do cp -R \"$view\"/. ")
          .append(mp)
          .append("/view/; done\n");
      s.append("if [ -d /opt/software ]; then cp -R /opt/software/. ")
          .append(mp)
          .append("/software/; fi\n");
    }
    s.append("touch ").append(mp).append("/flux-operator-done.txt\n");
    return s.toString();
  }

  /** wait-<i>.sh: the Flux runner container's entrypoint. */
  public static String runner(MiniCluster mc, int index, int maximumSize) {
    MiniClusterContainer container = mc.getSpec().containers.get(index);
    FluxSpec flux = mc.getSpec().fluxOrDefault();
    LoggingSpec logging = mc.getSpec().loggingOrDefault();
    Commands commands = container.commandsOrDefault();
    String mp = flux.containerOrDefault().mountPathOrDefault();
    String name = mc.getMetadata().getName();
    int size = mc.getSpec().sizeOrDefault();

    StringBuilder s = new StringBuilder();
    s.append("#!/bin/bash\n");
    s.append("# Written by Gantry: the Flux runner of MiniCluster ").append(name).append(".\n");
    if (logging.strictOn()) {
      s.append("set -eEu -o pipefail\n");
    }
    s.append(say(logging));
    if (logging.timedOn()) {
      s.append(
          "if [ ! -x /usr/bin/time ]; then echo 'logging.timed needs /usr/bin/time in the image' >&2; exit 1; fi\n");
    }
    s.append("fluxuser=$(whoami)\n");
    snippet(s, commands.init);
    viewSetup(s, mc);
    String command = container.command == null ? "" : container.command.trim();
    if (commands.script != null && !commands.script.isBlank()) {
      s.append("cat > /tmp/custom-entrypoint.sh <<'GANTRY_SCRIPT'\n")
          .append(withNewline(commands.script))
          .append("GANTRY_SCRIPT\n");
      s.append("chmod +x /tmp/custom-entrypoint.sh\n");
      command = "/bin/bash /tmp/custom-entrypoint.sh";
    }
    s.append("mkdir -p ${configroot}/curve\n");
    s.append("cp ")
        .append(MiniClusterNames.ENTRYPOINT_DIR)
        .append("/curve.cert ${configroot}/curve/curve.cert\n");
    s.append("chmod g-r,o-r ${configroot}/curve/curve.cert\n");
    s.append("chown ${fluxuser} ${configroot}/curve/curve.cert 2>/dev/null || true\n");
    s.append("flux R encode --hosts=")
        .append(Hostlist.of(name, maximumSize))
        .append(" --local > ${configroot}/etc/flux/system/R\n");
    s.append("export STATE_DIR=${configroot}/var/lib/flux\n");
    s.append("export FLUX_OUTPUT_DIR=")
        .append(container.logs == null ? DEFAULT_OUTPUT_DIR : container.logs)
        .append("\n");
    s.append("mkdir -p ${STATE_DIR} ${FLUX_OUTPUT_DIR}\n");
    s.append("brokeroptions=\"").append(brokerOptions(mc)).append("\"\n");
    s.append("cfg=${configroot}/etc/flux/config\n");
    snippet(s, commands.pre);

    String prefix =
        commands.prefix == null || commands.prefix.isBlank() ? "" : commands.prefix.trim() + " ";
    String start =
        (logging.timedOn() ? "/usr/bin/time -f 'FLUXTIME fluxstart wall time %E' " : "")
            + "flux start"
            + (flux.wrap == null ? "" : " --wrap=" + flux.wrap)
            + " -o --config ${cfg} ${brokeroptions}";
    String flags =
        SubmitFlags.of(mc.getSpec().tasksOrDefault(), size, flux.optionFlags, logging.debugOn());

    s.append("if [ \"$(hostname)\" = \"")
        .append(MiniClusterNames.host(name, 0))
        .append("\" ]; then\n");
    s.append("  say \"leader of ").append(name).append(": starting the broker\"\n");
    indented(s, commands.brokerPre);
    if (mc.getSpec().interactiveOn() || command.isEmpty()) {
      s.append("  flux broker --config-path ${cfg} ${brokeroptions}\n");
    } else if (container.launches()) {
      s.append("  ").append(start).append(' ').append(prefix).append(command).append("\n");
    } else if (container.batches()) {
      s.append("  cat > flux-job.batch <<'GANTRY_BATCH'\n");
      s.append("#!/bin/bash\n");
      int k = 0;
      for (String line : command.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        if (Boolean.TRUE.equals(container.batchRaw)) {
          s.append(line).append("\n");
        } else {
          s.append("flux submit --flags waitable --error=${FLUX_OUTPUT_DIR}/job-")
              .append(k)
              .append(".err --output=${FLUX_OUTPUT_DIR}/job-")
              .append(k)
              .append(".out ")
              .append(line.trim())
              .append("\n");
        }
        k++;
      }
      s.append("flux queue idle\n");
      s.append("flux jobs -a\n");
      s.append("GANTRY_BATCH\n");
      s.append("  chmod +x flux-job.batch\n");
      s.append("  ")
          .append(start)
          .append(" sh -c \"flux batch ")
          .append(flags)
          .append(" --flags waitable ./flux-job.batch && flux job wait --all\"\n");
    } else {
      String submit =
          flux.submitCommand == null || flux.submitCommand.isBlank()
              ? "flux submit"
              : flux.submitCommand.trim();
      String timedSubmit =
          logging.timedOn() ? "/usr/bin/time -f 'FLUXTIME fluxsubmit wall time %E' " : "";
      s.append("  ")
          .append(start)
          .append(' ')
          .append(prefix)
          .append(timedSubmit)
          .append(submit)
          .append(' ')
          .append(flags)
          .append(" --quiet --watch ")
          .append(command)
          .append("\n");
    }
    s.append("else\n");
    s.append("  say \"worker of ").append(name).append(": joining $(hostname)\"\n");
    indented(s, commands.workerPre);
    s.append("  while true; do\n");
    s.append("    flux start -o --config ${cfg} ${brokeroptions}\n");
    s.append("    rc=$?\n");
    s.append("    if [ \"$rc\" -eq 0 ]; then break; fi\n");
    if (Boolean.TRUE.equals(flux.completeWorkers)) {
      s.append("    break\n");
    } else {
      s.append("    say \"worker broker exited with $rc; retrying in ")
          .append(WORKER_RETRY_SECONDS)
          .append("s\"\n");
      s.append("    sleep ").append(WORKER_RETRY_SECONDS).append("\n");
    }
    s.append("  done\n");
    s.append("fi\n");
    snippet(s, commands.post);
    s.append("touch ").append(mp).append("/flux-operator-complete.txt\n");
    return s.toString();
  }

  /** start-<i>.sh: a container that does not run Flux waits for the broker's socket, then runs. */
  public static String sidecar(MiniCluster mc, int index) {
    MiniClusterContainer container = mc.getSpec().containers.get(index);
    LoggingSpec logging = mc.getSpec().loggingOrDefault();
    Commands commands = container.commandsOrDefault();
    StringBuilder s = new StringBuilder();
    s.append("#!/bin/bash\n");
    s.append("# Written by Gantry: container ")
        .append(container.name)
        .append(" of MiniCluster ")
        .append(mc.getMetadata().getName())
        .append(".\n");
    if (logging.strictOn()) {
      s.append("set -eEu -o pipefail\n");
    }
    s.append(say(logging));
    snippet(s, commands.init);
    viewSetup(s, mc);
    snippet(s, commands.servicePre);
    if (!Boolean.TRUE.equals(mc.getSpec().fluxOrDefault().noWaitSocket)) {
      s.append("say 'waiting for the broker socket'\n");
      s.append("while [ ! -S ${configroot}/run/flux/local ]; do sleep 1; done\n");
    }
    s.append("export fluxsocket=local://${configroot}/run/flux/local\n");
    if (container.command != null && !container.command.isBlank()) {
      s.append(withNewline(container.command.trim()));
    }
    snippet(s, commands.post);
    return s.toString();
  }

  /** The broker's -S options, as the Flux Operator passes them. */
  static String brokerOptions(MiniCluster mc) {
    FluxSpec flux = mc.getSpec().fluxOrDefault();
    LoggingSpec logging = mc.getSpec().loggingOrDefault();
    StringBuilder o = new StringBuilder();
    o.append(
        "-Scron.directory=${configroot}/etc/flux/system/cron.d -Stbon.fanout=256 -Srundir=${configroot}/run/flux");
    if (mc.getSpec().interactiveOn()) {
      o.append(" -Sbroker.rc2_none");
    }
    o.append(" -Sstatedir=${STATE_DIR}");
    if (!Boolean.TRUE.equals(flux.disableSocket)) {
      o.append(" -Slocal-uri=local://${configroot}/run/flux/local");
    }
    o.append(" -Stbon.connect_timeout=").append(flux.connectTimeoutOrDefault());
    if (flux.topology != null && !flux.topology.isBlank()) {
      o.append(" -Stbon.topo=").append(flux.topology);
    }
    quorum(mc).ifPresent(q -> o.append(" -Sbroker.quorum=").append(q));
    if (logging.zeromqOn()) {
      o.append(" -Stbon.zmqdebug=1");
    }
    o.append(" -Slog-stderr-level=").append(logging.quietOn() ? 0 : flux.logLevelOrDefault());
    o.append(" -Slog-stderr-mode=local");
    return o.toString();
  }

  /**
   * minSize if set; otherwise size when the cluster may grow beyond it, so rank 0 does not wait.
   */
  static java.util.Optional<Integer> quorum(MiniCluster mc) {
    var spec = mc.getSpec();
    if (spec.minSize != null) {
      return java.util.Optional.of(spec.minSize);
    }
    if (spec.maxSizeOrDefault() > spec.sizeOrDefault()) {
      return java.util.Optional.of(spec.sizeOrDefault());
    }
    return java.util.Optional.empty();
  }

  private static void viewSetup(StringBuilder s, MiniCluster mc) {
    FluxContainer view = mc.getSpec().fluxOrDefault().containerOrDefault();
    String mp = view.mountPathOrDefault();
    s.append("viewroot=").append(mp).append("/view\n");
    s.append("configroot=").append(mp).append("/config\n");
    s.append("while [ ! -f ").append(mp).append("/flux-operator-done.txt ]; do sleep 1; done\n");
    s.append("export PATH=${viewroot}/bin:${PATH}\n");
    s.append("if [ -d ")
        .append(mp)
        .append("/software ]; then mkdir -p /opt/software && cp -R ")
        .append(mp)
        .append("/software/. /opt/software/ 2>/dev/null || true; fi\n");
    if (view.pythonPath != null && !view.pythonPath.isBlank()) {
      s.append("export PYTHONPATH=").append(view.pythonPath).append("\n");
    } else {
      s.append("pythonversion=$(ls ${viewroot}/lib 2>/dev/null | grep -m1 '^python3' || true)\n");
      s.append(
          "if [ -n \"${pythonversion}\" ]; then export PYTHONPATH=${viewroot}/lib/${pythonversion}/site-packages; fi\n");
    }
    s.append("export LD_LIBRARY_PATH=${viewroot}/lib:${LD_LIBRARY_PATH:-}\n");
    s.append(
        "if [ \"${HOME:-/}\" = \"/\" ]; then export HOME=/home/flux-operator USER=flux-operator; fi\n");
    FluxSpec flux = mc.getSpec().fluxOrDefault();
    if (flux.scheduler == null || !Boolean.TRUE.equals(flux.scheduler.simple)) {
      s.append("export FLUX_RC_EXTRA=${viewroot}/etc/flux/rc1.d\n");
    }
    s.append("cat > ").append(mp).append("/flux-view.sh <<GANTRY_VIEW\n");
    s.append("export PATH=${viewroot}/bin:\\$PATH\n");
    s.append("export PYTHONPATH=${PYTHONPATH:-}\n");
    s.append("export LD_LIBRARY_PATH=${viewroot}/lib:\\${LD_LIBRARY_PATH:-}\n");
    s.append("export fluxsocket=local://${configroot}/run/flux/local\n");
    if (flux.environment != null) {
      for (Map.Entry<String, String> e : new TreeMap<>(flux.environment).entrySet()) {
        s.append("export ").append(e.getKey()).append('=').append(quote(e.getValue())).append("\n");
      }
    }
    s.append("GANTRY_VIEW\n");
  }

  /**
   * quiet sends the scripts' own chatter nowhere, so the leader's log holds only the job's output.
   */
  private static String say(LoggingSpec logging) {
    return logging.quietOn() ? "say() { :; }\n" : "say() { echo \"gantry: $*\"; }\n";
  }

  private static void snippet(StringBuilder s, String text) {
    if (text != null && !text.isBlank()) {
      s.append(withNewline(text.strip()));
    }
  }

  private static void indented(StringBuilder s, String text) {
    if (text != null && !text.isBlank()) {
      for (String line : text.strip().split("\n")) {
        s.append("  ").append(line).append("\n");
      }
    }
  }

  private static String withNewline(String text) {
    return text.endsWith("\n") ? text : text + "\n";
  }

  /** Single-quotes a value for the shell. */
  static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  static List<Integer> runnerIndexes(MiniCluster mc) {
    var containers = mc.getSpec().containers;
    if (containers.size() == 1) {
      return List.of(0);
    }
    java.util.ArrayList<Integer> indexes = new java.util.ArrayList<>();
    for (int i = 0; i < containers.size(); i++) {
      if (containers.get(i).runsFlux()) {
        indexes.add(i);
      }
    }
    return indexes;
  }
}
