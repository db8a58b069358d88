package dev.gantry.operator.relations;

import dev.gantry.api.relations.Relation;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.Optional;

/**
 * Where a provider is reached.
 *
 * @param provider the Service's name, or the external host for an explicit relation
 * @param iface the interface it provides
 * @param host host name or address
 * @param port the port, when known
 * @param url scheme://host:port, when a port is known
 * @param credentialsSecret a Secret whose keys are bound as secretKeyRef variables, or null
 */
public record Endpoint(
    String provider,
    String iface,
    String host,
    Integer port,
    String url,
    String credentialsSecret) {

  /** The endpoint a Service labelled tengu.io/provides offers; empty when it provides nothing. */
  public static Optional<Endpoint> of(Service service) {
    var labels = service.getMetadata().getLabels();
    String iface = labels == null ? null : labels.get(Relation.PROVIDES_LABEL);
    if (iface == null || iface.isBlank()) {
      return Optional.empty();
    }
    String name = service.getMetadata().getName();
    var spec = service.getSpec();
    String host =
        spec != null && "ExternalName".equals(spec.getType()) && spec.getExternalName() != null
            ? spec.getExternalName()
            : name + "." + service.getMetadata().getNamespace() + ".svc.cluster.local";
    ServicePort first =
        spec == null || spec.getPorts() == null || spec.getPorts().isEmpty()
            ? null
            : spec.getPorts().get(0);
    Integer port = first == null ? null : first.getPort();
    String scheme = first == null ? null : scheme(first.getName(), first.getAppProtocol(), port);
    var annotations = service.getMetadata().getAnnotations();
    String credentials =
        annotations == null ? null : annotations.get(Relation.CREDENTIALS_ANNOTATION);
    return Optional.of(
        new Endpoint(name, iface.trim(), host, port, url(scheme, host, port), credentials));
  }

  /** An explicit provider (host and port), or a Service's with a chosen port and scheme. */
  public static Endpoint explicit(
      String provider, String iface, String host, Integer port, String scheme, String credentials) {
    String chosen = scheme != null ? scheme : port == null ? null : scheme(null, null, port);
    return new Endpoint(provider, iface, host, port, url(chosen, host, port), credentials);
  }

  static String scheme(String portName, String appProtocol, Integer port) {
    String hint = appProtocol != null ? appProtocol : portName;
    if (hint != null) {
      String lower = hint.toLowerCase();
      if (lower.startsWith("https")) {
        return "https";
      }
      if (lower.startsWith("http")) {
        return "http";
      }
    }
    if (port != null && (port == 443 || port == 8443)) {
      return "https";
    }
    if (port != null && (port == 80 || port == 8080)) {
      return "http";
    }
    return "tcp";
  }

  private static String url(String scheme, String host, Integer port) {
    return port == null ? null : scheme + "://" + host + ":" + port;
  }
}
