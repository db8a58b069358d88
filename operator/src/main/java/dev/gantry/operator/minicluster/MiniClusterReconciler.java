package dev.gantry.operator.minicluster;

import dev.gantry.api.minicluster.MiniCluster;
import dev.gantry.api.minicluster.MiniClusterStatus;
import dev.gantry.operator.kube.ChildInformers;
import dev.gantry.operator.kube.ChildWriter;
import dev.gantry.operator.kube.EventRecorder;
import dev.gantry.operator.kube.NamespaceTermination;
import dev.gantry.operator.kube.OwnerReferences;
import dev.gantry.operator.kube.StatusComparison;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a MiniCluster: keeps its ConfigMap, CURVE Secret, Services and indexed Job as declared
 * (a deleted or edited child comes back), resizes the Job within the maximum size, and reports the
 * ranks that are really up.
 */
@ControllerConfiguration(name = "minicluster")
public class MiniClusterReconciler implements Reconciler<MiniCluster> {
  static final java.time.Duration NAMESPACE_RECHECK = java.time.Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(MiniClusterReconciler.class);

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public MiniClusterReconciler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, MiniCluster>> prepareEventSources(
      EventSourceContext<MiniCluster> context) {
    return List.of(
        informer(context, Job.class),
        informer(context, Pod.class),
        informer(context, ConfigMap.class),
        informer(context, Secret.class),
        informer(context, Service.class));
  }

  private static <R extends HasMetadata> EventSource<R, MiniCluster> informer(
      EventSourceContext<MiniCluster> context, Class<R> type) {
    return ChildInformers.of(context, type, MiniCluster.class, MiniClusterNames.OWNER_LABEL);
  }

  @Override
  public UpdateControl<MiniCluster> reconcile(MiniCluster mc, Context<MiniCluster> context) {
    try {
      return converge(mc, context);
    } catch (KubernetesClientException e) {
      if (!NamespaceTermination.refused(e)) {
        throw e;
      }
      // The namespace is going and takes no new children; its deletion reaches this resource
      // next, and the cleanup says what that means. Nothing to retry with a stack trace.
      LOG.debug(
          "{}/{}: namespace is being deleted; no new children",
          mc.getMetadata().getNamespace(),
          mc.getMetadata().getName());
      return UpdateControl.<MiniCluster>noUpdate().rescheduleAfter(NAMESPACE_RECHECK);
    }
  }

  private UpdateControl<MiniCluster> converge(MiniCluster mc, Context<MiniCluster> context) {
    String name = mc.getMetadata().getName();
    String uid = mc.getMetadata().getUid();
    List<String> problems = SpecCheck.problems(mc);
    int maximumSize =
        mc.getStatus() != null && mc.getStatus().maximumSize != null
            ? mc.getStatus().maximumSize
            : (mc.getSpec() == null ? 1 : mc.getSpec().maxSizeOrDefault());
    Integer jobSize = null;
    RankObserver.Ranks ranks = null;

    if (problems.isEmpty()) {
      ensureCurve(mc, context);
      ensure(
          context,
          owned(context, ConfigMap.class, uid, MiniClusterNames.entrypointConfigMap(name)),
          MiniClusterObjects.entrypoint(mc, maximumSize),
          (live, want) -> Objects.equals(live.getData(), want.getData()),
          (live, want) -> {
            live.setData(want.getData());
            return live;
          });
      ensureService(context, uid, MiniClusterObjects.rankService(mc));
      for (Service service : MiniClusterObjects.containerServices(mc)) {
        ensureService(context, uid, service);
      }
      Optional<Job> job = owned(context, Job.class, uid, MiniClusterNames.job(name));
      int size = mc.getSpec().sizeOrDefault();
      if (job.isEmpty()) {
        if (size >= 1) {
          Job desired = RankJob.desired(mc, maximumSize);
          if (create(context, desired)) {
            new EventRecorder(context.getClient(), clock)
                .normal(
                    mc, "JobCreated", "created indexed Job " + name + " with " + size + " ranks");
            // Report the Job now rather than on the next pass: one status write instead of two.
            jobSize = desired.getSpec().getParallelism();
            ranks =
                new RankObserver.Ranks(
                    new java.util.TreeSet<>(), List.of(), null, false, false, Optional.empty());
          }
        }
      } else {
        Job live = job.get();
        Integer parallelism = live.getSpec().getParallelism();
        jobSize = parallelism;
        if (size >= 1
            && size <= maximumSize
            && !Integer.valueOf(size).equals(parallelism)
            && live.getMetadata().getDeletionTimestamp() == null) {
          resize(context, live, size);
          new EventRecorder(context.getClient(), clock)
              .normal(
                  mc,
                  "Resized",
                  "Job " + name + " resized from " + parallelism + " to " + size + " ranks");
          jobSize = size;
        } else if (size > maximumSize
            && !Integer.valueOf(size).equals(mc.getStatus() == null ? null : mc.getStatus().size)) {
          LOG.info(
              "{}/{}: size {} above maximum {} refused",
              mc.getMetadata().getNamespace(),
              name,
              size,
              maximumSize);
        }
        ranks =
            RankObserver.observe(
                live,
                context.getSecondaryResources(Pod.class),
                name,
                jobSize == null ? size : jobSize);
        if (mc.getSpec().cleansUp() && ranks.leaderFinished()) {
          new EventRecorder(context.getClient(), clock)
              .normal(
                  mc, "CleanedUp", "the leader finished; deleting the MiniCluster (spec.cleanup)");
          context.getClient().resource(mc).delete();
          return UpdateControl.noUpdate();
        }
      }
    }

    MiniClusterStatus status =
        MiniClusterStatusFactory.compute(
            mc,
            problems,
            problems.isEmpty() ? SpecCheck.unsupported(mc) : List.of(),
            maximumSize,
            jobSize,
            ranks,
            clock.instant());
    announce(mc, status, context);
    if (StatusComparison.same(mc.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    mc.setStatus(status);
    return UpdateControl.patchStatus(mc);
  }

  /** The key pair is made once: from spec.flux.curveCert, or generated; then kept in the Secret. */
  private void ensureCurve(MiniCluster mc, Context<MiniCluster> context) {
    String name = mc.getMetadata().getName();
    Optional<Secret> live =
        owned(context, Secret.class, mc.getMetadata().getUid(), MiniClusterNames.curveSecret(name));
    String given = mc.getSpec().fluxOrDefault().curveCert;
    if (live.isEmpty()) {
      // Not in the cache: new, or its labels or owner were edited away (the informer selects on
      // them). Read it by name before making a key pair: the pair never changes.
      live =
          Optional.ofNullable(
              context
                  .getClient()
                  .secrets()
                  .inNamespace(mc.getMetadata().getNamespace())
                  .withName(MiniClusterNames.curveSecret(name))
                  .get());
    }
    if (live.isEmpty()) {
      String cert =
          given != null && !given.isBlank()
              ? given
              : CurveCertificate.generate(random, MiniClusterNames.host(name, 0)).text();
      create(context, MiniClusterObjects.curve(mc, cert));
      return;
    }
    String stored =
        live.get().getData() == null
            ? null
            : live.get().getData().get(MiniClusterObjects.CURVE_KEY);
    String storedText =
        stored == null
            ? null
            : new String(Base64.getDecoder().decode(stored), StandardCharsets.UTF_8);
    // The stored key pair stays unless spec.flux.curveCert names another or it is gone; the rest
    // of the Secret (labels, owner, type) is put back whole when it drifted.
    String cert =
        given != null && !given.isBlank()
            ? given
            : storedText != null
                ? storedText
                : CurveCertificate.generate(random, MiniClusterNames.host(name, 0)).text();
    Secret desired = MiniClusterObjects.curve(mc, cert);
    if (!dev.gantry.operator.kube.OwnedSecret.matches(live.get(), desired)) {
      if (dev.gantry.operator.kube.OwnedSecret.typeDiffers(live.get(), desired)) {
        context.getClient().resource(live.get()).delete();
        create(context, desired);
        return;
      }
      desired.getMetadata().setResourceVersion(live.get().getMetadata().getResourceVersion());
      context.getClient().resource(desired).update();
    }
  }

  private void ensureService(Context<MiniCluster> context, String uid, Service want) {
    Optional<Service> live = owned(context, Service.class, uid, want.getMetadata().getName());
    if (live.isEmpty()) {
      create(context, want);
      return;
    }
    var l = live.get().getSpec();
    var w = want.getSpec();
    boolean typeChanged =
        !Objects.equals("None".equals(l.getClusterIP()), "None".equals(w.getClusterIP()));
    if (typeChanged) {
      // clusterIP is immutable: headless and minimal Services are swapped by recreating.
      context.getClient().resource(live.get()).delete();
      return;
    }
    boolean same =
        Objects.equals(l.getSelector(), w.getSelector())
            && Objects.equals(l.getPublishNotReadyAddresses(), w.getPublishNotReadyAddresses())
            && portsMatch(l.getPorts(), w.getPorts());
    if (!same) {
      context
          .getClient()
          .resource(live.get())
          .edit(
              s -> {
                s.getSpec().setSelector(w.getSelector());
                s.getSpec().setPublishNotReadyAddresses(w.getPublishNotReadyAddresses());
                s.getSpec().setPorts(w.getPorts());
                return s;
              });
    }
  }

  private static boolean portsMatch(
      List<io.fabric8.kubernetes.api.model.ServicePort> live,
      List<io.fabric8.kubernetes.api.model.ServicePort> want) {
    List<Integer> a =
        live == null ? List.of() : live.stream().map(p -> p.getPort()).sorted().toList();
    List<Integer> b =
        want == null ? List.of() : want.stream().map(p -> p.getPort()).sorted().toList();
    return a.equals(b);
  }

  private static void resize(Context<MiniCluster> context, Job live, int size) {
    context
        .getClient()
        .batch()
        .v1()
        .jobs()
        .inNamespace(live.getMetadata().getNamespace())
        .withName(live.getMetadata().getName())
        .edit(
            j -> {
              j.getSpec().setParallelism(size);
              j.getSpec().setCompletions(size);
              return j;
            });
  }

  private <R extends HasMetadata> void ensure(
      Context<MiniCluster> context,
      Optional<R> live,
      R want,
      java.util.function.BiPredicate<R, R> matches,
      java.util.function.BinaryOperator<R> restore) {
    if (live.isEmpty()) {
      create(context, want);
    } else if (!matches.test(live.get(), want)) {
      LOG.info(
          "{} {} drifted from its declaration; restoring it",
          want.getKind(),
          want.getMetadata().getName());
      context.getClient().resource(live.get()).edit(l -> restore.apply(l, want));
    }
  }

  private static <R extends HasMetadata> Optional<R> owned(
      Context<MiniCluster> context, Class<R> type, String uid, String name) {
    return context.getSecondaryResources(type).stream()
        .filter(r -> name.equals(r.getMetadata().getName()) && OwnerReferences.isOwnedBy(r, uid))
        .findFirst();
  }

  private static <R extends HasMetadata> boolean create(Context<MiniCluster> context, R child) {
    return ChildWriter.create(context.getClient(), child);
  }

  private void announce(MiniCluster mc, MiniClusterStatus status, Context<MiniCluster> context) {
    var before = mc.getStatus() == null ? null : mc.getStatus().phase;
    if (before == status.phase) {
      return;
    }
    EventRecorder events = new EventRecorder(context.getClient(), clock);
    String message =
        status.conditions.stream()
            .filter(c -> "Ready".equals(c.getType()))
            .map(c -> c.getMessage())
            .findFirst()
            .orElse("");
    switch (status.phase) {
      case Ready, Running -> events.normal(mc, "RanksUp", message);
      case Succeeded -> events.normal(mc, "Completed", message);
      case Failed -> events.warning(mc, "Failed", message);
      case Pending -> {
        if (status.conditions.stream().anyMatch(c -> "InvalidSpec".equals(c.getReason()))) {
          events.warning(mc, "InvalidSpec", message);
        }
      }
      default -> {}
    }
  }
}
