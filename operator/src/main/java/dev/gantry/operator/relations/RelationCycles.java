package dev.gantry.operator.relations;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
   * @param kind the kind of the workloads
   * @param start the consumer being reconciled
   * @param workloads the namespace's workloads of that kind that declare relations
   * @param services looks up a Service by name
   * @return the cycle as "a → b → a", if there is one through {@code start}
   */
  public static <W extends HasMetadata> Optional<String> through(
      WorkloadKind<W> kind,
      W start,
      List<W> workloads,
      Function<String, Optional<Service>> services) {
    List<String> path = new ArrayList<>();
    path.add(start.getMetadata().getName());
    return walk(kind, start, start, workloads, services, path, new HashSet<>());
  }

  private static <W extends HasMetadata> Optional<String> walk(
      WorkloadKind<W> kind,
      W current,
      W start,
      List<W> workloads,
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
      for (W provider : workloads) {
        if (!RelationResolver.selectsItself(service.get(), kind.podLabels(provider))) {
          continue;
        }
        path.add(provider.getMetadata().getName());
        if (provider.getMetadata().getName().equals(start.getMetadata().getName())) {
          return Optional.of(String.join(" → ", path));
        }
        Optional<String> found = walk(kind, provider, start, workloads, services, path, seen);
        if (found.isPresent()) {
          return found;
        }
        path.remove(path.size() - 1);
      }
    }
    return Optional.empty();
  }
}
