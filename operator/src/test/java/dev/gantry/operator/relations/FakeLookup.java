package dev.gantry.operator.relations;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Providers held in memory, for tests of resolution and admission. */
final class FakeLookup implements ProviderLookup {
  final Map<String, Service> services = new HashMap<>();
  final Map<String, List<String>> secrets = new HashMap<>();
  final List<Resolution.Binding> explicit = new ArrayList<>();

  FakeLookup externalName(String name, String iface, String host) {
    services.put(
        name,
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("demo")
            .addToLabels("tengu.io/provides", iface)
            .endMetadata()
            .withNewSpec()
            .withType("ExternalName")
            .withExternalName(host)
            .endSpec()
            .build());
    return this;
  }

  FakeLookup clusterIp(String name, String iface, int port, String credentials) {
    var b =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("demo")
            .addToLabels("tengu.io/provides", iface)
            .endMetadata()
            .withNewSpec()
            .addNewPort()
            .withName("http")
            .withPort(port)
            .endPort()
            .addToSelector("app", name)
            .endSpec();
    if (credentials != null) {
      b.editMetadata().addToAnnotations("gantry.dev/credentials-secret", credentials).endMetadata();
    }
    services.put(name, b.build());
    return this;
  }

  @Override
  public Optional<Service> service(String namespace, String name) {
    return Optional.ofNullable(services.get(name));
  }

  @Override
  public Credentials credentials(String namespace, String name) {
    List<String> keys = secrets.getOrDefault(name, List.of());
    return keys.isEmpty() ? Credentials.NONE : new Credentials(keys, "v1");
  }

  @Override
  public Resolution.Explicit explicitBindings(
      String namespace, String kind, String name, Map<String, String> labels) {
    return new Resolution.Explicit(explicit, List.of());
  }
}
