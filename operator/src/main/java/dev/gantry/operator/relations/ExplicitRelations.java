package dev.gantry.operator.relations;

import dev.gantry.api.relations.Relation;
import dev.gantry.api.relations.RelationSpec;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * Resolves the Relations that select one workload: a binding for each whose provider Service (and
   * credentials Secret, when it names one) exists, and for each other what it waits for.
   */
  public static Resolution.Explicit resolve(
      List<Relation> selecting,
      BiFunction<String, String, Optional<Service>> services,
      BiFunction<String, String, Credentials> credentials) {
    List<Resolution.Binding> bindings = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (Relation relation : selecting) {
      String name = relation.getMetadata().getName();
      Optional<Endpoint> endpoint = endpoint(relation, services);
      if (endpoint.isEmpty()) {
        missing.add(
            "Service "
                + relation.getSpec().provider.service
                + " (provider of Relation "
                + name
                + ", not found)");
        continue;
      }
      String secret = endpoint.get().credentialsSecret();
      Credentials keys =
          secret == null
              ? Credentials.NONE
              : credentials.apply(relation.getMetadata().getNamespace(), secret);
      if (secret != null && keys.missing()) {
        missing.add("Secret " + secret + " (credentials of Relation " + name + ")");
        continue;
      }
      bindings.add(new Resolution.Binding(name, endpoint.get(), keys));
    }
    return new Resolution.Explicit(List.copyOf(bindings), List.copyOf(missing));
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
