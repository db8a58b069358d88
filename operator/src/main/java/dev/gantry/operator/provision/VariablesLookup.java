package dev.gantry.operator.provision;

import dev.gantry.api.provision.KeyReference;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.VariablesSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Checks that a referenced Secret or ConfigMap and its key exist before a run is started, so a typo
 * shows up as a condition instead of a pod stuck in CreateContainerConfigError. The user's objects
 * are not Gantry's children, so they are read directly rather than cached cluster-wide.
 */
public class VariablesLookup {
  private final KubernetesClient client;

  public VariablesLookup(KubernetesClient client) {
    this.client = client;
  }

  public VariablesCheck check(Provision provision) {
    VariablesSpec variables = provision.getSpec().variablesOrDefault();
    String namespace = provision.getMetadata().getNamespace();
    if (variables.inline != null) {
      return VariablesCheck.ok(
          "Inline",
          "stored in Secret " + ProvisionNames.variablesSecret(provision.getMetadata().getName()));
    }
    if (variables.secretRef != null) {
      KeyReference ref = variables.secretRef;
      Secret secret = client.secrets().inNamespace(namespace).withName(ref.name).get();
      if (secret == null) {
        return VariablesCheck.missing(
            "SecretNotFound",
            "Secret "
                + namespace
                + "/"
                + ref.name
                + " named in spec.variables.secretRef does not"
                + " exist: create it with key "
                + ref.keyOrDefault()
                + ", or fix the name");
      }
      if (!hasKey(secret.getData(), ref.keyOrDefault())
          && !hasKey(secret.getStringData(), ref.keyOrDefault())) {
        return VariablesCheck.missing(
            "KeyNotFound",
            "Secret "
                + namespace
                + "/"
                + ref.name
                + " has no key "
                + ref.keyOrDefault()
                + " (spec.variables.secretRef.key): add it, or name the key that holds the file");
      }
      return VariablesCheck.ok("Found", "from Secret " + ref.name + ", key " + ref.keyOrDefault());
    }
    if (variables.configMapRef != null) {
      KeyReference ref = variables.configMapRef;
      ConfigMap map = client.configMaps().inNamespace(namespace).withName(ref.name).get();
      if (map == null) {
        return VariablesCheck.missing(
            "ConfigMapNotFound",
            "ConfigMap "
                + namespace
                + "/"
                + ref.name
                + " named in spec.variables.configMapRef does"
                + " not exist: create it with key "
                + ref.keyOrDefault()
                + ", or fix the name");
      }
      if (!hasKey(map.getData(), ref.keyOrDefault())
          && !hasKey(map.getBinaryData(), ref.keyOrDefault())) {
        return VariablesCheck.missing(
            "KeyNotFound",
            "ConfigMap "
                + namespace
                + "/"
                + ref.name
                + " has no key "
                + ref.keyOrDefault()
                + " (spec.variables.configMapRef.key): add it, or name the key that holds the file");
      }
      return VariablesCheck.ok(
          "Found", "from ConfigMap " + ref.name + ", key " + ref.keyOrDefault());
    }
    return VariablesCheck.ok("NotRequired", "no variables file is mounted");
  }

  private static boolean hasKey(java.util.Map<String, String> data, String key) {
    return data != null && data.containsKey(key);
  }
}
