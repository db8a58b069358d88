package dev.gantry.api.minicluster;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Entrypoint verbosity, as in the Flux Operator. */
public class LoggingSpec {
  @JsonPropertyDescription("Only the job's output in the leader's log; broker log level 0.")
  public Boolean quiet;

  @JsonPropertyDescription(
      "Stop the entrypoint at the first failing command (set -eEu -o pipefail).")
  public Boolean strict;

  @JsonPropertyDescription("Verbose flux submit (-vvv).")
  public Boolean debug;

  @JsonPropertyDescription(
      "Time flux start and flux submit with /usr/bin/time (the image must have it).")
  public Boolean timed;

  @JsonPropertyDescription("ZeroMQ debugging of the overlay network (-Stbon.zmqdebug=1).")
  public Boolean zeromq;

  @JsonIgnore
  public boolean quietOn() {
    return Boolean.TRUE.equals(quiet);
  }

  @JsonIgnore
  public boolean strictOn() {
    return Boolean.TRUE.equals(strict);
  }

  @JsonIgnore
  public boolean debugOn() {
    return Boolean.TRUE.equals(debug);
  }

  @JsonIgnore
  public boolean timedOn() {
    return Boolean.TRUE.equals(timed);
  }

  @JsonIgnore
  public boolean zeromqOn() {
    return Boolean.TRUE.equals(zeromq);
  }
}
