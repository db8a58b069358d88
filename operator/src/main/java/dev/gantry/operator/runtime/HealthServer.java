package dev.gantry.operator.runtime;

import io.javalin.Javalin;
import java.util.Map;

/**
 * /healthz (the process answers), /readyz (controllers started, informers healthy; capabilities
 * disabled for a missing CRD are listed, without failing readiness for the others), /metrics.
 */
final class HealthServer {
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
