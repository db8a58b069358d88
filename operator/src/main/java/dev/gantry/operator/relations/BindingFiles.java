package dev.gantry.operator.relations;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Service Binding files (servicebinding.io): per relation a folder with {@code type}, {@code
 * provider} and one file per value. Gantry keeps them in one Secret per workload, keyed {@code
 * <relation>.<file>}, and mounts them at /bindings/<relation>/<file>.
 */
public final class BindingFiles {
  private BindingFiles() {}

  public static List<String> names(Resolution.Binding b) {
    List<String> names = new ArrayList<>(List.of("type", "provider", "host"));
    if (b.endpoint().port() != null) {
      names.addAll(List.of("port", "url"));
    }
    names.addAll(b.credentialKeys());
    return names;
  }

  public static String key(String relation, String file) {
    return relation + "." + file;
  }

  /**
   * The Secret data of a workload's bindings. {@code credentials} gives the decoded value of a
   * credentials Secret key (the files need the values; the Secret keeps them out of the pod spec).
   */
  public static Map<String, String> data(
      List<Resolution.Binding> bindings,
      java.util.function.BiFunction<String, String, String> credentials) {
    Map<String, String> data = new LinkedHashMap<>();
    for (Resolution.Binding b : bindings) {
      Endpoint e = b.endpoint();
      put(data, key(b.relation(), "type"), e.iface());
      put(data, key(b.relation(), "provider"), "gantry");
      put(data, key(b.relation(), "host"), e.host());
      if (e.port() != null) {
        put(data, key(b.relation(), "port"), String.valueOf(e.port()));
        put(data, key(b.relation(), "url"), e.url());
      }
      for (String k : b.credentialKeys()) {
        String value = credentials.apply(e.credentialsSecret(), k);
        put(data, key(b.relation(), k), value == null ? "" : value);
      }
    }
    return data;
  }

  private static void put(Map<String, String> data, String key, String value) {
    data.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
  }
}
