package dev.gantry.operator.relations;

import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Resolves a workload's declared relations against the provider Services that exist. Pure. */
public final class RelationResolver {
  private RelationResolver() {}

  /**
   * @param declaration the workload's annotations, parsed
   * @param services looks up a Service of the workload's namespace by name
   * @param podLabels the workload's pod labels, to recognise a relation to itself
   * @param credentials looks up a credentials Secret by name
   * @param explicit what the Relation resources that select this workload give it
   */
  public static Resolution resolve(
      RelationDeclaration declaration,
      Function<String, Optional<Service>> services,
      Function<String, Credentials> credentials,
      Map<String, String> podLabels,
      Resolution.Explicit explicit) {
    List<String> problems = new ArrayList<>(declaration.problems());
    List<String> missing = new ArrayList<>(explicit.missing());
    Map<String, Resolution.Binding> byInterface = new LinkedHashMap<>();
    for (Resolution.Binding b : explicit.bindings()) {
      byInterface.putIfAbsent(b.endpoint().iface(), b);
    }
    for (String name : declaration.relations()) {
      Optional<Service> service = services.apply(name);
      if (service.isEmpty()) {
        missing.add("Service " + name + " (not found)");
        continue;
      }
      if (selectsItself(service.get(), podLabels)) {
        problems.add(
            "Service "
                + name
                + " selects this workload's own pods: a workload cannot relate to itself");
        continue;
      }
      Optional<Endpoint> endpoint = Endpoint.of(service.get());
      if (endpoint.isEmpty()) {
        problems.add(
            "Service " + name + " provides no interface: label it tengu.io/provides=<interface>");
        continue;
      }
      String iface = endpoint.get().iface();
      if (!declaration.consumes().contains(iface)) {
        problems.add(
            "Service "
                + name
                + " provides \""
                + iface
                + "\", which tengu.io/consumes does not list: add it, or"
                + " remove "
                + name
                + " from tengu.io/relations");
        continue;
      }
      String secret = endpoint.get().credentialsSecret();
      Credentials keys = secret == null ? Credentials.NONE : credentials.apply(secret);
      if (secret != null && keys.missing()) {
        missing.add("Secret " + secret + " (credentials of Service " + name + ")");
        continue;
      }
      byInterface.putIfAbsent(iface, new Resolution.Binding(name, endpoint.get(), keys));
    }
    for (String iface : declaration.consumes()) {
      if (!byInterface.containsKey(iface)) {
        missing.add("interface \"" + iface + "\" (no provider of it yet)");
      }
    }
    return new Resolution(
        List.copyOf(byInterface.values()), List.copyOf(missing), List.copyOf(problems));
  }

  /** A Service whose selector matches the workload's own pods. */
  static boolean selectsItself(Service service, Map<String, String> podLabels) {
    var selector = service.getSpec() == null ? null : service.getSpec().getSelector();
    if (selector == null || selector.isEmpty() || podLabels == null) {
      return false;
    }
    return selector.entrySet().stream()
        .allMatch(e -> e.getValue().equals(podLabels.get(e.getKey())));
  }
}
