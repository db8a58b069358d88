package dev.gantry.workers.runtime;

import dev.gantry.workers.DaemonThreads;
import dev.gantry.workers.model.Split;
import dev.gantry.workers.model.Version;
import dev.gantry.workers.model.WorkerKey;
import dev.gantry.workers.store.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded runtime: one supervised workerd process per worker, serving the versions of its
 * active deployment, behind the {@link Router}. A change starts a new process beside the old one,
 * waits until it has started its workers, switches the route, and only then drains and stops the
 * old process: the running deployment answers every request until the new one does.
 */
public final class LocalRuntime implements WorkerRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(LocalRuntime.class);
  private static final Duration DRAIN_GRACE = Duration.ofSeconds(1);
  private static final Duration DRAIN = Duration.ofSeconds(30);

  /**
   * @param workerd the workerd binary
   * @param directory where configurations and module files are written
   * @param host the router's address
   * @param port the router's port (0: any free one)
   * @param domain workers answer at script.subdomain.domain
   */
  public record Settings(Path workerd, Path directory, String host, int port, String domain) {}

  private record Running(Route route, Path directory, ActiveWorker serving) {}

  private final Settings settings;
  private final ObjectStore objects;
  private final Router router;
  private final TraceSink traces;
  private final LocalDate newestDate;
  private final Map<WorkerKey, Running> running = new ConcurrentHashMap<>();
  private final java.util.Set<Running> retiring = ConcurrentHashMap.newKeySet();
  private final AtomicLong generations = new AtomicLong(System.currentTimeMillis());
  private final Map<WorkerKey, Object> workerLocks = new ConcurrentHashMap<>();

  /** Changes hold it shared, closing holds it alone. */
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();

  private boolean closed;
  private final ExecutorService drains =
      Executors.newCachedThreadPool(DaemonThreads.named("workerd-drain"));

  /** Picks the loopback ports a new workerd listens on. */
  private final IntSupplier ports;

  public LocalRuntime(Settings settings, ObjectStore objects) {
    this(settings, objects, LocalRuntime::freePort);
  }

  /** With the ports a test chooses (taken ones among them, to see what follows). */
  LocalRuntime(Settings settings, ObjectStore objects, IntSupplier ports) {
    this.settings = settings;
    this.objects = objects;
    this.ports = ports;
    this.newestDate = WorkerdVersion.newestCompatibilityDate(settings.workerd());
    stopOrphans(settings.directory());
    privateDirectory(settings.directory());
    this.router = new Router(settings.host(), settings.port(), settings.domain()).start();
    this.traces = new TraceSink();
  }

  @Override
  public void onTraceEvents(TraceListener listener) {
    traces.listener(listener);
  }

  public int port() {
    return router.port();
  }

  public String domain() {
    return settings.domain();
  }

  @Override
  public LocalDate newestCompatibilityDate() {
    return newestDate;
  }

  /**
   * Changes to one worker go one at a time; different workers' changes run side by side, so one
   * that is slow to start holds up no other. Closing waits for the changes under way.
   */
  @Override
  public void apply(WorkerKey worker, Optional<ActiveWorker> desired) {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("the workers runtime is closed");
      }
      synchronized (workerLocks.computeIfAbsent(worker, k -> new Object())) {
        applyLocked(worker, desired);
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private void applyLocked(WorkerKey worker, Optional<ActiveWorker> desired) {
    Running old = running.get(worker);
    if (desired.isEmpty()) {
      router.remove(worker.toString());
      running.remove(worker);
      if (old != null) {
        retire(old);
      }
      return;
    }
    ActiveWorker active = desired.get();
    if (old != null && sameProgram(old.serving(), active)) {
      // Only the host name changed (the subdomain switch): re-point the route, keep the process.
      router.set(worker.toString(), host(worker, active), old.route());
      running.put(worker, new Running(old.route(), old.directory(), active));
      return;
    }
    Running started = start(worker, active);
    router.set(worker.toString(), host(worker, active), started.route());
    running.put(worker, started);
    if (old != null) {
      retire(old);
    }
    LOG.info(
        "{} serves {}",
        worker,
        String.join(
            ", ",
            active.split().stream().map(s -> s.versionId() + " " + s.percentage() + "%").toList()));
  }

  /**
   * A new workerd serving {@code active}. The ports were free when picked, but another process can
   * take one before workerd binds it: then it is tried again on other ports (twice at most).
   */
  private Running start(WorkerKey worker, ActiveWorker active) {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(worker, active);
      } catch (WorkerStartException e) {
        if (attempt == 3 || !e.getMessage().contains("Address already in use")) {
          throw e;
        }
        LOG.info("{}: a port given to workerd was taken meanwhile; trying others", worker);
      }
    }
  }

  /** A new workerd serving {@code active}; if it does not start, none of its files stay. */
  private Running startOnce(WorkerKey worker, ActiveWorker active) {
    Path directory =
        settings
            .directory()
            .resolve(worker.account())
            .resolve(worker.script())
            .resolve(Long.toString(generations.incrementAndGet()));
    List<WorkerdConfig.Served> served = new ArrayList<>();
    List<TrafficSplit.Share<Integer>> shares = new ArrayList<>();
    for (int i = 0; i < active.versions().size(); i++) {
      Version v = active.versions().get(i);
      Split split = active.split().get(i);
      int port = ports.getAsInt();
      served.add(new WorkerdConfig.Served(v, port));
      shares.add(new TrafficSplit.Share<>(port, split.percentage()));
    }
    int readyPort = ports.getAsInt();
    try {
      write(
          directory,
          WorkerdConfig.render(
              worker.account(),
              served,
              active.secrets(),
              router.bindingAddress(),
              readyPort,
              active.tailed() ? traces.tracing(worker) : null));
      WorkerdProcess process =
          new WorkerdProcess(
                  settings.workerd(),
                  directory,
                  "config.capnp",
                  worker.toString(),
                  served.stream().map(WorkerdConfig.Served::port).toList(),
                  readyPort)
              .start();
      return new Running(new Route(new TrafficSplit<>(shares), process), directory, active);
    } catch (RuntimeException e) {
      // The configuration holds the worker's secrets: a start that failed leaves nothing behind.
      deleteTree(directory);
      throw e;
    }
  }

  private String host(WorkerKey worker, ActiveWorker active) {
    return active.routable()
        ? WorkerHosts.of(worker.script(), active.subdomain(), settings.domain())
        : null;
  }

  /** Whether two states run the same code with the same bindings, secrets, split and tail. */
  private static boolean sameProgram(ActiveWorker a, ActiveWorker b) {
    return a.split().equals(b.split())
        && a.versions().stream()
            .map(Version::id)
            .toList()
            .equals(b.versions().stream().map(Version::id).toList())
        && a.secrets().equals(b.secrets())
        && a.tailed() == b.tailed();
  }

  /** Drains the old process in the background and removes its files. */
  private void retire(Running old) {
    retiring.add(old);
    drains.submit(
        () -> {
          try {
            old.route().process().drainAndClose(DRAIN_GRACE, DRAIN);
          } finally {
            // An interrupted drain (the runtime closing) still stops the process.
            old.route().process().close();
            retiring.remove(old);
            deleteTree(old.directory());
          }
        });
  }

  private void write(Path directory, WorkerdConfig.Rendered config) {
    try {
      Files.createDirectories(directory);
      Files.writeString(directory.resolve("config.capnp"), config.text());
      for (var file : config.files().entrySet()) {
        Path path = directory.resolve(file.getKey()).normalize();
        if (!path.startsWith(directory)) {
          throw new IllegalStateException("module path " + file.getKey() + " escapes " + directory);
        }
        Files.createDirectories(path.getParent());
        Files.write(path, objects.require(file.getValue().key()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the workerd configuration to " + directory, e);
    }
  }

  /** The workerd process serving a worker now. */
  Optional<WorkerdProcess> process(WorkerKey worker) {
    return Optional.ofNullable(running.get(worker)).map(r -> r.route().process());
  }

  /**
   * Stops workerd processes a previous run left behind (its JVM killed before it could stop them)
   * and removes their files: every worker is started afresh from the stores.
   */
  private static void stopOrphans(Path directory) {
    if (!Files.isDirectory(directory)) {
      return;
    }
    try (var files = Files.walk(directory)) {
      files
          .filter(p -> p.getFileName().toString().equals(WorkerdProcess.PID_FILE))
          .forEach(
              pidFile -> {
                try {
                  long pid = Long.parseLong(Files.readString(pidFile).trim());
                  ProcessHandle.of(pid)
                      .filter(h -> h.info().command().map(c -> c.contains("workerd")).orElse(false))
                      .ifPresent(
                          h -> {
                            LOG.warn("stopping workerd {} left by a previous run", pid);
                            h.destroyForcibly();
                          });
                } catch (IOException | NumberFormatException e) {
                  LOG.debug("unreadable {}: {}", pidFile, e.toString());
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + directory, e);
    }
    deleteTree(directory);
  }

  /** The rendered configurations hold secret values: only the server's user may read them. */
  private static void privateDirectory(Path directory) {
    try {
      Files.createDirectories(directory);
      if (Files.getFileStore(directory).supportsFileAttributeView("posix")) {
        Files.setPosixFilePermissions(
            directory, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      } else {
        LOG.warn("{} is not on a POSIX file system: restrict who may read it by hand", directory);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + directory, e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for a workerd socket", e);
    }
  }

  private static void deleteTree(Path directory) {
    try (var paths = Files.walk(directory)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("could not remove {}: {}", directory, e.toString());
    }
  }

  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      running.values().forEach(r -> r.route().process().close());
      running.clear();
      retiring.forEach(r -> r.route().process().close());
      router.close();
      traces.close();
      drains.shutdownNow();
    } finally {
      lifecycle.writeLock().unlock();
    }
  }
}
