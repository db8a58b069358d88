package dev.gantry.operator.runtime;

import io.javalin.Javalin;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** /healthz (the process answers), /readyz (controllers started, informers healthy), /metrics. */
final class HealthServer {
  private final Javalin app;

  HealthServer(Operator operator, PrometheusMeterRegistry registry) {
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.routes.get("/healthz", ctx -> ctx.result("ok"));
              config.routes.get(
                  "/readyz",
                  ctx -> {
                    var info = operator.getRuntimeInfo();
                    if (info.isStarted() && info.allEventSourcesAreHealthy()) {
                      ctx.result("ok");
                    } else {
                      ctx.status(503)
                          .result(
                              info.isStarted()
                                  ? "unhealthy event sources: "
                                      + info.unhealthyEventSources().keySet()
                                  : "starting");
                    }
                  });
              config.routes.get(
                  "/metrics",
                  ctx ->
                      ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                          .result(registry.scrape()));
            });
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
