package dev.gantry.workers.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One version's share of a deployment's traffic, in percent. */
public record Split(
    @JsonProperty("version_id") String versionId, @JsonProperty("percentage") double percentage) {}
