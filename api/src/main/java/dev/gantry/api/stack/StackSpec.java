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
  /** Most components a Stack may have; bounds the schema's rules for the API server. */
  public static final int MAX_COMPONENTS = 100;

  @PreserveUnknownFields
  @JsonPropertyDescription(
      "Values the components' expressions read as parameters.<name>: strings, numbers, booleans,"
          + " lists and objects. Their types are the types expressions are checked against.")
  public ObjectNode parameters;

  @JsonPropertyDescription(
      "Values read from Secrets in this namespace, as secretParameters.<name>. They may be"
          + " rendered only into a Secret template's data or stringData, never into a plain field.")
  public List<SecretParameter> secretParameters = new ArrayList<>();

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
