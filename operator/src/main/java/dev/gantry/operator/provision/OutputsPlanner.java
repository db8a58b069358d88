package dev.gantry.operator.provision;

import dev.gantry.api.provision.DeliverableFile;
import dev.gantry.api.provision.OutputsStatus;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.operator.kube.Conditions;
import dev.gantry.operator.kube.OwnerReferences;
import dev.gantry.operator.provision.OutputsSecret.ReadFile;
import dev.gantry.operator.provision.OutputsSecret.Wanted;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * After a successful apply: reads the outputs its spec asks for off the volume (through the apply
 * pod's deliverables sidecar, which waits for it, or, when that pod has ended, a short-lived reader
 * pod) and publishes them in the Secret {@code <name>-outputs}, once per run. The read itself runs
 * off the reconcile thread ({@link OutputsReads}); this decides when to ask and what its answer
 * means.
 */
final class OutputsPlanner {
  /** How long the sidecar stays up for Gantry to read the outputs after a successful apply. */
  static final int SIDECAR_WAIT_SECONDS = 120;

  record Decision(OutputsState state, List<ProvisionAction> actions) {}

  private final ProvisionSettings settings;

  OutputsPlanner(ProvisionSettings settings) {
    this.settings = settings;
  }

  Decision decide(ProvisionObservation o, Job applyJob, RunOutcome apply) {
    List<ProvisionAction> actions = new ArrayList<>();
    RunId run = apply.id();
    // By name: one whose owner reference was lost is still this Provision's to repair.
    Optional<Secret> named = o.secret(ProvisionNames.outputsSecret(o.name()));
    Optional<Secret> live = named.filter(s -> OwnerReferences.isOwnedBy(s, o.uid()));
    Optional<Pod> readerPod = o.pod(ProvisionNames.outputsReaderPod(o.name()));
    Optional<OutputsState> done = alreadyDone(o.provision().getStatus(), run);
    if (done.isPresent()) {
      readerPod.ifPresent(p -> actions.add(new ProvisionAction.Delete(p)));
      named.flatMap(s -> repaired(o, s)).ifPresent(actions::add);
      return new Decision(done.get(), actions);
    }
    // The status may lag behind the Secret an earlier pass wrote: the Secret says which run it is.
    Optional<OutputsStatus> fromSecret = live.flatMap(s -> OutputsSecret.statusOf(s, run));
    if (fromSecret.isPresent()) {
      live.flatMap(s -> repaired(o, s)).ifPresent(actions::add);
      return new Decision(new OutputsState.Published(fromSecret.get()), actions);
    }
    var spec = o.provision().getSpec().outputsOrDefault();
    List<Wanted> wanted = OutputsSecret.wanted(spec);
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
    Optional<OutputsSecret.Refused> refused = OutputsSecret.refusalFromListing(spec, known);
    if (refused.isPresent()) {
      return refuse(run, refused.get(), live, actions);
    }
    if (!toRead.isEmpty()) {
      Optional<OutputsRead> read =
          o.outputsRead().filter(r -> r.request().run().equals(run.toString()));
      if (read.isPresent() && read.get() instanceof OutputsRead.Read files) {
        known.putAll(files.files());
        readerPod.ifPresent(p -> actions.add(new ProvisionAction.Delete(p)));
      } else {
        return new Decision(
            new OutputsState.Waiting(askToRead(o, applyJob, run, toRead, read, actions)), actions);
      }
    }
    OutputsSecret.Result result = OutputsSecret.build(o.provision(), run, known);
    if (result instanceof OutputsSecret.Publish publish) {
      if (named.isEmpty()) {
        actions.add(new ProvisionAction.Create(publish.secret()));
      } else if (!OutputsSecret.matches(named.get(), publish.secret())) {
        actions.add(new ProvisionAction.ReplaceSecret(named.get(), publish.secret()));
      }
      return new Decision(new OutputsState.Published(publish.status()), actions);
    }
    if (result instanceof OutputsSecret.Refused r) {
      return refuse(run, r, live, actions);
    }
    live.ifPresent(s -> actions.add(new ProvisionAction.Delete(s)));
    return new Decision(new OutputsState.Nothing(emptyStatus(run)), actions);
  }

  /**
   * Asks for the read through a running pod Gantry made (the apply pod's sidecar, else a reader
   * pod, started when needed); says what it waits for.
   */
  private String askToRead(
      ProvisionObservation o,
      Job applyJob,
      RunId run,
      List<String> paths,
      Optional<OutputsRead> read,
      List<ProvisionAction> actions) {
    String readerName = ProvisionNames.outputsReaderPod(o.name());
    Optional<Pod> sidecar =
        o.pods().stream()
            .filter(p -> OwnerReferences.isOwnedBy(p, applyJob.getMetadata().getUid()))
            .filter(p -> PodStates.running(p, ProvisionNames.DELIVERABLES_CONTAINER))
            .findFirst();
    Optional<Pod> readerPod = o.pod(readerName).filter(p -> OwnerReferences.isOwnedBy(p, o.uid()));
    String pod;
    String container;
    if (sidecar.isPresent()) {
      pod = sidecar.get().getMetadata().getName();
      container = ProvisionNames.DELIVERABLES_CONTAINER;
    } else if (readerPod.isEmpty()) {
      actions.add(
          new ProvisionAction.Create(DeliverablesFetchPod.outputsReader(o.provision(), settings)));
      return "the apply pod has ended; starting pod " + readerName + " to read the outputs";
    } else if (PodStates.running(readerPod.get(), DeliverablesFetchPod.CONTAINER)) {
      pod = readerName;
      container = DeliverablesFetchPod.CONTAINER;
    } else if (PodStates.ended(readerPod.get())) {
      actions.add(new ProvisionAction.Delete(readerPod.get()));
      return "pod " + readerName + " ended before the outputs were read; retrying";
    } else {
      return "waiting for pod " + readerName + " to start" + PodStates.waiting(readerPod.get());
    }
    OutputsRead.Request request =
        new OutputsRead.Request(
            o.provision().getMetadata().getNamespace(),
            o.name(),
            o.uid(),
            run.toString(),
            pod,
            container,
            o.provision().getSpec().deliverablesOrDefault().mountPathOrDefault(),
            List.copyOf(paths),
            OutputsSecret.SECRET_LIMIT);
    actions.add(new ProvisionAction.ReadOutputs(request));
    if (read.isPresent() && read.get() instanceof OutputsRead.Failed failed) {
      return "reading the outputs failed, retrying: " + failed.message();
    }
    return "reading the outputs through pod " + pod;
  }

  /**
   * The published Secret with the labels and owner Gantry gives it put back, when they drifted (its
   * values are not read again: they stay as published).
   */
  private static Optional<ProvisionAction> repaired(ProvisionObservation o, Secret live) {
    Secret want = io.fabric8.kubernetes.client.utils.Serialization.clone(live);
    var labels = new java.util.HashMap<String, String>();
    if (live.getMetadata().getLabels() != null) {
      labels.putAll(live.getMetadata().getLabels());
    }
    labels.putAll(ProvisionLabels.of(o.name(), ProvisionLabels.OUTPUTS));
    want.getMetadata().setLabels(labels);
    want.getMetadata().setOwnerReferences(List.of(OwnerReferences.controllerOf(o.provision())));
    return dev.gantry.operator.kube.OwnedSecret.matches(live, want)
        ? Optional.empty()
        : Optional.of(new ProvisionAction.ReplaceSecret(live, want));
  }

  /** No Secret, so no consumer reads another run's values as this one's. */
  private static Decision refuse(
      RunId run,
      OutputsSecret.Refused refused,
      Optional<Secret> live,
      List<ProvisionAction> actions) {
    live.ifPresent(s -> actions.add(new ProvisionAction.Delete(s)));
    return new Decision(
        new OutputsState.Refused(emptyStatus(run), refused.reason(), refused.message()), actions);
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
  static Map<String, String> sidecarEnvironment(dev.gantry.api.provision.Provision provision) {
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
}
