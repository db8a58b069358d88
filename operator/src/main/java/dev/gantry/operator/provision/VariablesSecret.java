package dev.gantry.operator.provision;

import dev.gantry.api.provision.KeyReference;
import dev.gantry.api.provision.Provision;
import dev.gantry.operator.kube.OwnerReferences;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The Secret Gantry owns for variables given inline; inline text never lands in a ConfigMap. */
public final class VariablesSecret {
  private VariablesSecret() {}

  /** Empty when the variables are not inline. */
  public static Optional<Secret> desired(Provision provision) {
    String inline = provision.getSpec().variablesOrDefault().inline;
    if (inline == null) {
      return Optional.empty();
    }
    String name = provision.getMetadata().getName();
    return Optional.of(
        new SecretBuilder()
            .withNewMetadata()
            .withName(ProvisionNames.variablesSecret(name))
            .withNamespace(provision.getMetadata().getNamespace())
            .withLabels(ProvisionLabels.of(name, ProvisionLabels.VARIABLES))
            .withOwnerReferences(OwnerReferences.controllerOf(provision))
            .endMetadata()
            .withType("Opaque")
            .withData(Map.of(KeyReference.DEFAULT_KEY, base64(inline)))
            .build());
  }

  /** Whether the live Secret already holds the desired variables. */
  public static boolean matches(Secret live, Secret desired) {
    return live.getData() != null
        && Objects.equals(
            live.getData().get(KeyReference.DEFAULT_KEY),
            desired.getData().get(KeyReference.DEFAULT_KEY));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
