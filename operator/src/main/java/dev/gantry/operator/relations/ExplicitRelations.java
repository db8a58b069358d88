package dev.gantry.operator.relations;

import dev.gantry.api.relations.Relation;
import dev.gantry.api.relations.RelationSpec;
import io.fabric8.kubernetes.api.model.Service;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/** What a Relation resource selects and where it points. Pure. */
public final class ExplicitRelations {
  private ExplicitRelations() {}

  public static boolean selects(
      Relation relation, String kind, String name, Map<String, String> labels) {
    RelationSpec.Consumer consumer = relation.getSpec().consumer;
    String wanted = consumer.kind == null ? "Deployment" : consumer.kind;
    if (!wanted.equals(kind)) {
      return false;
    }
    if (consumer.name != null) {
      return consumer.name.equals(name);
    }
    return consumer.selector != null
        && !consumer.selector.isEmpty()
        && labels != null
        && consumer.selector.entrySet().stream()
            .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  /** The provider's endpoint; empty while its Service does not exist. */
  public static Optional<Endpoint> endpoint(
      Relation relation, BiFunction<String, String, Optional<Service>> services) {
    RelationSpec spec = relation.getSpec();
    RelationSpec.Provider p = spec.provider;
    if (p.host != null) {
      return Optional.of(
          Endpoint.explicit(p.host, spec.iface, p.host, p.port, p.scheme, p.credentialsSecret));
    }
    return services
        .apply(relation.getMetadata().getNamespace(), p.service)
        .map(
            service -> {
              String host =
                  service.getSpec() != null && "ExternalName".equals(service.getSpec().getType())
                      ? service.getSpec().getExternalName()
                      : service.getMetadata().getName()
                          + "."
                          + service.getMetadata().getNamespace()
                          + ".svc.cluster.local";
              Integer port = p.port;
              if (port == null
                  && service.getSpec() != null
                  && service.getSpec().getPorts() != null
                  && !service.getSpec().getPorts().isEmpty()) {
                port = service.getSpec().getPorts().get(0).getPort();
              }
              return Endpoint.explicit(
                  p.service, spec.iface, host, port, p.scheme, p.credentialsSecret);
            });
  }
}
