package dev.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;

/**
 * Where a worker that wrangler just deployed to {@code gantry dev} really answers. wrangler prints
 * its Cloudflare address ({@code https://<script>.<subdomain>.workers.dev}); Gantry's router serves
 * it at {@code http://<script>.<subdomain>.<domain>:<port>/}. wrangler says what it deployed, and
 * to which targets, in the output file it writes when {@code WRANGLER_OUTPUT_FILE_PATH} names one
 * (one JSON entry a line).
 */
final class WranglerDeployments {
  /** Where wrangler writes its output entries. */
  static final String OUTPUT_FILE = "WRANGLER_OUTPUT_FILE_PATH";

  /** The same, as a directory of files it names itself. */
  static final String OUTPUT_DIRECTORY = "WRANGLER_OUTPUT_FILE_DIRECTORY";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WORKERS_DEV = ".workers.dev";

  private WranglerDeployments() {}

  /**
   * The line to print after wrangler wrote {@code entries}: for its last deploy, where the worker
   * answers through the router at {@code router} ({@code <domain>:<port>}); empty when it deployed
   * nothing.
   */
  static Optional<String> whereItAnswers(List<String> entries, String router) {
    JsonNode deploy = null;
    for (String line : entries) {
      try {
        JsonNode entry = JSON.readTree(line);
        if (entry != null && "deploy".equals(entry.path("type").asText())) {
          deploy = entry;
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        // not an entry (a partial line of a wrangler that was stopped): nothing to say of it
      }
    }
    if (deploy == null) {
      return Optional.empty();
    }
    String worker = deploy.path("worker_name").asText("the worker");
    for (JsonNode target : deploy.path("targets")) {
      String host = target.asText().replaceFirst("^https?://", "").replaceFirst("/.*$", "");
      if (host.endsWith(WORKERS_DEV)) {
        String name = host.substring(0, host.length() - WORKERS_DEV.length());
        return Optional.of(
            "gantry: "
                + worker
                + " answers at http://"
                + name
                + "."
                + router
                + "/ (gantry dev's router), not at https://"
                + host);
      }
    }
    return Optional.of(
        "gantry: "
            + worker
            + " has no workers.dev route (workers_dev = false), so gantry dev's router ("
            + router
            + ") does not serve it");
  }
}
