package dev.gantry.workers;

import dev.gantry.workers.api.WorkersApi;
import dev.gantry.workers.runtime.ActiveWorker;
import dev.gantry.workers.runtime.LocalRuntime;
import dev.gantry.workers.store.FileObjectStore;
import dev.gantry.workers.store.MetadataStore;
import dev.gantry.workers.store.ObjectStore;
import dev.gantry.workers.store.S3ObjectStore;
import dev.gantry.workers.store.SecretStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API and runtime on one machine: metadata and secrets under the data directory, scripts in the
 * filesystem object store there (or in S3), local workerd processes behind the router. Everything
 * deployed before a restart is served again when it starts.
 */
public final class WorkersServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkersServer.class);

  /**
   * @param dataDirectory metadata, secrets, runtime files and (without S3) the object store
   * @param host the address the API and the router listen on
   * @param apiPort the API's port (0: any)
   * @param routerPort the router's port (0: any)
   * @param tailPort the port {@code wrangler tail} reads trace events from (0: any)
   * @param domain workers answer at script.subdomain.domain
   * @param workerd the workerd binary
   * @param maxUploadBytes the upload size limit
   * @param s3 the S3 bucket for scripts, or null for the filesystem store
   */
  public record Settings(
      Path dataDirectory,
      String host,
      int apiPort,
      int routerPort,
      int tailPort,
      String domain,
      Path workerd,
      long maxUploadBytes,
      S3ObjectStore.Settings s3) {
    public static final long DEFAULT_MAX_UPLOAD = 10L * 1024 * 1024;
    public static final String DEFAULT_DOMAIN = "workers.localhost";
  }

  private final Settings settings;
  private final ObjectStore objects;
  private final LocalRuntime runtime;
  private final WorkersService service;
  private final WorkersApi api;
  private final ScheduledExecutorService sweeper =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("workers-tail-sweep"));

  public WorkersServer(Settings settings) {
    this.settings = settings;
    Path data = settings.dataDirectory().toAbsolutePath();
    this.objects =
        settings.s3() == null
            ? new FileObjectStore(data.resolve("objects"))
            : new S3ObjectStore(settings.s3());
    this.runtime =
        new LocalRuntime(
            new LocalRuntime.Settings(
                settings.workerd(),
                data.resolve("runtime"),
                settings.host(),
                settings.routerPort(),
                settings.domain()),
            objects);
    this.service =
        new WorkersService(
            new MetadataStore(data), new SecretStore(data), objects, runtime, Clock.systemUTC());
    this.api =
        new WorkersApi(
            service,
            settings.host(),
            settings.apiPort(),
            settings.tailPort(),
            settings.maxUploadBytes());
  }

  /** Starts the API and serves every worker deployed before. */
  public WorkersServer start() {
    service.discardUnacknowledged();
    for (ActiveWorker worker : service.allActive()) {
      try {
        runtime.apply(worker.key(), Optional.of(worker));
      } catch (RuntimeException e) {
        LOG.error("cannot serve {} again: {}", worker.key(), e.getMessage());
      }
    }
    api.start();
    sweeper.scheduleWithFixedDelay(
        () -> {
          try {
            service.sweepTails();
          } catch (RuntimeException e) {
            LOG.warn("ending idle tail sessions failed: {}", e.toString());
          }
        },
        10,
        10,
        TimeUnit.SECONDS);
    return this;
  }

  public WorkersService service() {
    return service;
  }

  public int apiPort() {
    return api.port();
  }

  public int routerPort() {
    return runtime.port();
  }

  /** The port {@code wrangler tail} reads trace events from. */
  public int tailPort() {
    return api.tailPort();
  }

  public String domain() {
    return settings.domain();
  }

  /** The API's base URL as wrangler takes it (CLOUDFLARE_API_BASE_URL). */
  public String apiBaseUrl() {
    return "http://" + displayHost() + ":" + apiPort() + "/client/v4";
  }

  private String displayHost() {
    return settings.host().equals("0.0.0.0") ? "127.0.0.1" : settings.host();
  }

  /** Where workerd is by default: GANTRY_WORKERD, the build's tools, then PATH. */
  public static Path defaultWorkerd() {
    String env = System.getenv("GANTRY_WORKERD");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return WorkersTools.locate()
        .map(WorkersTools::workerd)
        .filter(Files::isExecutable)
        .orElse(Path.of("workerd"));
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    api.close();
    runtime.close();
    if (objects instanceof S3ObjectStore s3) {
      s3.close();
    }
  }
}
