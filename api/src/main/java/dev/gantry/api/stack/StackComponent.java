package dev.gantry.api.stack;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** One part of the application: an object from a template, a Provision or a MiniCluster. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "(has(self.template) ? 1 : 0) + (has(self.provision) ? 1 : 0) + (has(self.miniCluster) ?"
            + " 1 : 0) == 1",
    message = "a component sets exactly one of template, provision and miniCluster")
public class StackComponent {
  /** A CEL identifier, so expressions can name it: components.<name>. */
  public static final String NAME_PATTERN = "^[a-z][a-zA-Z0-9]{0,39}$";

  @Required
  @Pattern(NAME_PATTERN)
  @Size(max = 40)
  @JsonPropertyDescription(
      "Unique in the Stack; a lower-case letter, then letters and digits (camelCase, no dashes),"
          + " so expressions can name it as components.<name>.")
  public String name;

  @PreserveUnknownFields
  @JsonPropertyDescription(
      "Any namespaced object, written as its manifest (apiVersion, kind, metadata.name, ...)."
          + " Strings may hold ${expression}s in CEL; a string that is one expression takes the"
          + " expression's type.")
  public ObjectNode template;

  @PreserveUnknownFields
  @JsonPropertyDescription(
      "The spec of a child Provision named <stack>-<component> (names in camelCase become"
          + " dashed: infraServers becomes infra-servers). May hold ${expression}s.")
  public ObjectNode provision;

  @PreserveUnknownFields
  @JsonPropertyDescription(
      "The spec of a child MiniCluster (flux-framework.org/v1alpha2) named <stack>-<component>."
          + " May hold ${expression}s.")
  public ObjectNode miniCluster;

  @JsonPropertyDescription(
      "A collection: one ${expression} giving a list (a list parameter, or a list another"
          + " component's values hold), and one object of the template per item, the item read as"
          + " each (metadata.name must read each, so the names differ). Adding an item creates its"
          + " object, removing one deletes exactly that object. Templates only.")
  public String forEach;

  @Size(max = StackSpec.MAX_COMPONENTS)
  @JsonPropertyDescription(
      "Components that must be Ready before this one is created, beyond those its expressions"
          + " reference (which count already).")
  public List<String> dependsOn = new ArrayList<>();

  @Size(max = 16)
  @JsonPropertyDescription(
      "CEL conditions, all of which must be true for the component to be Ready, in place of the"
          + " built-in readiness of its kind. self is the object as the API server has it;"
          + " parameters and components are readable too. Example: self.status.phase == 'Active'.")
  public List<String> readyWhen = new ArrayList<>();

  @Size(max = 16)
  @JsonPropertyDescription(
      "CEL conditions over parameters; when one is false the component (and what depends on it)"
          + " is left out, and removed if it existed.")
  public List<String> includeWhen = new ArrayList<>();

  @Pattern(dev.gantry.api.Durations.PATTERN)
  @Default("10m")
  @JsonPropertyDescription(
      "How long the component may take from creation to Ready before it is Failed (and its"
          + " dependents Blocked), for example 90s, 10m or 1h30m.")
  public String timeout;

  @Pattern("^(Delete|Orphan)$")
  @Default("Delete")
  @JsonPropertyDescription(
      "Delete (the default) removes the component's objects when the component or the Stack is"
          + " deleted; Orphan leaves them, without Gantry's labels and owner reference.")
  public String deletionPolicy;

  @Size(max = 32)
  @JsonPropertyDescription(
      "The ports the component's pods serve. While the Stack's network policies are on (the"
          + " default), its pods accept traffic only on these ports, and only from the components"
          + " that reference or depend on it (or on a Service component in front of it); with"
          + " none, they accept no traffic.")
  public List<ComponentPort> ports = new ArrayList<>();

  @Pattern("^(stack|public)$")
  @Default("stack")
  @JsonPropertyDescription(
      "Who may reach the component's ports: stack (the default: only the components that"
          + " reference or depend on it) or public (any source, for entry points).")
  public String expose;

  /** A port a component's pods serve. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ComponentPort {
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @Size(max = 15)
    @JsonPropertyDescription("A name for the port, for readers; optional.")
    public String name;

    @Required
    @io.fabric8.generator.annotation.Min(1)
    @io.fabric8.generator.annotation.Max(65535)
    @JsonPropertyDescription("The port number the pods listen on (the container port).")
    public Integer port;

    @Pattern("^(TCP|UDP|SCTP)$")
    @Default("TCP")
    @JsonPropertyDescription("TCP (the default), UDP or SCTP.")
    public String protocol;
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isPublic() {
    return "public".equals(expose);
  }

  @JsonPropertyDescription(
      "Where the component's pods serve Prometheus metrics: Gantry lists each ready pod as a"
          + " target in its Prometheus HTTP service discovery (/discovery/stacks on the"
          + " operator's HTTP port) and adds the prometheus.io annotations to the pod template.")
  public Metrics metrics;

  /** Where a component's pods serve metrics. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Metrics {
    @Required
    @io.fabric8.generator.annotation.Min(1)
    @io.fabric8.generator.annotation.Max(65535)
    @JsonPropertyDescription("The container port the metrics are served on.")
    public Integer port;

    @Pattern("^/.*$")
    @Default("/metrics")
    @JsonPropertyDescription("The HTTP path, /metrics by default.")
    public String path;

    public String pathOrDefault() {
      return path == null || path.isEmpty() ? "/metrics" : path;
    }
  }

  @PreserveUnknownFields
  @JsonPropertyDescription(
      "The spec of a Job (batch/v1) run when the Stack is deleted, before the component goes:"
          + " named <stack>-<component>-pre-delete, it may hold ${expressions}. The component is"
          + " deleted once the Job completed; a Job that failed holds it, saying why.")
  public ObjectNode preDelete;

  @PreserveUnknownFields
  @JsonPropertyDescription(
      "The spec of a Job (batch/v1) run once for each pod that becomes one of the component's"
          + " members (Ready for the first time), before its leave action can run. Its"
          + " ${expressions} read member (name, address, node, labels, ports) besides what a"
          + " template reads. A failed Job is run again with backoff.")
  public ObjectNode onMemberJoin;

  @PreserveUnknownFields
  @JsonPropertyDescription(
      "The spec of a Job (batch/v1) run once for each member that goes away (its pod deleted or"
          + " ended). The pod is held by the finalizer gantry.dev/member-leave until the Job"
          + " completed or memberLeaveTimeout passed. Its ${expressions} read member.")
  public ObjectNode onMemberLeave;

  @Pattern(dev.gantry.api.Durations.PATTERN)
  @Default("5m")
  @JsonPropertyDescription(
      "How long a leaving member's pod is held for its onMemberLeave Job (5m by default); after"
          + " that it is let go whether or not the Job finished.")
  public String memberLeaveTimeout;

  @JsonPropertyDescription("How Gantry treats changes made to the component's objects by others.")
  public Drift drift;

  /** Changes by others that Gantry leaves alone. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Drift {
    @Size(max = 16)
    @JsonPropertyDescription(
        "Fields of the object, as dotted paths (spec.replicas), that Gantry sets when it creates"
            + " the object and never writes again: an autoscaler or a person owns them after.")
    public List<String> ignore = new ArrayList<>();
  }

  public List<String> driftIgnored() {
    return drift == null || drift.ignore == null ? List.of() : drift.ignore;
  }

  public boolean orphans() {
    return "Orphan".equals(deletionPolicy);
  }

  /** The component's kind of child, as the spec declares it. */
  public Kind kind() {
    if (template != null) {
      return Kind.TEMPLATE;
    }
    if (provision != null) {
      return Kind.PROVISION;
    }
    return miniCluster != null ? Kind.MINICLUSTER : null;
  }

  /** Which of the three a component is. */
  public enum Kind {
    TEMPLATE("template"),
    PROVISION("provision"),
    MINICLUSTER("miniCluster");

    private final String field;

    Kind(String field) {
      this.field = field;
    }

    public String field() {
      return field;
    }
  }
}
