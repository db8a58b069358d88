package dev.gantry.cli;

import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.api.minicluster.MiniClusterStatus;
import dev.gantry.api.minicluster.MiniClusterStatus.Phase;
import dev.gantry.operator.minicluster.MiniClusterNames;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The CLI's view of MiniClusters. */
final class MiniClusterKind implements KindView<MiniCluster> {
  @Override
  public Class<MiniCluster> type() {
    return MiniCluster.class;
  }

  @Override
  public Table table(List<MiniCluster> items, boolean wide, Instant now) {
    List<String> headers = new ArrayList<>(List.of("NAME", "SIZE", "READY", "PHASE", "AGE"));
    if (wide) {
      headers.addAll(List.of("MAX", "HOSTS", "MESSAGE"));
    }
    Table table = new Table(headers);
    for (MiniCluster mc : items) {
      MiniClusterStatus s = mc.getStatus();
      int size = mc.getSpec() == null ? 0 : mc.getSpec().sizeOrDefault();
      List<String> row =
          new ArrayList<>(
              List.of(
                  mc.getMetadata().getName(),
                  String.valueOf(size),
                  (s == null || s.readyRanks == null ? 0 : s.readyRanks) + "/" + size,
                  s == null || s.phase == null ? "Pending" : s.phase.name(),
                  Ages.since(mc.getMetadata().getCreationTimestamp(), now)));
      if (wide) {
        row.add(s == null || s.maximumSize == null ? "" : String.valueOf(s.maximumSize));
        row.add(s == null ? "" : String.join(",", s.hosts));
        row.add(readyMessage(mc));
      }
      table.row(row);
    }
    return table;
  }

  @Override
  public void describe(MiniCluster mc, List<Event> events, PrintWriter out, Instant now) {
    MiniClusterStatus s = mc.getStatus();
    var spec = mc.getSpec();
    out.printf("Name:         %s%n", mc.getMetadata().getName());
    out.printf("Namespace:    %s%n", mc.getMetadata().getNamespace());
    out.printf(
        "Created:      %s (%s ago)%n",
        mc.getMetadata().getCreationTimestamp(),
        Ages.since(mc.getMetadata().getCreationTimestamp(), now));
    out.printf("Phase:        %s%n", s == null || s.phase == null ? "Pending" : s.phase);
    out.printf(
        "Size:         %d (maximum %s, Job %s)%n",
        spec.sizeOrDefault(),
        s == null || s.maximumSize == null ? spec.maxSizeOrDefault() : s.maximumSize,
        s == null || s.size == null ? "not created" : s.size + " ranks");
    out.printf(
        "Mode:         %s%n",
        spec.interactiveOn() ? "interactive (the broker waits for users)" : "single command");
    spec.containers.forEach(
        c ->
            out.printf(
                "Container:    %s%s%s%n",
                c.imageOrDefault(),
                c.command == null ? "" : "  command: " + c.command.lines().findFirst().orElse(""),
                Boolean.TRUE.equals(c.runFlux) || spec.containers.size() == 1
                    ? "  (runs Flux)"
                    : ""));
    out.printf(
        "Ranks:        %s of %d up%n",
        s == null || s.readyRanks == null ? 0 : s.readyRanks,
        s == null || s.size == null ? spec.sizeOrDefault() : s.size);
    out.printf(
        "Hosts:        %s%n",
        s == null || s.hosts.isEmpty() ? "<none up>" : String.join(", ", s.hosts));
    out.printf(
        "Leader:       %s%n",
        MiniClusterNames.host(mc.getMetadata().getName(), 0)
            + (s != null && s.leaderExitCode != null ? " (exited " + s.leaderExitCode + ")" : ""));
    out.println("Conditions:");
    if (s == null || s.conditions.isEmpty()) {
      out.println("  <none>");
    } else {
      Table conditions = new Table(List.of("  TYPE", "STATUS", "REASON", "SINCE", "MESSAGE"));
      for (Condition c : s.conditions) {
        conditions.row(
            List.of(
                "  " + c.getType(),
                c.getStatus(),
                c.getReason(),
                Ages.since(c.getLastTransitionTime(), now),
                c.getMessage() == null ? "" : c.getMessage()));
      }
      conditions.print(out);
    }
    EventsTable.print(events, out, now);
    out.flush();
  }

  @Override
  public List<String> waitConditions() {
    return List.of("ready", "complete");
  }

  @Override
  public WaitState waitState(MiniCluster mc, String condition) {
    MiniClusterStatus s = mc.getStatus();
    Phase phase = s == null || s.phase == null ? Phase.Pending : s.phase;
    boolean current =
        s != null
            && mc.getMetadata().getGeneration() != null
            && mc.getMetadata().getGeneration().equals(s.observedGeneration);
    String progress =
        phase
            + " "
            + (s == null || s.readyRanks == null ? 0 : s.readyRanks)
            + "/"
            + mc.getSpec().sizeOrDefault()
            + " ranks: "
            + readyMessage(mc);
    boolean failed = current && phase == Phase.Failed;
    if ("complete".equals(condition)) {
      return new WaitState(current && phase == Phase.Succeeded, failed, progress);
    }
    boolean ready = current && (phase == Phase.Ready || phase == Phase.Running);
    boolean over = current && phase == Phase.Succeeded;
    return new WaitState(ready, failed || over, progress + (over ? " (already finished)" : ""));
  }

  @Override
  public LogSource logSource(String name, boolean alternate) {
    return new LogSource(
        Map.of(MiniClusterNames.OWNER_LABEL, name, MiniClusterNames.COMPLETION_INDEX, "0"),
        MiniClusterNames.runnerContainer(name),
        "the leader of " + name);
  }

  private static String readyMessage(MiniCluster mc) {
    if (mc.getStatus() == null) {
      return "";
    }
    return mc.getStatus().conditions.stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(c -> c.getMessage() == null ? "" : c.getMessage())
        .findFirst()
        .orElse("");
  }
}
