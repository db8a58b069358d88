package dev.gantry.cli;

import dev.gantry.operator.stack.KindDiscovery;
import dev.gantry.operator.stack.StackObservation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.HashMap;
import java.util.Map;

/**
 * The kinds a Stack names, as the API server serves them (discovery, once per kind per command):
 * how to address one, or why it cannot be used. The operator's own lookup also starts an informer
 * and checks its own rights to watch; a command only needs the address.
 */
final class ServedKinds {
  /** A kind looked up: its address, or why there is none. */
  record Kind(ResourceDefinitionContext definition, String problem) {}

  private final KubernetesClient client;
  private final Map<String, Kind> known = new HashMap<>();

  ServedKinds(KubernetesClient client) {
    this.client = client;
  }

  Kind lookup(String apiVersion, String kind) {
    return known.computeIfAbsent(
        StackObservation.kindKey(apiVersion, kind), k -> discover(apiVersion, kind));
  }

  private Kind discover(String apiVersion, String kind) {
    KindDiscovery.Served served = KindDiscovery.discover(client, apiVersion, kind);
    return new Kind(served.definition(), served.problem());
  }
}
