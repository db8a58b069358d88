package dev.gantry.api.minicluster;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
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

  @PreserveUnknownFields
  @JsonPropertyDescription(
      "Not supported by Gantry (bursting); reported in the Supported condition.")
  public Object bursting;

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
