package dev.gantry.workers.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One supervised {@code workerd serve} process: its output is logged line by line under the
 * worker's name, and if it dies while it should run it is started again (after 1 s, doubling to 30
 * s while it keeps dying), on the same sockets. Requests in flight are counted so the process is
 * stopped only once its last request has been answered.
 */
final class WorkerdProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerdProcess.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
  static final String PID_FILE = "workerd.pid";
  private static final Duration SETTLE = Duration.ofMillis(300);

  private final List<String> command;
  private final Path directory;
  private final String label;
  private final Collection<Integer> ports;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Deque<String> recentOutput = new ArrayDeque<>();
  private volatile Process process;
  private volatile boolean stopping;
  private Thread supervisor;

  WorkerdProcess(
      Path workerd, Path directory, String configFile, String label, Collection<Integer> ports) {
    this.command = List.of(workerd.toString(), "serve", configFile, "--verbose");
    this.directory = directory;
    this.label = label;
    this.ports = List.copyOf(ports);
  }

  /** Starts the process and returns once every socket accepts connections. */
  WorkerdProcess start() {
    launch();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    for (int port : ports) {
      while (!accepts(port)) {
        if (!process.isAlive()) {
          sleep(50); // let the output reader take the last lines
          throw new WorkerStartException(
              "workerd exited with " + process.exitValue() + ": " + output());
        }
        if (System.nanoTime() > deadline) {
          close();
          throw new WorkerStartException(
              "workerd did not listen within " + READY_TIMEOUT.toSeconds() + " s: " + output());
        }
        sleep(5);
      }
    }
    // workerd listens before it has compiled its workers, and exits if one does not compile or
    // throws at start-up: only a process that stays up a moment has really started.
    long settled = System.nanoTime() + SETTLE.toNanos();
    while (System.nanoTime() < settled) {
      if (!process.isAlive()) {
        sleep(50); // let the output reader take the last lines
        throw new WorkerStartException(
            "workerd exited with " + process.exitValue() + ": " + output());
      }
      sleep(5);
    }
    supervisor = new Thread(this::supervise, "workerd-supervisor " + label);
    supervisor.setDaemon(true);
    supervisor.start();
    return this;
  }

  private void launch() {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
      builder.environment().put("PWD", directory.toString());
      process = builder.start();
      // Lets a runtime started after a crash of this JVM find and stop an orphaned workerd.
      java.nio.file.Files.writeString(directory.resolve(PID_FILE), Long.toString(process.pid()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start workerd (" + command.get(0) + ")", e);
    }
    Process p = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  LOG.info("[{}] {}", label, line);
                  synchronized (recentOutput) {
                    recentOutput.addLast(line);
                    if (recentOutput.size() > 20) {
                      recentOutput.removeFirst();
                    }
                  }
                }
              } catch (IOException e) {
                // the process is gone; the supervisor decides what follows
              }
            },
            "workerd-output " + label);
    reader.setDaemon(true);
    reader.start();
  }

  private void supervise() {
    long backoff = 1000;
    while (!stopping) {
      try {
        int code = process.waitFor();
        if (stopping) {
          return;
        }
        LOG.warn("workerd for {} exited with {}; starting it again in {} ms", label, code, backoff);
        Thread.sleep(backoff);
        if (stopping) {
          return;
        }
        long started = System.nanoTime();
        launch();
        // A process that stayed up a minute was healthy: the next death starts the back-off anew.
        backoff =
            System.nanoTime() - started > Duration.ofMinutes(1).toNanos()
                ? 1000
                : Math.min(backoff * 2, 30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The worker's name, which prefixes every line of its output in the log. */
  String label() {
    return label;
  }

  void enter() {
    inFlight.incrementAndGet();
  }

  void leave() {
    inFlight.decrementAndGet();
  }

  /**
   * Waits (at most {@code limit}) for requests in flight to finish, then stops. The grace period
   * first covers a request that looked up the old route just before the switch and has not been
   * counted yet.
   */
  void drainAndClose(Duration grace, Duration limit) {
    sleep(grace.toMillis());
    long deadline = System.nanoTime() + limit.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      sleep(10);
    }
    close();
  }

  @Override
  public void close() {
    stopping = true;
    Process p = process;
    if (p != null) {
      p.destroy();
      try {
        if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }

  String output() {
    synchronized (recentOutput) {
      return String.join("\n", recentOutput);
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
