package dev.gantry.operator.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.api.stack.Stack;
import dev.gantry.operator.kube.ManagedLabels;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the planner's writes in order and reports how each went. An object written goes into
 * its kind's cache at once, so the next pass never creates it twice. A write the API server refuses
 * for a reason no retry fixes (its validation, a policy, a quota, a name held by an object that is
 * not this Stack's) becomes a Refused outcome with the server's own words; a conflict (the object
 * changed since it was read) is left to the pass its change event starts.
 */
final class StackActions {
  private static final Logger LOG = LoggerFactory.getLogger(StackActions.class);

  /** How one write went. */
  public sealed interface Outcome {
    String component();
  }

  /** Written: the version the server gave it. */
  public record Written(String component, String kind, String name, String version)
      implements Outcome {}

  /** Refused by the API server, with why and (where one helps) the fix. */
  public record Refused(String component, String name, String message) implements Outcome {}

  private final ChildKinds kinds;
  private final StackClients clients;

  StackActions(ChildKinds kinds, StackClients clients) {
    this.kinds = kinds;
    this.clients = clients;
  }

  List<Outcome> execute(Stack stack, List<StackAction> actions, Context<Stack> context) {
    List<Outcome> outcomes = new ArrayList<>();
    for (StackAction action : actions) {
      if (action instanceof StackAction.PodFinalizer hold) {
        podFinalizer(hold);
        continue;
      }
      JsonNode object = action.subject();
      String apiVersion = object.path("apiVersion").asText();
      String kind = object.path("kind").asText();
      ChildKinds.Lookup lookup = kinds.lookup(apiVersion, kind, context);
      if (lookup.problem() != null) {
        outcomes.add(new Refused(action.component(), name(object), lookup.problem()));
        continue;
      }
      ChildKinds.Watched watched = lookup.watched();
      KubernetesClient writer = clients.writer(stack);
      try {
        Outcome outcome;
        if (action instanceof StackAction.Create c) {
          outcome = create(c, watched, writer);
        } else if (action instanceof StackAction.Update u) {
          outcome = update(u, watched, writer);
        } else if (action instanceof StackAction.Delete d) {
          outcome = delete(d, watched, writer);
        } else {
          outcome = orphan(stack, (StackAction.Orphan) action, watched, writer);
        }
        if (outcome != null) {
          outcomes.add(outcome);
        }
      } catch (KubernetesClientException e) {
        if (!refusal(e)) {
          throw e;
        }
        outcomes.add(
            new Refused(
                action.component(),
                name(object),
                "the API server refused to "
                    + action.verb()
                    + " "
                    + kind
                    + " "
                    + name(object)
                    + ": "
                    + serverMessage(e)
                    + (e.getCode() == 403
                        ? forbiddenFix(stack, clients.accountName(stack), action, watched)
                        : "")));
      }
    }
    return outcomes;
  }

  private Outcome create(
      StackAction.Create create, ChildKinds.Watched kind, KubernetesClient writer) {
    GenericKubernetesResource child = generic(create.object());
    var resources = writer.genericKubernetesResources(kind.definition());
    GenericKubernetesResource created;
    try {
      created = resources.inNamespace(namespace(child)).resource(child).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Everything this operator created is in the cache (put there on create, and listed
      // before the first pass after a restart), so a name taken that the cache lacks is held by
      // an object that is not this Stack's, or that had its labels edited away.
      return new Refused(
          create.component(),
          child.getMetadata().getName(),
          child.getKind()
              + " "
              + child.getMetadata().getName()
              + " already exists and is not this Stack's (or lost its gantry.dev/stack label):"
              + " Gantry does not take over objects it did not make; delete it, or give the"
              + " component another metadata.name");
    }
    ChildKinds.remember(kind, created, null);
    return written(create.component(), created);
  }

  private Outcome update(
      StackAction.Update update, ChildKinds.Watched kind, KubernetesClient writer) {
    GenericKubernetesResource child = generic(update.object());
    // The write is over the live version: it stands for the version the cache holds.
    GenericKubernetesResource before = generic(update.object());
    GenericKubernetesResource written;
    try {
      written =
          writer
              .genericKubernetesResources(kind.definition())
              .inNamespace(namespace(child))
              .resource(child)
              .update();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 404) {
        // Changed or deleted since the cache saw it: that change's event starts the next pass.
        LOG.debug(
            "{} {} changed before it was written; again", child.getKind(), name(update.object()));
        return null;
      }
      throw e;
    }
    ChildKinds.remember(kind, written, before);
    return written(update.component(), written);
  }

  private Outcome delete(
      StackAction.Delete delete, ChildKinds.Watched kind, KubernetesClient writer) {
    writer
        .genericKubernetesResources(kind.definition())
        .inNamespace(delete.live().path("metadata").path("namespace").asText())
        .withName(name(delete.live()))
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();
    return null;
  }

  /** Gantry lets go: its owner reference, labels and annotations removed; the object stays. */
  private Outcome orphan(
      Stack stack, StackAction.Orphan orphan, ChildKinds.Watched kind, KubernetesClient writer) {
    GenericKubernetesResource child = generic(orphan.live());
    List<OwnerReference> owners = child.getMetadata().getOwnerReferences();
    if (owners != null) {
      child
          .getMetadata()
          .setOwnerReferences(
              owners.stream()
                  .filter(o -> !stack.getMetadata().getUid().equals(o.getUid()))
                  .toList());
    }
    Map<String, String> labels = child.getMetadata().getLabels();
    if (labels != null) {
      labels.remove(StackNames.OWNER_LABEL);
      labels.remove(StackNames.COMPONENT_LABEL);
      labels.remove(ManagedLabels.MANAGED_BY);
    }
    Map<String, String> annotations = child.getMetadata().getAnnotations();
    if (annotations != null) {
      annotations.remove(StackNames.LAST_APPLIED);
      annotations.remove(StackNames.DELETION_POLICY);
    }
    try {
      writer
          .genericKubernetesResources(kind.definition())
          .inNamespace(namespace(child))
          .resource(child)
          .update();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409 && e.getCode() != 404) {
        throw e;
      }
    }
    return null;
  }

  /**
   * The member hold, by the operator's own client: a JSON patch that first tests the
   * resourceVersion read, so the finalizer list is changed only as it was seen (another's finalizer
   * is never overwritten, the index removed is ours). A pod changed or gone since is left to the
   * pass its event starts; a pod already being deleted takes no new finalizer (the API server
   * refuses it), and its leave needs none then.
   */
  private void podFinalizer(StackAction.PodFinalizer action) {
    JsonNode metadata = action.pod().path("metadata");
    List<String> finalizers = new ArrayList<>();
    metadata.path("finalizers").forEach(f -> finalizers.add(f.asText()));
    int ours = finalizers.indexOf(MemberLifecycle.FINALIZER);
    if ((ours >= 0) == action.hold()) {
      return;
    }
    var patch = Serialization.jsonMapper().createArrayNode();
    patch
        .addObject()
        .put("op", "test")
        .put("path", "/metadata/resourceVersion")
        .put("value", metadata.path("resourceVersion").asText());
    if (!action.hold()) {
      patch.addObject().put("op", "remove").put("path", "/metadata/finalizers/" + ours);
    } else if (finalizers.isEmpty()) {
      patch
          .addObject()
          .put("op", "add")
          .put("path", "/metadata/finalizers")
          .putArray("value")
          .add(MemberLifecycle.FINALIZER);
    } else {
      patch
          .addObject()
          .put("op", "add")
          .put("path", "/metadata/finalizers/-")
          .put("value", MemberLifecycle.FINALIZER);
    }
    try {
      clients
          .operator()
          .pods()
          .inNamespace(metadata.path("namespace").asText())
          .withName(metadata.path("name").asText())
          .patch(
              io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                  io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
              patch.toString());
    } catch (KubernetesClientException e) {
      // 422: the test failed (the pod changed) or a finalizer may not be added any more.
      if (e.getCode() != 409 && e.getCode() != 404 && e.getCode() != 422) {
        throw e;
      }
      LOG.debug("pod {} changed before its hold was written; again", name(action.pod()));
    }
  }

  /**
   * Refusals a retry does not fix: forbidden (RBAC, a policy, a terminating namespace), invalid,
   * bad request, or a namespace that does not exist.
   */
  private static boolean refusal(KubernetesClientException e) {
    int code = e.getCode();
    return code == 400 || code == 403 || code == 404 || code == 422;
  }

  /** What to do about a write the Stack's ServiceAccount may not make. */
  private static String forbiddenFix(
      Stack stack, String account, StackAction action, ChildKinds.Watched kind) {
    String group = kind.definition().getGroup();
    String resource =
        kind.definition().getPlural() + (group == null || group.isEmpty() ? "" : "." + group);
    String verb = action.verb().equals("release") ? "update" : action.verb();
    return " (the Stack writes as ServiceAccount "
        + stack.getMetadata().getNamespace()
        + "/"
        + account
        + ": grant it "
        + verb
        + " on "
        + resource
        + " with a Role and RoleBinding, or name another account in spec.serviceAccountName)";
  }

  private static String serverMessage(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }

  private static Written written(String component, GenericKubernetesResource object) {
    JsonNode tree = Serialization.jsonMapper().valueToTree(object);
    return new Written(
        component, object.getKind(), object.getMetadata().getName(), StackPlanner.version(tree));
  }

  private static GenericKubernetesResource generic(JsonNode object) {
    return Serialization.jsonMapper().convertValue(object, GenericKubernetesResource.class);
  }

  private static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  private static String namespace(GenericKubernetesResource object) {
    return object.getMetadata().getNamespace();
  }
}
