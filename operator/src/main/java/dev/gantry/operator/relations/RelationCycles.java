package dev.gantry.operator.relations;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds a cycle of relations among workloads: A consumes a Service whose pods are B's, B consumes
 * one whose pods are A's. A cycle is reported, not refused: the data still flows, but workloads
 * that wait for each other to start would wait forever, so the user must know. Pure.
 */
public final class RelationCycles {
  private RelationCycles() {}

  /**
   * @param start the consumer being reconciled
   * @param workloads the namespace's workloads that declare relations
   * @param services looks up a Service by name
   * @return the cycle as "a → b → a", if there is one through {@code start}
   */
  public static Optional<String> through(
      Deployment start, List<Deployment> workloads, Function<String, Optional<Service>> services) {
    List<String> path = new ArrayList<>();
    path.add(start.getMetadata().getName());
    return walk(start, start, workloads, services, path, new HashSet<>());
  }

  private static Optional<String> walk(
      Deployment current,
      Deployment start,
      List<Deployment> workloads,
      Function<String, Optional<Service>> services,
      List<String> path,
      Set<String> seen) {
    if (!seen.add(current.getMetadata().getName())) {
      return Optional.empty();
    }
    for (String name :
        RelationDeclaration.fromAnnotations(current.getMetadata().getAnnotations()).relations()) {
      Optional<Service> service = services.apply(name);
      if (service.isEmpty()) {
        continue;
      }
      for (Deployment provider : workloads) {
        if (!RelationResolver.selectsItself(service.get(), podLabels(provider))) {
          continue;
        }
        path.add(provider.getMetadata().getName());
        if (provider.getMetadata().getName().equals(start.getMetadata().getName())) {
          return Optional.of(String.join(" → ", path));
        }
        Optional<String> found = walk(provider, start, workloads, services, path, seen);
        if (found.isPresent()) {
          return found;
        }
        path.remove(path.size() - 1);
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> podLabels(Deployment d) {
    var template = d.getSpec() == null ? null : d.getSpec().getTemplate();
    return template == null || template.getMetadata() == null
        ? Map.of()
        : template.getMetadata().getLabels();
  }
}
