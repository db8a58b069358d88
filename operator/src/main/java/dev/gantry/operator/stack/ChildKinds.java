package dev.gantry.operator.stack;

import dev.gantry.api.stack.Stack;
import dev.gantry.operator.kube.ManagedLabels;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kinds Stacks are made of, each found through discovery, checked against Gantry's own
 * permissions, and then watched by one informer that all Stacks share (label-selected: only what a
 * Stack made). A kind is watched from the first Stack that uses it until the operator stops.
 *
 * <p>The permission check comes first because an informer the API server refuses stops for good,
 * and the operator exits when an informer stops: a Stack naming a kind Gantry may not watch must
 * fail alone, saying so, not take the operator down.
 */
final class ChildKinds {
  /** A kind in use: how to address it, and the informer holding its Stack-made objects. */
  record Watched(
      ResourceDefinitionContext definition,
      InformerEventSource<GenericKubernetesResource, Stack> informer) {}

  /** A kind looked up: watched, or why it cannot be used. */
  record Lookup(Watched watched, String problem) {}

  private final Map<String, Watched> watched = new ConcurrentHashMap<>();

  Lookup lookup(String apiVersion, String kind, Context<Stack> context) {
    String key = StackObservation.kindKey(apiVersion, kind);
    Watched known = watched.get(key);
    if (known != null) {
      return new Lookup(known, null);
    }
    synchronized (this) {
      known = watched.get(key);
      if (known != null) {
        return new Lookup(known, null);
      }
      KubernetesClient client = context.getClient();
      KindDiscovery.Served served;
      try {
        served = KindDiscovery.discover(client, apiVersion, kind);
      } catch (KubernetesClientException e) {
        return new Lookup(null, "discovery of " + apiVersion + " failed: " + e.getMessage());
      }
      if (served.problem() != null) {
        return new Lookup(null, served.problem());
      }
      ResourceDefinitionContext definition = served.definition();
      Set<String> namespaces = namespaces(context);
      String denied = denied(client, definition, namespaces);
      if (denied != null) {
        return new Lookup(null, denied);
      }
      InformerEventSource<GenericKubernetesResource, Stack> informer =
          informer(apiVersion, kind, context);
      var registered = context.eventSourceRetriever().dynamicallyRegisterEventSource(informer);
      @SuppressWarnings("unchecked")
      var started = (InformerEventSource<GenericKubernetesResource, Stack>) registered;
      Watched now = new Watched(definition, started);
      watched.put(key, now);
      return new Lookup(now, null);
    }
  }

  /** The namespaces the Stack controller watches, or "" for all of them. */
  private static Set<String> namespaces(Context<Stack> context) {
    Set<String> configured =
        context.getControllerConfiguration().getInformerConfig().getNamespaces();
    return InformerConfiguration.allNamespacesWatched(configured) ? Set.of("") : configured;
  }

  /** Why Gantry may not list and watch the kind where Stacks live, or null when it may. */
  private static String denied(
      KubernetesClient client, ResourceDefinitionContext definition, Set<String> namespaces) {
    for (String namespace : namespaces) {
      for (String verb : List.of("list", "watch")) {
        SelfSubjectAccessReview review =
            new SelfSubjectAccessReviewBuilder()
                .withNewSpec()
                .withNewResourceAttributes()
                .withGroup(definition.getGroup() == null ? "" : definition.getGroup())
                .withResource(definition.getPlural())
                .withVerb(verb)
                .withNamespace(namespace)
                .endResourceAttributes()
                .endSpec()
                .build();
        SelfSubjectAccessReview answer =
            client.authorization().v1().selfSubjectAccessReview().create(review);
        boolean allowed =
            answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
        if (!allowed) {
          return "Gantry may not "
              + verb
              + " "
              + definition.getPlural()
              + (namespace.isEmpty() ? " in all namespaces" : " in namespace " + namespace)
              + ": grant its ServiceAccount list, watch, create, update and delete on "
              + definition.getPlural()
              + (definition.getGroup() == null || definition.getGroup().isEmpty()
                  ? ""
                  : "." + definition.getGroup())
              + " (deploy/rbac.yaml lists the kinds granted by default)";
        }
      }
    }
    return null;
  }

  private static InformerEventSource<GenericKubernetesResource, Stack> informer(
      String apiVersion, String kind, Context<Stack> context) {
    GroupVersionKind gvk = new GroupVersionKind(apiVersion, kind);
    var config =
        InformerEventSourceConfiguration.from(gvk, Stack.class)
            .withName(("stack-children-" + apiVersion + "-" + kind).toLowerCase(Locale.ROOT))
            .withLabelSelector(ManagedLabels.selector(StackNames.OWNER_LABEL))
            .withSecondaryToPrimaryMapper(
                child -> {
                  var labels = child.getMetadata().getLabels();
                  String owner = labels == null ? null : labels.get(StackNames.OWNER_LABEL);
                  return owner == null
                      ? Set.of()
                      : Set.of(new ResourceID(owner, child.getMetadata().getNamespace()));
                })
            .build();
    return new InformerEventSource<>(
        config, context.eventSourceRetriever().eventSourceContextForDynamicRegistration());
  }

  /** Puts an object just written into its kind's cache, so the next pass sees it at once. */
  static void remember(
      Watched kind, GenericKubernetesResource written, GenericKubernetesResource previous) {
    if (previous == null) {
      kind.informer().handleRecentResourceCreate(ResourceID.fromResource(written), written);
    } else {
      kind.informer()
          .handleRecentResourceUpdate(ResourceID.fromResource(written), written, previous);
    }
  }
}
