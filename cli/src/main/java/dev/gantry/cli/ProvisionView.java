package dev.gantry.cli;

import dev.gantry.api.provision.DeliverableFile;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** How Provisions read in `get` and `describe`. */
final class ProvisionView {
  private ProvisionView() {}

  static Table table(List<Provision> items, boolean wide, Instant now) {
    List<String> headers = new ArrayList<>(List.of("NAME", "PHASE", "RUN", "AGE"));
    if (wide) {
      headers.addAll(List.of("IMAGE", "DELIVERABLES", "MESSAGE"));
    }
    Table table = new Table(headers);
    for (Provision p : items) {
      ProvisionStatus s = p.getStatus();
      List<String> row =
          new ArrayList<>(
              List.of(
                  p.getMetadata().getName(),
                  s == null || s.phase == null ? "Pending" : s.phase.name(),
                  s == null || s.run == null ? "" : s.run.jobName,
                  Ages.since(p.getMetadata().getCreationTimestamp(), now)));
      if (wide) {
        row.add(p.getSpec().image);
        row.add(
            s == null || s.deliverables == null
                ? "0"
                : String.valueOf(s.deliverables.files.size()));
        row.add(OneLine.of(readyMessage(p)));
      }
      table.row(row);
    }
    return table;
  }

  static String readyMessage(Provision p) {
    if (p.getStatus() == null || p.getStatus().conditions == null) {
      return "";
    }
    return p.getStatus().conditions.stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(Condition::getMessage)
        .findFirst()
        .orElse("");
  }

  static void describe(Provision p, List<Event> events, PrintWriter out, Instant now) {
    var meta = p.getMetadata();
    var spec = p.getSpec();
    ProvisionStatus s = p.getStatus();
    out.printf("Name:         %s%n", meta.getName());
    out.printf("Namespace:    %s%n", meta.getNamespace());
    out.printf(
        "Created:      %s (%s ago)%n",
        meta.getCreationTimestamp(), Ages.since(meta.getCreationTimestamp(), now));
    if (meta.getDeletionTimestamp() != null) {
      out.printf("Deleting:     since %s%n", meta.getDeletionTimestamp());
    }
    out.printf("Image:        %s%n", spec.image);
    var variables = spec.variablesOrDefault();
    out.printf(
        "Variables:    %s%n",
        variables.inline != null
            ? "inline (Secret " + meta.getName() + "-variables)"
            : variables.secretRef != null
                ? "Secret "
                    + variables.secretRef.name
                    + ", key "
                    + variables.secretRef.keyOrDefault()
                : variables.configMapRef != null
                    ? "ConfigMap "
                        + variables.configMapRef.name
                        + ", key "
                        + variables.configMapRef.keyOrDefault()
                    : "none");
    out.printf("Phase:        %s%n", s == null || s.phase == null ? "Pending" : s.phase);
    out.printf(
        "Generation:   %s (observed %s)%n",
        meta.getGeneration(), s == null ? "-" : s.observedGeneration);
    if (s != null && s.run != null) {
      out.println("Run:");
      out.printf("  Type:       %s%n", s.run.type);
      out.printf("  Job:        %s%n", s.run.jobName);
      out.printf("  Generation: %s%n", s.run.generation);
      out.printf("  Started:    %s%n", orDash(s.run.startTime));
      out.printf("  Ended:      %s%n", orDash(s.run.completionTime));
      out.printf("  Exit code:  %s%n", s.run.exitCode == null ? "-" : s.run.exitCode);
      if (s.run.failedAttempts != null) {
        out.printf("  Failed attempts: %s%n", s.run.failedAttempts);
      }
      if (s.run.log != null) {
        out.printf(
            "  Log:        %s (gantry logs provision/%s --run %s-%s)%n",
            s.run.log, meta.getName(), s.run.generation, s.run.number);
      }
    }
    if (spec.manualApproval()) {
      out.printf("Approval:     manual%n");
      if (s != null && s.plan != null) {
        out.println("Plan:");
        out.printf("  Id:         %s (generation %s)%n", s.plan.id, s.plan.generation);
        out.printf("  Changes:    %s%n", s.plan.summary);
        out.printf(
            "  Approved:   %s%n",
            Boolean.TRUE.equals(s.plan.approved)
                ? "yes"
                : "no (gantry plan provision/"
                    + meta.getName()
                    + ", then gantry approve provision/"
                    + meta.getName()
                    + ")");
        out.printf("  File:       %s (sha256 %s)%n", s.plan.file, s.plan.sha256);
      }
    }
    if (s != null && s.outputs != null && s.outputs.secretName != null) {
      out.printf("Outputs:      Secret %s, from run %s%n", s.outputs.secretName, s.outputs.run);
      Table outputs = new Table(List.of("  KEY", "FROM", "SIZE", "SHA256"));
      for (var item : s.outputs.items) {
        outputs.row(
            List.of(
                "  " + item.name,
                orDash(item.source),
                String.valueOf(item.size),
                Boolean.TRUE.equals(item.sensitive) ? "(sensitive)" : orDash(item.sha256)));
      }
      outputs.print(out);
    }
    if (s != null && s.destroyAttempts != null) {
      out.printf("Destroy attempts: %s%n", s.destroyAttempts);
    }
    out.println("Deliverables:");
    if (s == null || s.deliverables == null) {
      out.println("  <none yet>");
    } else {
      out.printf(
          "  Claim %s, mounted at %s, from generation %s%n",
          s.deliverables.claimName, s.deliverables.mountPath, s.deliverables.generation);
      Table files = new Table(List.of("  FILE", "SIZE", "SHA256"));
      for (DeliverableFile f : s.deliverables.files) {
        files.row(List.of("  " + f.name, String.valueOf(f.size), f.sha256));
      }
      files.print(out);
      if (Boolean.TRUE.equals(s.deliverables.truncated)) {
        out.println("  (list truncated: gantry deliverables get downloads every file)");
      }
    }
    out.println("Conditions:");
    if (s == null || s.conditions == null || s.conditions.isEmpty()) {
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
                OneLine.of(c.getMessage())));
      }
      conditions.print(out);
      s.conditions.stream()
          .filter(
              c ->
                  c.getMessage() != null
                      && c.getMessage().contains("\n")
                      && !"True".equals(c.getStatus()))
          .findFirst()
          .ifPresent(
              c -> {
                out.println(c.getType() + " message:");
                c.getMessage().lines().forEach(l -> out.println("  " + l));
              });
    }
    EventsTable.print(events, out, now);
    out.flush();
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }
}
