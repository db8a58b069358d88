package dev.gantry.workers.model;

import java.util.List;
import java.util.Map;

/**
 * What serves a worker's traffic from {@code created} on: versions and their percentages (summing
 * to 100). The newest deployment of a worker is the active one.
 *
 * @param id a UUID
 * @param created ISO-8601
 * @param source who made it (wrangler, api)
 * @param versions the split
 * @param annotations workers/message, workers/triggered_by, ...
 */
public record Deployment(
    String id,
    String created,
    String source,
    List<Split> versions,
    Map<String, String> annotations) {}
