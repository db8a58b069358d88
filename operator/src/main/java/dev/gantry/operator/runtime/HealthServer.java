package dev.gantry.operator.runtime;

import io.javalin.Javalin;
import java.util.Map;

/**
 * /healthz (the process answers), /readyz (controllers started, informers healthy; capabilities
 * disabled for a missing CRD are listed, without failing readiness for the others), /metrics, and
 * /discovery/stacks (the Stacks' Prometheus targets).
 */
final class HealthServer {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final Javalin app;

  HealthServer(GantryOperator gantry) {
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.routes.get("/healthz", ctx -> ctx.result("ok"));
              config.routes.get(
                  "/readyz",
                  ctx -> {
                    var info = gantry.sdk().getRuntimeInfo();
                    String disabled = disabled(gantry.disabledCapabilities());
                    if (info.isStarted() && info.allEventSourcesAreHealthy()) {
                      ctx.result("ok" + disabled);
                    } else {
                      ctx.status(503)
                          .result(
                              (info.isStarted()
                                      ? "unhealthy event sources: "
                                          + info.unhealthyEventSources().keySet()
                                      : "starting")
                                  + disabled);
                    }
                  });
              // Prometheus HTTP service discovery (http_sd_configs): the Stacks' targets, [] when
              // none; ?namespace= and ?stack= narrow it.
              // Only the replica that reconciles knows the targets; a follower answers 503, and
              // Prometheus keeps the list it had until its next refresh reaches the leader.
              config.routes.get(
                  "/discovery/stacks",
                  ctx -> {
                    if (!gantry.leading()) {
                      ctx.status(503).result("not the leader: this replica does not reconcile");
                      return;
                    }
                    ctx.contentType("application/json")
                        .result(
                            JSON.writeValueAsString(
                                gantry
                                    .stackDiscovery()
                                    .groups(ctx.queryParam("namespace"), ctx.queryParam("stack"))));
                  });
              config.routes.get(
                  "/metrics",
                  ctx ->
                      ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                          .result(gantry.registry().scrape()));
            });
  }

  private static String disabled(Map<String, String> capabilities) {
    StringBuilder text = new StringBuilder();
    capabilities.forEach(
        (name, why) -> text.append("\n").append(name).append(": disabled: ").append(why));
    return text.toString();
  }

  void start(int port) {
    app.start(port);
  }

  int port() {
    return app.port();
  }

  void stop() {
    app.stop();
  }
}
