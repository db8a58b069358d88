package dev.gantry.api.minicluster;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Map;

/** Flux settings ({@code spec.flux}). */
public class FluxSpec {
  public static final String DEFAULT_CONNECT_TIMEOUT = "5s";
  public static final int DEFAULT_LOG_LEVEL = 6;

  @JsonPropertyDescription("The flux view: the image an init container copies Flux from.")
  public FluxContainer container;

  @Default(DEFAULT_CONNECT_TIMEOUT)
  @JsonPropertyDescription("Overlay connect timeout (-Stbon.connect_timeout).")
  public String connectTimeout;

  @Default("6")
  @Min(0)
  @Max(7)
  @JsonPropertyDescription("Broker log level (-Slog-stderr-level), 0 to 7.")
  public Integer logLevel;

  @JsonPropertyDescription("Extra flags for flux submit.")
  public String optionFlags;

  @JsonPropertyDescription("Replaces `flux submit` when the leader submits the command.")
  public String submitCommand;

  @JsonPropertyDescription("Passed as flux start --wrap=.")
  public String wrap;

  @JsonPropertyDescription("Workers exit when their broker ends instead of retrying.")
  public Boolean completeWorkers;

  @JsonPropertyDescription(
      "A CURVE certificate (ZeroMQ text format) to use instead of the one Gantry generates.")
  public String curveCert;

  @JsonPropertyDescription("A complete broker.toml replacing the generated one.")
  public String brokerConfig;

  @JsonPropertyDescription(
      "A ClusterIP Service to rank 0 on port 8050 instead of a headless Service.")
  public Boolean minimalService;

  @JsonPropertyDescription("Overlay topology (-Stbon.topo), for example kary:2.")
  public String topology;

  @JsonPropertyDescription("Do not set -Slocal-uri on the broker.")
  public Boolean disableSocket;

  @JsonPropertyDescription("Sidecar containers do not wait for the broker socket.")
  public Boolean noWaitSocket;

  @JsonPropertyDescription("Variables exported in <mountPath>/flux-view.sh.")
  public Map<String, String> environment;

  @JsonPropertyDescription("Scheduler settings.")
  public Scheduler scheduler;

  @JsonPropertyDescription(
      "Bursting to other clusters. Not supported by Gantry; reported in the Supported condition.")
  public Bursting bursting;

  @JsonPropertyDescription(
      "Architecture of the entrypoint's binaries. Not used (as in the Flux Operator); reported in"
          + " the Supported condition.")
  public String arch;

  @JsonPropertyDescription(
      "Not used (as in the Flux Operator); reported in the Supported condition.")
  public String mungeSecret;

  @JsonIgnore
  public FluxContainer containerOrDefault() {
    return container == null ? new FluxContainer() : container;
  }

  @JsonIgnore
  public String connectTimeoutOrDefault() {
    return connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
  }

  @JsonIgnore
  public int logLevelOrDefault() {
    return logLevel == null ? DEFAULT_LOG_LEVEL : logLevel;
  }

  @JsonIgnore
  public String queuePolicy() {
    return scheduler == null || scheduler.queuePolicy == null ? "fcfs" : scheduler.queuePolicy;
  }

  /** {@code spec.flux.bursting}: the Flux Operator's experimental bursting settings. */
  public static class Bursting {
    @JsonPropertyDescription("The lead broker this cluster bursts from.")
    public LeadBroker leadBroker;

    @JsonPropertyDescription("A host list used as it is.")
    public String hostlist;

    @Size(max = 64)
    @JsonPropertyDescription("Clusters to burst to.")
    public List<BurstCluster> clusters;
  }

  /** The lead broker of a burst. */
  public static class LeadBroker {
    @JsonPropertyDescription("Address of the lead broker.")
    public String address;

    @JsonPropertyDescription("Name of the lead broker's MiniCluster.")
    public String name;

    @JsonPropertyDescription("Size of the lead broker's MiniCluster.")
    public Integer size;

    @Default("8050")
    @JsonPropertyDescription("Port of the lead broker.")
    public Integer port;
  }

  /** One cluster a burst goes to. */
  public static class BurstCluster {
    @JsonPropertyDescription("Name of the cluster; default burst-<index>.")
    public String name;

    @JsonPropertyDescription("Size of the cluster; default the MiniCluster's size.")
    public Integer size;
  }

  /** The Fluxion queue policy. */
  public static class Scheduler {
    @JsonPropertyDescription("Use Flux's simple scheduler instead of Fluxion.")
    public Boolean simple;

    @Default("fcfs")
    @io.fabric8.generator.annotation.Pattern("^(fcfs|easy)$")
    @JsonPropertyDescription("Fluxion queue policy: fcfs or easy.")
    public String queuePolicy;
  }
}
