package dev.gantry.cli;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How one kind reads on the command line: its table, its description, what waiting means, its logs.
 */
interface KindView<T extends HasMetadata> {
  Class<T> type();

  Table table(List<T> items, boolean wide, Instant now);

  void describe(T item, List<Event> events, PrintWriter out, Instant now);

  /** The --for values this kind understands, besides delete. */
  List<String> waitConditions();

  /** Where {@code item} stands with respect to {@code condition}. */
  WaitState waitState(T item, String condition);

  /**
   * Which pod and container hold the logs a user wants; {@code alternate} is --destroy for
   * Provisions.
   */
  LogSource logSource(String name, boolean alternate);

  /**
   * What of a deleted resource is still going away, for {@code delete --wait}; empty when nothing
   * is. The resource itself can be gone while a child it deleted still terminates.
   */
  default java.util.Optional<String> stillGoing(
      io.fabric8.kubernetes.client.KubernetesClient client, String namespace, String name) {
    return java.util.Optional.empty();
  }

  /**
   * @param done the condition holds
   * @param failed it never will (the resource failed)
   * @param progress one line on where it stands
   */
  record WaitState(boolean done, boolean failed, String progress) {}

  /**
   * @param selector labels of the pod
   * @param container the container
   * @param what a description for messages ("Job apply-x", "the leader of flux-sample")
   */
  record LogSource(Map<String, String> selector, String container, String what) {}
}
