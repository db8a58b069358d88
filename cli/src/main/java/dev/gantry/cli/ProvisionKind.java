package dev.gantry.cli;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import dev.gantry.operator.provision.ProvisionNames;
import io.fabric8.kubernetes.api.model.Event;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The CLI's view of Provisions. */
final class ProvisionKind implements KindView<Provision> {
  @Override
  public Class<Provision> type() {
    return Provision.class;
  }

  @Override
  public Table table(List<Provision> items, boolean wide, Instant now) {
    return ProvisionView.table(items, wide, now);
  }

  @Override
  public void describe(Provision item, List<Event> events, PrintWriter out, Instant now) {
    ProvisionView.describe(item, events, out, now);
  }

  @Override
  public List<String> waitConditions() {
    return List.of("ready", "planned");
  }

  @Override
  public WaitState waitState(Provision p, String condition) {
    Phase phase =
        p.getStatus() == null || p.getStatus().phase == null ? Phase.Pending : p.getStatus().phase;
    String message = ProvisionView.readyMessage(p);
    boolean current =
        p.getStatus() != null
            && p.getMetadata().getGeneration() != null
            && p.getMetadata().getGeneration().equals(p.getStatus().observedGeneration);
    String progress = phase + (message.isEmpty() ? "" : ": " + OneLine.of(message));
    Phase done = condition.equals("planned") ? Phase.AwaitingApproval : Phase.Ready;
    return new WaitState(current && phase == done, current && phase == Phase.Failed, progress);
  }

  @Override
  public LogSource logSource(String name, boolean destroy) {
    String job = destroy ? ProvisionNames.destroyJob(name) : ProvisionNames.applyJob(name);
    String container =
        destroy ? ProvisionNames.destroyContainer(name) : ProvisionNames.applyContainer(name);
    return new LogSource(Map.of("job-name", job), container, "Job " + job);
  }

  /**
   * After the destroy Gantry deletes the claim; pvc-protection keeps it Terminating while a pod
   * still mounts it, and the next Provision of the same name could not bind it then. A claim that
   * is not being deleted was retained (retainOnDelete) and stays.
   */
  @Override
  public java.util.Optional<String> stillGoing(
      io.fabric8.kubernetes.client.KubernetesClient client, String namespace, String name) {
    String claim = dev.gantry.operator.provision.ProvisionNames.deliverablesClaim(name);
    var live = client.persistentVolumeClaims().inNamespace(namespace).withName(claim).get();
    return live != null && live.getMetadata().getDeletionTimestamp() != null
        ? java.util.Optional.of(
            "claim " + claim + " is terminating (released once no pod mounts it)")
        : java.util.Optional.empty();
  }
}
