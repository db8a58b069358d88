package dev.gantry.api.relations;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** The resolved endpoint and the consumers it reached. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RelationStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("The provider's address, once resolved.")
  public Endpoint endpoint;

  @JsonPropertyDescription("Workloads bound to the provider.")
  public List<String> consumers = new ArrayList<>();

  @JsonPropertyDescription("Ready: the provider resolved and every consumer carries its data.")
  public List<Condition> conditions = new ArrayList<>();

  /** Where the provider is reached. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Endpoint {
    @JsonPropertyDescription("Host name or address.")
    public String host;

    @JsonPropertyDescription("Port, when known.")
    public Integer port;

    @JsonPropertyDescription("URL, when a port is known.")
    public String url;
  }
}
