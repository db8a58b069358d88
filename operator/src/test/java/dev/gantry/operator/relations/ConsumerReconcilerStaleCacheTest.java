package dev.gantry.operator.relations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.relations.Relation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A consumer's reconcile runs again on the copy its cache still holds right after its own edit (on
 * a real API server the watch event of that edit often arrives after the next pass starts). That
 * pass must find the server's copy current and neither write nor record a second Event: the
 * real-cluster run showed {@code RelationsMissing} twice in one second.
 */
@EnableKubernetesMockClient(crud = true)
class ConsumerReconcilerStaleCacheTest {
  static final String NS = "shop";
  static KubernetesClient client;
  Deployment cached;

  @BeforeEach
  void createConsumer() {
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(NS)
                .endMetadata()
                .build())
        .createOr(r -> r.update());
    client.v1().events().inNamespace(NS).delete();
    client.apps().deployments().inNamespace(NS).delete();
    client.services().inNamespace(NS).delete();
    cached =
        client
            .apps()
            .deployments()
            .inNamespace(NS)
            .resource(
                new DeploymentBuilder()
                    .withNewMetadata()
                    .withName("web")
                    .withNamespace(NS)
                    .addToLabels(Relation.RELATIONSHIPS_LABEL, "true")
                    .addToAnnotations(Relation.CONSUMES, "db")
                    .addToAnnotations(Relation.RELATIONS, "db-endpoint")
                    .endMetadata()
                    .withNewSpec()
                    .withNewSelector()
                    .addToMatchLabels("app", "web")
                    .endSelector()
                    .withNewTemplate()
                    .withNewMetadata()
                    .addToLabels("app", "web")
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("web")
                    .withImage("busybox:1.36")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build())
            .create();
  }

  @Test
  void aSecondPassOnTheCachedCopyRecordsRelationsMissingOnce() {
    var reconciler =
        new ConsumerReconciler.Deployments(InjectionSettings.defaults(), Clock.systemUTC(), null);

    reconciler.reconcile(cached, view());
    String afterFirst = resourceVersion();
    reconciler.reconcile(cached, view()); // the cache has not seen the first edit yet

    assertThat(reasons()).containsExactly("RelationsMissing");
    assertThat(resourceVersion()).as("no second write").isEqualTo(afterFirst);
    assertThat(live().getMetadata().getAnnotations()).containsKey(Relation.STATUS_ANNOTATION);
  }

  @Test
  void aPassOnAFreshCopyAfterTheProviderCameRecordsTheChange() {
    var reconciler =
        new ConsumerReconciler.Deployments(InjectionSettings.defaults(), Clock.systemUTC(), null);
    reconciler.reconcile(cached, view());

    client
        .services()
        .inNamespace(NS)
        .resource(
            new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata()
                .withName("db-endpoint")
                .withNamespace(NS)
                .addToLabels(Relation.PROVIDES_LABEL, "db")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("db")
                .withPort(5432)
                .endPort()
                .endSpec()
                .build())
        .create();
    reconciler.reconcile(client.apps().deployments().inNamespace(NS).withName("web").get(), view());

    assertThat(reasons()).containsExactlyInAnyOrder("RelationsMissing", "RelationsUpdated");
  }

  @Test
  void anImageSetOnTheServerAfterTheCacheWasFilledIsNotRevertedByTheInjection() {
    var reconciler =
        new ConsumerReconciler.Deployments(InjectionSettings.defaults(), Clock.systemUTC(), null);
    // kubectl set image, between the informer's copy and this pass.
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("web")
        .edit(
            d -> {
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("busybox:1.37");
              return d;
            });

    reconciler.reconcile(cached, view()); // the cache still holds busybox:1.36

    var container = live().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).as("the user's change stands").isEqualTo("busybox:1.37");
    assertThat(live().getMetadata().getAnnotations())
        .as("and the injection was made")
        .containsKey(Relation.STATUS_ANNOTATION);
  }

  /** Caches as they stand: providers read off the server, no Relations, this one workload. */
  ConsumerView<Deployment> view() {
    return new ConsumerView<>() {
      @Override
      public KubernetesClient client() {
        return client;
      }

      @Override
      public java.util.Optional<io.fabric8.kubernetes.api.model.Secret> credentialsSecret(
          String namespace, String name) {
        return java.util.Optional.ofNullable(
            client.secrets().inNamespace(namespace).withName(name).get());
      }

      @Override
      public Set<Service> providers(String namespace) {
        return Set.copyOf(
            client.services().inNamespace(NS).withLabel(Relation.PROVIDES_LABEL).list().getItems());
      }

      @Override
      public Stream<Relation> relations(String namespace) {
        return Stream.empty();
      }

      @Override
      public Stream<Deployment> workloads(String namespace) {
        return Stream.of(cached);
      }

      @Override
      public void bindingSecret(
          Deployment workload, java.util.Optional<io.fabric8.kubernetes.api.model.Secret> desired) {
        desired.ifPresent(s -> client.resource(s).createOr(r -> r.update()));
      }
    };
  }

  /** The Events recorded so far, once every one handed over is written. */
  List<String> reasons() {
    try {
      dev.gantry.operator.kube.EventRecorder.awaitWritten(java.time.Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  Deployment live() {
    return client.apps().deployments().inNamespace(NS).withName("web").get();
  }

  String resourceVersion() {
    return live().getMetadata().getResourceVersion();
  }
}
