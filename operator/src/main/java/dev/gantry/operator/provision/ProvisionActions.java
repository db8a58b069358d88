package dev.gantry.operator.provision;

import dev.gantry.api.provision.Provision;
import dev.gantry.operator.kube.FreshEdit;
import dev.gantry.operator.kube.OwnedSecret;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;

/**
 * Carries out what the planner decided, in order. A child it creates is put in its informer's cache
 * at once, so the next pass sees it even before the watch delivers it: a run started is never
 * started twice, nor another beside it.
 */
final class ProvisionActions {
  /** The API server refused to create a child (a quota, a policy, a terminating namespace). */
  static final class Refused extends RuntimeException {
    Refused(String message, KubernetesClientException cause) {
      super(message, cause);
    }
  }

  private final OutputsReads reads;

  ProvisionActions(OutputsReads reads) {
    this.reads = reads;
  }

  void execute(Provision provision, List<ProvisionAction> actions, Context<Provision> context) {
    KubernetesClient client = context.getClient();
    for (ProvisionAction action : actions) {
      if (action instanceof ProvisionAction.Create create) {
        create(create.child(), context);
      } else if (action instanceof ProvisionAction.ReplaceSecret replace) {
        replace(replace.live(), replace.desired(), client);
      } else if (action instanceof ProvisionAction.Delete delete) {
        client.resource(delete.child()).delete();
      } else if (action instanceof ProvisionAction.RetireJob retire) {
        retire(retire.job(), client);
      } else if (action instanceof ProvisionAction.ProtectClaim protect) {
        FreshEdit.edit(
            client
                .persistentVolumeClaims()
                .inNamespace(provision.getMetadata().getNamespace())
                .withName(protect.name()),
            c -> {
              c.addFinalizer(ProvisionNames.STATE_FINALIZER);
              return c;
            });
      } else if (action instanceof ProvisionAction.ReleaseClaim release) {
        release(provision, release, client);
      } else if (action instanceof ProvisionAction.ConsumeApproval) {
        consumeApproval(provision, client);
      } else if (action instanceof ProvisionAction.ReadOutputs read) {
        reads.request(read.request(), client);
      }
    }
  }

  /** Creates a child; one that already exists (a cache not yet caught up) is left as it is. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void create(HasMetadata child, Context<Provision> context) {
    HasMetadata created;
    try {
      created = context.getClient().resource(child).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        // Already there (a cache not caught up, or a Secret whose labels were edited away, which
        // ChildWriter puts back).
        dev.gantry.operator.kube.ChildWriter.repairExisting(context.getClient(), child);
        return;
      }
      if (e.getCode() == 403) {
        throw new Refused(
            "the API server refused to create "
                + child.getKind()
                + " "
                + child.getMetadata().getName()
                + ": "
                + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()),
            e);
      }
      throw e;
    }
    var sources = context.eventSourceRetriever().getEventSourcesFor(child.getClass());
    for (var source : sources) {
      if (source instanceof InformerEventSource informer) {
        informer.handleRecentResourceCreate(ResourceID.fromResource(created), created);
      }
    }
  }

  /** The whole desired Secret, over the version it replaces; a new type means a new Secret. */
  private static void replace(Secret live, Secret desired, KubernetesClient client) {
    if (OwnedSecret.typeDiffers(live, desired)) {
      client.resource(live).delete();
      client.resource(desired).create();
      return;
    }
    desired.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
    client.resource(desired).update();
  }

  /** Deletes a finished run's Job, its pods first (foreground), so runs never overlap. */
  private static void retire(Job job, KubernetesClient client) {
    if (job.getMetadata().getDeletionTimestamp() == null) {
      client.resource(job).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
    }
  }

  private static void release(
      Provision provision, ProvisionAction.ReleaseClaim release, KubernetesClient client) {
    var claims =
        client.persistentVolumeClaims().inNamespace(provision.getMetadata().getNamespace());
    FreshEdit.edit(
        claims.withName(release.name()),
        c -> {
          if (c.getMetadata().getFinalizers() != null) {
            c.getMetadata().getFinalizers().remove(ProvisionNames.STATE_FINALIZER);
          }
          if (release.retained()) {
            c.getMetadata().setOwnerReferences(null);
          }
          return c;
        });
    if (!release.retained()) {
      claims.withName(release.name()).delete();
    }
  }

  /**
   * An approval is used once: removed when its apply starts, so an approval found later was given
   * for whatever plan awaits then, and one naming another plan is refused, not a leftover. The
   * apply Job's gantry.dev/plan annotation and status.plan keep the record.
   */
  private static void consumeApproval(Provision provision, KubernetesClient client) {
    try {
      client
          .resources(Provision.class)
          .inNamespace(provision.getMetadata().getNamespace())
          .withName(provision.getMetadata().getName())
          .edit(
              p -> {
                if (p.getMetadata().getAnnotations() != null) {
                  p.getMetadata().getAnnotations().remove(Provision.APPROVED_PLAN_ANNOTATION);
                }
                return p;
              });
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }
}
