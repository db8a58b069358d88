package dev.gantry.cli;

import io.fabric8.kubernetes.api.model.Event;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;

/** The Events section of `describe`, as kubectl prints it. */
final class EventsTable {
  private EventsTable() {}

  static void print(List<Event> events, PrintWriter out, Instant now) {
    out.println("Events:");
    if (events.isEmpty()) {
      out.println("  <none>");
      return;
    }
    Table table = new Table(List.of("  TYPE", "REASON", "AGE", "MESSAGE"));
    for (Event e : events) {
      String when =
          e.getLastTimestamp() != null
              ? e.getLastTimestamp()
              : e.getMetadata().getCreationTimestamp();
      String message = OneLine.of(e.getMessage());
      table.row(List.of("  " + e.getType(), e.getReason(), Ages.since(when, now), message));
    }
    table.print(out);
  }
}
