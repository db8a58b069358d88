package dev.gantry.operator.provision;

import dev.gantry.api.provision.DeliverableFile;
import dev.gantry.api.provision.OutputsStatus;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.operator.kube.ChildWriter;
import dev.gantry.operator.kube.Conditions;
import dev.gantry.operator.kube.OwnerReferences;
import dev.gantry.operator.provision.OutputsSecret.ReadFile;
import dev.gantry.operator.provision.OutputsSecret.Wanted;
import dev.gantry.operator.provision.VolumeReader.VolumeReadException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * After a successful apply, reads the outputs its spec asks for off the volume and publishes them
 * in the Secret {@code <name>-outputs}, once per run. It reads through the apply pod's deliverables
 * sidecar, which waits for it, or, when that pod has ended (the operator was down), through a
 * short-lived reader pod.
 */
final class OutputsPublisher {
  /** How long the sidecar stays up for Gantry to read the outputs after a successful apply. */
  static final int SIDECAR_WAIT_SECONDS = 120;

  private final VolumeReader reader;
  private final ProvisionSettings settings;

  OutputsPublisher(VolumeReader reader, ProvisionSettings settings) {
    this.reader = reader;
    this.settings = settings;
  }

  OutputsState publish(
      Provision provision,
      Job job,
      List<Pod> pods,
      Optional<Secret> live,
      RunOutcome apply,
      KubernetesClient client) {
    RunId run = apply.id();
    Optional<OutputsState> done = alreadyDone(provision.getStatus(), run);
    if (done.isPresent()) {
      return done.get();
    }
    // The cached status may lag behind the Secret an earlier pass wrote: it says which run it is.
    Optional<OutputsStatus> fromSecret = live.flatMap(s -> OutputsSecret.statusOf(s, run));
    if (fromSecret.isPresent()) {
      return new OutputsState.Published(fromSecret.get());
    }
    List<Wanted> wanted = OutputsSecret.wanted(provision.getSpec().outputsOrDefault());
    Map<String, ReadFile> known = new LinkedHashMap<>();
    List<String> toRead = new ArrayList<>();
    // The apply's file list says what is absent or too large without reading anything.
    Optional<Set<String>> listed =
        apply
            .manifest()
            .filter(m -> !m.truncated())
            .map(m -> m.files().stream().map(f -> f.name).collect(Collectors.toSet()));
    for (Wanted w : wanted) {
      Optional<DeliverableFile> file =
          apply
              .manifest()
              .flatMap(m -> m.files().stream().filter(f -> f.name.equals(w.path())).findFirst());
      if (listed.isPresent() && !listed.get().contains(w.path())) {
        known.put(w.path(), ReadFile.missing(w.path()));
      } else if (file.isPresent() && file.get().size > OutputsSecret.SECRET_LIMIT) {
        known.put(w.path(), new ReadFile(w.path(), true, file.get().size, null));
      } else if (!toRead.contains(w.path())) {
        toRead.add(w.path());
      }
    }
    Optional<OutputsSecret.Refused> refused =
        OutputsSecret.refusalFromListing(provision.getSpec().outputsOrDefault(), known);
    if (refused.isPresent()) {
      return refuse(run, refused.get(), live, client);
    }
    if (!toRead.isEmpty()) {
      Optional<String> waiting = readInto(provision, job, pods, toRead, known, client);
      if (waiting.isPresent()) {
        return new OutputsState.Waiting(waiting.get());
      }
    }
    OutputsSecret.Result result = OutputsSecret.build(provision, run, known);
    if (result instanceof OutputsSecret.Publish publish) {
      if (live.isEmpty()) {
        ChildWriter.create(client, publish.secret());
      } else if (!OutputsSecret.matches(live.get(), publish.secret())) {
        client.resource(publish.secret()).update();
      }
      return new OutputsState.Published(publish.status());
    }
    if (result instanceof OutputsSecret.Refused r) {
      return refuse(run, r, live, client);
    }
    live.ifPresent(s -> client.resource(s).delete());
    return new OutputsState.Nothing(emptyStatus(run));
  }

  /** No Secret, so no consumer reads another run's values as this one's. */
  private static OutputsState refuse(
      RunId run, OutputsSecret.Refused refused, Optional<Secret> live, KubernetesClient client) {
    live.ifPresent(s -> client.resource(s).delete());
    return new OutputsState.Refused(emptyStatus(run), refused.reason(), refused.message());
  }

  /**
   * Reads through a running pod Gantry made; empty when read, else what it waits for. The reader
   * pod is removed once read, or when it ended without being read.
   */
  private Optional<String> readInto(
      Provision provision,
      Job job,
      List<Pod> pods,
      List<String> paths,
      Map<String, ReadFile> into,
      KubernetesClient client) {
    String name = provision.getMetadata().getName();
    String namespace = provision.getMetadata().getNamespace();
    String mountPath = provision.getSpec().deliverablesOrDefault().mountPathOrDefault();
    Optional<Pod> sidecar =
        pods.stream()
            .filter(p -> OwnerReferences.isOwnedBy(p, job.getMetadata().getUid()))
            .filter(p -> running(p, ProvisionNames.DELIVERABLES_CONTAINER))
            .findFirst();
    String readerName = ProvisionNames.outputsReaderPod(name);
    Optional<Pod> readerPod =
        pods.stream()
            .filter(p -> readerName.equals(p.getMetadata().getName()))
            .filter(p -> OwnerReferences.isOwnedBy(p, provision.getMetadata().getUid()))
            .findFirst();
    String pod;
    String container;
    if (sidecar.isPresent()) {
      pod = sidecar.get().getMetadata().getName();
      container = ProvisionNames.DELIVERABLES_CONTAINER;
    } else if (readerPod.isEmpty()) {
      ChildWriter.create(client, DeliverablesFetchPod.outputsReader(provision, settings));
      return Optional.of(
          "the apply pod has ended; starting pod " + readerName + " to read the outputs");
    } else if (running(readerPod.get(), DeliverablesFetchPod.CONTAINER)) {
      pod = readerName;
      container = DeliverablesFetchPod.CONTAINER;
    } else if (ended(readerPod.get())) {
      client.resource(readerPod.get()).delete();
      return Optional.of("pod " + readerName + " ended before the outputs were read; retrying");
    } else {
      return Optional.of("waiting for pod " + readerName + " to start" + pending(readerPod.get()));
    }
    try {
      into.putAll(
          reader.read(
              client, namespace, pod, container, mountPath, paths, OutputsSecret.SECRET_LIMIT));
    } catch (VolumeReadException e) {
      return Optional.of("reading the outputs failed, retrying: " + e.getMessage());
    }
    readerPod.ifPresent(p -> client.resource(p).delete());
    return Optional.empty();
  }

  /** This run's outputs were dealt with in an earlier pass: the same answer, nothing re-read. */
  private static Optional<OutputsState> alreadyDone(ProvisionStatus status, RunId run) {
    if (status == null || status.outputs == null || !run.toString().equals(status.outputs.run)) {
      return Optional.empty();
    }
    var condition = Conditions.find(status.conditions, ProvisionStatusFactory.OUTPUTS_PUBLISHED);
    if (condition.isEmpty()) {
      return Optional.empty();
    }
    String reason = condition.get().getReason();
    if (ProvisionStatusFactory.OUTPUTS_PUBLISHED_REASON.equals(reason)) {
      return Optional.of(new OutputsState.Published(status.outputs));
    }
    if (ProvisionStatusFactory.NOTHING_TO_PUBLISH.equals(reason)) {
      return Optional.of(new OutputsState.Nothing(status.outputs));
    }
    return Optional.of(
        new OutputsState.Refused(status.outputs, reason, condition.get().getMessage()));
  }

  private static OutputsStatus emptyStatus(RunId run) {
    OutputsStatus status = new OutputsStatus();
    status.generation = run.generation();
    status.run = run.toString();
    return status;
  }

  /** The sidecar's environment: which files to wait for Gantry to read, and for how long. */
  static Map<String, String> sidecarEnvironment(Provision provision) {
    List<Wanted> wanted = OutputsSecret.wanted(provision.getSpec().outputsOrDefault());
    if (wanted.isEmpty()) {
      return Map.of();
    }
    return Map.of(
        "GANTRY_OUTPUTS",
        wanted.stream().map(Wanted::path).distinct().collect(Collectors.joining(" ")),
        "GANTRY_OUTPUTS_WAIT",
        String.valueOf(SIDECAR_WAIT_SECONDS));
  }

  private static boolean running(Pod pod, String container) {
    return pod.getMetadata().getDeletionTimestamp() == null
        && pod.getStatus() != null
        && pod.getStatus().getContainerStatuses() != null
        && pod.getStatus().getContainerStatuses().stream()
            .anyMatch(
                s ->
                    container.equals(s.getName())
                        && s.getState() != null
                        && s.getState().getRunning() != null);
  }

  private static boolean ended(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static String pending(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return "";
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> s.getState() != null && s.getState().getWaiting() != null)
        .map(s -> s.getState().getWaiting())
        .filter(w -> w.getReason() != null && !"ContainerCreating".equals(w.getReason()))
        .map(w -> ": " + w.getReason() + (w.getMessage() == null ? "" : ": " + w.getMessage()))
        .findFirst()
        .orElse("");
  }
}
