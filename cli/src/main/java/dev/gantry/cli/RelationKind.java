package dev.gantry.cli;

import dev.gantry.api.relations.Relation;
import dev.gantry.operator.relations.WorkloadKind;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CLI's view of relations: Relation resources and, beside them, the relations workloads declare
 * with the tengu.io annotations, so `gantry get relations` shows every relation in one table.
 */
final class RelationKind implements KindView<Relation> {
  @Override
  public Class<Relation> type() {
    return Relation.class;
  }

  @Override
  public Table table(List<Relation> items, boolean wide, Instant now) {
    return table(items, List.of(), wide, now);
  }

  static Table table(
      List<Relation> relations, List<HasMetadata> declared, boolean wide, Instant now) {
    List<String> headers =
        new ArrayList<>(
            List.of("NAME", "SOURCE", "CONSUMER", "INTERFACE", "PROVIDER", "READY", "AGE"));
    if (wide) {
      headers.add("MESSAGE");
    }
    Table table = new Table(headers);
    for (Relation r : relations) {
      var status = r.getStatus();
      var ready =
          status == null
              ? null
              : status.conditions.stream()
                  .filter(c -> "Ready".equals(c.getType()))
                  .findFirst()
                  .orElse(null);
      String consumer =
          status != null && !status.consumers.isEmpty()
              ? String.join(",", status.consumers)
              : (r.getSpec().consumer.name != null
                  ? r.getSpec().consumer.name
                  : "selector " + r.getSpec().consumer.selector);
      List<String> row =
          new ArrayList<>(
              List.of(
                  r.getMetadata().getName(),
                  "Relation",
                  consumer,
                  r.getSpec().iface,
                  r.getSpec().provider.service != null
                      ? "Service/" + r.getSpec().provider.service
                      : r.getSpec().provider.host,
                  ready == null ? "Unknown" : ready.getStatus(),
                  Ages.since(r.getMetadata().getCreationTimestamp(), now)));
      if (wide) {
        row.add(ready == null ? "" : ready.getMessage());
      }
      table.row(row);
    }
    for (HasMetadata d : declared) {
      Map<String, String> a = d.getMetadata().getAnnotations();
      String status =
          a.getOrDefault(Relation.STATUS_ANNOTATION, "not seen by the relations controller yet");
      List<String> row =
          new ArrayList<>(
              List.of(
                  d.getMetadata().getName(),
                  "annotations",
                  d.getKind() + "/" + d.getMetadata().getName(),
                  a.getOrDefault(Relation.CONSUMES, ""),
                  a.getOrDefault(Relation.RELATIONS, ""),
                  status.startsWith("resolved") ? "True" : "False",
                  Ages.since(d.getMetadata().getCreationTimestamp(), now)));
      if (wide) {
        row.add(status);
      }
      table.row(row);
    }
    return table;
  }

  /** Workloads (of every kind that can consume) that declare relations with the annotations. */
  static List<HasMetadata> declared(KubernetesClient client, String namespace, boolean all) {
    List<HasMetadata> declared = new ArrayList<>();
    for (WorkloadKind<?> kind : WorkloadKind.ALL) {
      var op = client.resources(kind.type());
      var items =
          all
              ? op.inAnyNamespace().withLabel(Relation.RELATIONSHIPS_LABEL).list().getItems()
              : op.inNamespace(namespace).withLabel(Relation.RELATIONSHIPS_LABEL).list().getItems();
      items.stream().filter(RelationKind::declaresRelations).forEach(declared::add);
    }
    return declared;
  }

  /** The workload named {@code name} that declares relations with annotations, if any. */
  static java.util.Optional<HasMetadata> declaredNamed(
      KubernetesClient client, String namespace, String name) {
    return WorkloadKind.ALL.stream()
        .<HasMetadata>map(
            kind -> client.resources(kind.type()).inNamespace(namespace).withName(name).get())
        .filter(w -> w != null && declaresRelations(w))
        .findFirst();
  }

  private static boolean declaresRelations(HasMetadata w) {
    return w.getMetadata().getAnnotations() != null
        && w.getMetadata().getAnnotations().containsKey(Relation.CONSUMES);
  }

  @Override
  public void describe(Relation r, List<Event> events, PrintWriter out, Instant now) {
    var spec = r.getSpec();
    var status = r.getStatus();
    out.printf("Name:         %s%n", r.getMetadata().getName());
    out.printf("Namespace:    %s%n", r.getMetadata().getNamespace());
    out.printf("Interface:    %s%n", spec.iface);
    out.printf(
        "Consumer:     %s %s%n",
        spec.consumer.kind == null ? "Deployment" : spec.consumer.kind,
        spec.consumer.name != null ? spec.consumer.name : "selected by " + spec.consumer.selector);
    out.printf(
        "Provider:     %s%s%n",
        spec.provider.service != null ? "Service " + spec.provider.service : spec.provider.host,
        spec.provider.credentialsSecret == null
            ? ""
            : " (credentials from Secret " + spec.provider.credentialsSecret + ")");
    out.printf(
        "Endpoint:     %s%n",
        status == null || status.endpoint == null
            ? "<not resolved>"
            : (status.endpoint.url != null ? status.endpoint.url : status.endpoint.host));
    out.printf(
        "Bound to:     %s%n",
        status == null || status.consumers.isEmpty()
            ? "<none>"
            : String.join(", ", status.consumers));
    out.println("Conditions:");
    if (status == null || status.conditions.isEmpty()) {
      out.println("  <none>");
    } else {
      Table table = new Table(List.of("  TYPE", "STATUS", "REASON", "SINCE", "MESSAGE"));
      for (Condition c : status.conditions) {
        table.row(
            List.of(
                "  " + c.getType(),
                c.getStatus(),
                c.getReason(),
                Ages.since(c.getLastTransitionTime(), now),
                c.getMessage()));
      }
      table.print(out);
    }
    EventsTable.print(events, out, now);
    out.flush();
  }

  /** `describe relation/<name>` for a workload that declares relations with annotations. */
  static void describeDeclared(HasMetadata d, List<Event> events, PrintWriter out, Instant now) {
    Map<String, String> a = d.getMetadata().getAnnotations();
    out.printf("Name:         %s (declared with annotations)%n", d.getMetadata().getName());
    out.printf("Namespace:    %s%n", d.getMetadata().getNamespace());
    out.printf("Consumer:     %s %s%n", d.getKind(), d.getMetadata().getName());
    out.printf("Consumes:     %s%n", a.getOrDefault(Relation.CONSUMES, ""));
    out.printf("Relations:    %s%n", a.getOrDefault(Relation.RELATIONS, ""));
    out.printf(
        "Status:       %s%n",
        a.getOrDefault(Relation.STATUS_ANNOTATION, "not seen by the relations controller yet"));
    var podTemplate = WorkloadKind.templateOf(d);
    var template = podTemplate == null ? null : podTemplate.getMetadata();
    if (template != null
        && template.getAnnotations() != null
        && template.getAnnotations().get("gantry.dev/injected-env") != null) {
      out.printf("Injected:     %s%n", template.getAnnotations().get("gantry.dev/injected-env"));
    }
    EventsTable.print(events, out, now);
    out.flush();
  }

  @Override
  public List<String> waitConditions() {
    return List.of("ready");
  }

  @Override
  public WaitState waitState(Relation r, String condition) {
    var ready =
        r.getStatus() == null
            ? null
            : r.getStatus().conditions.stream()
                .filter(c -> "Ready".equals(c.getType()))
                .findFirst()
                .orElse(null);
    return new WaitState(
        ready != null && "True".equals(ready.getStatus()),
        false,
        ready == null ? "not reconciled yet" : ready.getReason() + ": " + ready.getMessage());
  }

  @Override
  public LogSource logSource(String name, boolean alternate) {
    throw new UserError("relations have no logs; see gantry describe relation/" + name);
  }
}
