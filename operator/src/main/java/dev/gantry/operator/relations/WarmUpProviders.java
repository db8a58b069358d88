package dev.gantry.operator.relations;

import dev.gantry.api.relations.Relation;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the webhook's warm-up reviews resolve against, in memory: one ExternalName provider with a
 * credentials Secret, so a warm-up review runs the whole path of a real injection (resolution,
 * endpoint and secretKeyRef variables, annotations, the patch) without asking the cluster. A
 * warm-up that resolved nothing left the API server's first real review 14-22 ms in Gantry's
 * handler, loading and compiling that path inside a user's pod create.
 */
final class WarmUpProviders implements ProviderLookup {
  static final String NAMESPACE = "gantry-warm-up";
  static final String INTERFACE = "warm-up";
  static final String SERVICE = "warm-up-provider";
  static final String SECRET = "warm-up-credentials";
  static final String HOST = "warm-up.invalid";

  private static final Service PROVIDER =
      new ServiceBuilder()
          .withNewMetadata()
          .withName(SERVICE)
          .withNamespace(NAMESPACE)
          .addToLabels(Relation.PROVIDES_LABEL, INTERFACE)
          .addToAnnotations(Relation.CREDENTIALS_ANNOTATION, SECRET)
          .endMetadata()
          .withNewSpec()
          .withType("ExternalName")
          .withExternalName(HOST)
          .endSpec()
          .build();

  private static final Credentials CREDENTIALS =
      new Credentials(List.of("password", "username"), "warm-up");

  @Override
  public Optional<Service> service(String namespace, String name) {
    return SERVICE.equals(name) ? Optional.of(PROVIDER) : Optional.empty();
  }

  @Override
  public Credentials credentials(String namespace, String name) {
    return SECRET.equals(name) ? CREDENTIALS : Credentials.NONE;
  }

  @Override
  public Resolution.Explicit explicitBindings(
      String namespace, String kind, String name, Map<String, String> labels) {
    return Resolution.Explicit.NONE;
  }
}
