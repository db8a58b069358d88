package dev.gantry.operator.relations;

import io.fabric8.kubernetes.api.model.Service;
import java.util.Map;
import java.util.Optional;

/** What resolution needs to know about the cluster; the operator answers from informer caches. */
public interface ProviderLookup {
  Optional<Service> service(String namespace, String name);

  /** A credentials Secret's keys and fingerprint, {@link Credentials#NONE} when it is missing. */
  Credentials credentials(String namespace, String name);

  /** What the Relation resources that select a workload of {@code kind} with these labels give. */
  Resolution.Explicit explicitBindings(
      String namespace, String kind, String name, Map<String, String> labels);
}
