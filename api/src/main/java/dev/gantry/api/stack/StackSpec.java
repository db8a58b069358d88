package dev.gantry.api.stack;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** What the application is made of. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.components.all(c, self.components.exists_one(d, d.name == c.name))",
    message = "spec.components: each name must be unique")
public class StackSpec {
  /** The account components are written as when spec.serviceAccountName is unset. */
  public static final String DEFAULT_SERVICE_ACCOUNT = "default";

  /** Most components a Stack may have; bounds the schema's rules for the API server. */
  public static final int MAX_COMPONENTS = 100;

  @PreserveUnknownFields
  @JsonPropertyDescription(
      "Values the components' expressions read as parameters.<name>: strings, numbers, booleans,"
          + " lists and objects. Their types are the types expressions are checked against.")
  public ObjectNode parameters;

  @io.fabric8.generator.annotation.Pattern(
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  @Size(max = 253)
  @JsonPropertyDescription(
      "The ServiceAccount, in this namespace, that the components' objects are written as: a"
          + " Stack can make only what that account may (bind it a Role granting create, update"
          + " and delete on the kinds its components use). The namespace's default account when"
          + " unset.")
  public String serviceAccountName;

  @io.fabric8.generator.annotation.Pattern("^(Enabled|Disabled)$")
  @io.fabric8.generator.annotation.Default("Enabled")
  @JsonPropertyDescription(
      "Enabled (the default): Gantry writes NetworkPolicies so the Stack's pods accept traffic"
          + " only on the ports their components declare, from the components that use them;"
          + " everything else is denied. Disabled: none are written (and those written are"
          + " removed).")
  public String networkPolicies;

  @JsonPropertyDescription(
      "Values read from Secrets in this namespace, as secretParameters.<name>. They may be"
          + " rendered only into a Secret template's data or stringData, never into a plain field.")
  public List<SecretParameter> secretParameters = new ArrayList<>();

  public boolean networkPoliciesEnabled() {
    return !"Disabled".equals(networkPolicies);
  }

  public String serviceAccountOrDefault() {
    return serviceAccountName == null || serviceAccountName.isEmpty()
        ? DEFAULT_SERVICE_ACCOUNT
        : serviceAccountName;
  }

  @Required
  @Size(min = 1, max = MAX_COMPONENTS)
  @JsonPropertyDescription(
      "The components, each with a unique name and exactly one of template, provision and"
          + " miniCluster. Order here does not matter: references and dependsOn decide it.")
  public List<StackComponent> components = new ArrayList<>();

  /** A parameter whose value is a key of a Secret. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretParameter {
    @Required
    @io.fabric8.generator.annotation.Pattern("^[a-zA-Z_][a-zA-Z0-9_]{0,62}$")
    @JsonPropertyDescription("The name expressions use: secretParameters.<name>.")
    public String name;

    @Required
    @JsonPropertyDescription("The Secret key holding the value.")
    public SecretKey secretKeyRef;
  }

  /** A key of a Secret in the Stack's namespace. */
  public static class SecretKey {
    @Required
    @JsonPropertyDescription("The Secret's name.")
    public String name;

    @Required
    @JsonPropertyDescription("The key in its data.")
    public String key;
  }
}
