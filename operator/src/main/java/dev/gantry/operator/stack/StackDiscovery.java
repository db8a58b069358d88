package dev.gantry.operator.stack;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The scrape targets of every Stack, as the reconciler last found them, for the operator's
 * Prometheus HTTP service discovery endpoint. Each Stack's groups are replaced whole by its pass,
 * and dropped when it is gone.
 */
public final class StackDiscovery {
  private final Map<String, List<ScrapeTargets.Group>> byStack = new ConcurrentSkipListMap<>();

  void put(String namespace, String stack, List<ScrapeTargets.Group> groups) {
    if (groups.isEmpty()) {
      byStack.remove(key(namespace, stack));
    } else {
      byStack.put(key(namespace, stack), groups);
    }
  }

  void remove(String namespace, String stack) {
    byStack.remove(key(namespace, stack));
  }

  /**
   * The groups, in namespace and Stack order; only a namespace's, or one Stack's, when they are
   * given (null for all).
   */
  public List<ScrapeTargets.Group> groups(String namespace, String stack) {
    return byStack.entrySet().stream()
        .filter(e -> namespace == null || e.getKey().startsWith(namespace + "/"))
        .filter(e -> stack == null || e.getKey().endsWith("/" + stack))
        .flatMap(e -> e.getValue().stream())
        .toList();
  }

  private static String key(String namespace, String stack) {
    return namespace + "/" + stack;
  }
}
