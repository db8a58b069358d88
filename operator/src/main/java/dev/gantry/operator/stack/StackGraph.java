package dev.gantry.operator.stack;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The components and what each depends on. Creation goes in waves (a component's wave is one more
 * than the latest of its dependencies), teardown in the reverse; a cycle is named component by
 * component.
 */
public final class StackGraph {
  private final Map<String, Set<String>> dependencies;

  /**
   * @param dependencies for each component (in declaration order), the components it depends on;
   *     names that are not keys are ignored (they are reported elsewhere)
   */
  public StackGraph(Map<String, ? extends Collection<String>> dependencies) {
    Map<String, Set<String>> copy = new LinkedHashMap<>();
    dependencies.forEach(
        (name, deps) -> {
          Set<String> known = new LinkedHashSet<>();
          for (String d : deps) {
            if (dependencies.containsKey(d)) {
              known.add(d);
            }
          }
          copy.put(name, known);
        });
    this.dependencies = copy;
  }

  public Set<String> components() {
    return dependencies.keySet();
  }

  public Set<String> dependenciesOf(String component) {
    return dependencies.getOrDefault(component, Set.of());
  }

  /** The components that depend on {@code component} directly. */
  public Set<String> dependentsOf(String component) {
    Set<String> dependents = new LinkedHashSet<>();
    dependencies.forEach(
        (name, deps) -> {
          if (deps.contains(component)) {
            dependents.add(name);
          }
        });
    return dependents;
  }

  /**
   * A cycle, as the components along it with the first repeated at the end (a → b → a), or empty.
   */
  public Optional<List<String>> cycle() {
    Map<String, Integer> state = new LinkedHashMap<>();
    for (String start : dependencies.keySet()) {
      Deque<String> path = new ArrayDeque<>();
      List<String> found = visit(start, state, path);
      if (found != null) {
        return Optional.of(found);
      }
    }
    return Optional.empty();
  }

  private List<String> visit(String node, Map<String, Integer> state, Deque<String> path) {
    Integer s = state.get(node);
    if (s != null && s == 2) {
      return null;
    }
    if (s != null && s == 1) {
      List<String> cycle = new ArrayList<>();
      boolean in = false;
      for (String p : reversed(path)) {
        in = in || p.equals(node);
        if (in) {
          cycle.add(p);
        }
      }
      cycle.add(node);
      return cycle;
    }
    state.put(node, 1);
    path.push(node);
    for (String dep : dependencies.get(node)) {
      List<String> found = visit(dep, state, path);
      if (found != null) {
        return found;
      }
    }
    path.pop();
    state.put(node, 2);
    return null;
  }

  private static List<String> reversed(Deque<String> path) {
    List<String> list = new ArrayList<>(path);
    java.util.Collections.reverse(list);
    return list;
  }

  /**
   * The waves of creation: the first holds what depends on nothing, each next one what depends only
   * on earlier waves; in declaration order within a wave.
   *
   * @throws IllegalStateException on a cycle (check {@link #cycle()} first)
   */
  public List<List<String>> waves() {
    Map<String, Integer> wave = new LinkedHashMap<>();
    int remaining = dependencies.size();
    List<List<String>> waves = new ArrayList<>();
    while (remaining > 0) {
      List<String> next = new ArrayList<>();
      for (var entry : dependencies.entrySet()) {
        if (!wave.containsKey(entry.getKey()) && wave.keySet().containsAll(entry.getValue())) {
          next.add(entry.getKey());
        }
      }
      if (next.isEmpty()) {
        throw new IllegalStateException("cycle: " + cycle().orElse(List.of()));
      }
      for (String n : next) {
        wave.put(n, waves.size());
      }
      waves.add(List.copyOf(next));
      remaining -= next.size();
    }
    return waves;
  }

  /** Creation order: the waves one after the other. */
  public List<String> order() {
    return waves().stream().flatMap(List::stream).toList();
  }

  /** Teardown order: dependents before what they depend on. */
  public List<String> teardownOrder() {
    List<String> order = new ArrayList<>(order());
    java.util.Collections.reverse(order);
    return order;
  }
}
