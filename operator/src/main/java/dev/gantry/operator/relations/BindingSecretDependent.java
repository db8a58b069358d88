package dev.gantry.operator.relations;

import dev.gantry.operator.kube.OwnedSecret;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A consumer's Service Binding Secret ({@code <workload>-bindings}) as a JOSDK dependent: created
 * when the workload asks for binding files, kept exactly as desired (data, type, labels and owner:
 * the whole-object matcher, so drift in any of them is repaired), deleted when it no longer asks.
 * Its desired state is computed by the reconcile (it needs the resolution) and handed over through
 * the context.
 */
final class BindingSecretDependent<W extends HasMetadata>
    extends CRUDKubernetesDependentResource<Secret, W> implements SecondaryToPrimaryMapper<Secret> {
  static final String DESIRED = "gantry.dev/binding-secret";
  static final String SELECTOR =
      "app.kubernetes.io/managed-by=gantry,app.kubernetes.io/component=service-binding";

  BindingSecretDependent(String controller) {
    super(Secret.class, controller + "-binding-secret");
    configureWith(
        new KubernetesDependentResourceConfigBuilder<Secret>()
            .withUseSSA(false)
            .withKubernetesDependentInformerConfig(
                InformerConfiguration.builder(Secret.class).withLabelSelector(SELECTOR).build())
            .build());
  }

  @Override
  protected Secret desired(W workload, Context<W> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .get(DESIRED, Secret.class)
        .orElseThrow(() -> new IllegalStateException("no binding Secret was computed"));
  }

  @Override
  public Matcher.Result<Secret> match(
      Secret actual, Secret desired, W workload, Context<W> context) {
    return Matcher.Result.computed(OwnedSecret.matches(actual, desired), desired);
  }

  /** Found by name, whether or not one is desired (to delete one no longer asked for). */
  @Override
  protected ResourceID targetSecondaryResourceID(W workload, Context<W> context) {
    return new ResourceID(
        PodInjection.bindingSecret(workload.getMetadata().getName()),
        workload.getMetadata().getNamespace());
  }

  /** The Secret a workload's Service Binding files come from, as resolved. */
  static Secret build(HasMetadata workload, java.util.Map<String, String> data) {
    return new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata()
        .withName(PodInjection.bindingSecret(workload.getMetadata().getName()))
        .withNamespace(workload.getMetadata().getNamespace())
        .addToLabels("app.kubernetes.io/managed-by", "gantry")
        .addToLabels("app.kubernetes.io/component", "service-binding")
        .withOwnerReferences(dev.gantry.operator.kube.OwnerReferences.controllerOf(workload))
        .endMetadata()
        .withType("servicebinding.io/gantry")
        .withData(data)
        .build();
  }

  /** A binding Secret belongs to the workload that controls it. */
  @Override
  public Set<ResourceID> toPrimaryResourceIDs(Secret secret) {
    if (secret.getMetadata().getOwnerReferences() == null) {
      return Set.of();
    }
    return secret.getMetadata().getOwnerReferences().stream()
        .filter(o -> Boolean.TRUE.equals(o.getController()))
        .map(o -> new ResourceID(o.getName(), secret.getMetadata().getNamespace()))
        .collect(Collectors.toSet());
  }

  /** The desired Secret names its owner itself, so the matcher compares it too. */
  @Override
  protected boolean addOwnerReference() {
    return false;
  }
}
