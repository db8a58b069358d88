package dev.gantry.api.relations;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** Who consumes what from whom. */
public class RelationSpec {
  @Required
  @JsonProperty("interface")
  @Pattern("^[a-z][a-z0-9_-]*$")
  @JsonPropertyDescription(
      "Interface name, for example db or sse. The consumer gets <INTERFACE>=<host> and, with a"
          + " port, <INTERFACE>_HOST, <INTERFACE>_PORT and <INTERFACE>_URL.")
  public String iface;

  @Required
  @JsonPropertyDescription("The workload that receives the connection data.")
  public Consumer consumer;

  @Required
  @JsonPropertyDescription("Where the connection data comes from.")
  public Provider provider;

  /** A workload, by name or by label selector. */
  @ValidationRule(
      value = "has(self.name) != has(self.selector)",
      message = "consumer: set exactly one of name and selector")
  public static class Consumer {
    @Default("Deployment")
    @Pattern("^(Deployment|StatefulSet|DaemonSet)$")
    @JsonPropertyDescription("Deployment, StatefulSet or DaemonSet.")
    public String kind;

    @JsonPropertyDescription("Name of the workload in this namespace.")
    public String name;

    @JsonPropertyDescription("Labels selecting the workloads in this namespace.")
    public Map<String, String> selector;

    @JsonPropertyDescription(
        "Also mount the data as files under /bindings/<relation> (Service Binding layout).")
    public Boolean serviceBinding;
  }

  /** A Service in this namespace, or an external host and port. */
  @ValidationRule(
      value = "has(self.service) != has(self.host)",
      message = "provider: set exactly one of service and host")
  public static class Provider {
    @JsonPropertyDescription("A Service in this namespace.")
    public String service;

    @JsonPropertyDescription("An external host name or address.")
    public String host;

    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Port; for a Service, default its first port.")
    public Integer port;

    @JsonPropertyDescription(
        "URL scheme for <INTERFACE>_URL; default from the port (http, https) or tcp.")
    public String scheme;

    @JsonPropertyDescription(
        "A Secret in this namespace whose keys become <INTERFACE>_<KEY> variables (as secretKeyRef, never"
            + " copied into the pod spec).")
    public String credentialsSecret;
  }
}
