package dev.gantry.operator.relations;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A workload kind that can consume relations, and where its pod template lives. The three apps/v1
 * kinds keep the template at the same place in different Java types; this is the one place that
 * knows it, so the controller, the Relation status and the cycle check treat them alike.
 */
public final class WorkloadKind<W extends HasMetadata> {
  public static final WorkloadKind<Deployment> DEPLOYMENT =
      new WorkloadKind<>(
          "Deployment",
          Deployment.class,
          d -> d.getSpec() == null ? null : d.getSpec().getTemplate(),
          (d, t) -> d.getSpec().setTemplate(t));
  public static final WorkloadKind<StatefulSet> STATEFUL_SET =
      new WorkloadKind<>(
          "StatefulSet",
          StatefulSet.class,
          s -> s.getSpec() == null ? null : s.getSpec().getTemplate(),
          (s, t) -> s.getSpec().setTemplate(t));
  public static final WorkloadKind<DaemonSet> DAEMON_SET =
      new WorkloadKind<>(
          "DaemonSet",
          DaemonSet.class,
          d -> d.getSpec() == null ? null : d.getSpec().getTemplate(),
          (d, t) -> d.getSpec().setTemplate(t));
  public static final List<WorkloadKind<?>> ALL = List.of(DEPLOYMENT, STATEFUL_SET, DAEMON_SET);

  private final String name;
  private final Class<W> type;
  private final Function<W, PodTemplateSpec> template;
  private final BiConsumer<W, PodTemplateSpec> setTemplate;

  private WorkloadKind(
      String name,
      Class<W> type,
      Function<W, PodTemplateSpec> template,
      BiConsumer<W, PodTemplateSpec> setTemplate) {
    this.name = name;
    this.type = type;
    this.template = template;
    this.setTemplate = setTemplate;
  }

  /** The Kubernetes kind, as in a Relation's spec.consumer.kind and in status. */
  public String name() {
    return name;
  }

  public Class<W> type() {
    return type;
  }

  /** The pod template, or null on an object without a spec. */
  public PodTemplateSpec template(W workload) {
    return template.apply(workload);
  }

  public void setTemplate(W workload, PodTemplateSpec desired) {
    setTemplate.accept(workload, desired);
  }

  /** The labels its pods get, which Services select on. */
  public Map<String, String> podLabels(W workload) {
    PodTemplateSpec t = template(workload);
    return t == null || t.getMetadata() == null || t.getMetadata().getLabels() == null
        ? Map.of()
        : t.getMetadata().getLabels();
  }

  /** The pod template of a workload of any of these kinds; null for anything else. */
  public static PodTemplateSpec templateOf(HasMetadata workload) {
    for (WorkloadKind<?> kind : ALL) {
      if (kind.type.isInstance(workload)) {
        return templateOf(kind, workload);
      }
    }
    return null;
  }

  private static <W extends HasMetadata> PodTemplateSpec templateOf(
      WorkloadKind<W> kind, HasMetadata workload) {
    return kind.template(kind.type.cast(workload));
  }

  public static Optional<WorkloadKind<?>> named(String kind) {
    return ALL.stream().filter(k -> k.name.equals(kind)).findFirst();
  }

  @Override
  public String toString() {
    return name;
  }
}
