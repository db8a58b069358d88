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
import java.util.ArrayList;
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

  private final List<String> command;
  private final Path directory;
  private final String label;
  private final Collection<Integer> ports;
  private final int readyPort;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Deque<String> recentOutput = new ArrayDeque<>();
  private volatile Process process;
  private volatile boolean stopping;
  private Thread supervisor;

  WorkerdProcess(
      Path workerd,
      Path directory,
      String configFile,
      String label,
      Collection<Integer> ports,
      int readyPort) {
    this.command = List.of(workerd.toString(), "serve", configFile, "--verbose");
    this.directory = directory;
    this.label = label;
    this.ports = List.copyOf(ports);
    this.readyPort = readyPort;
  }

  /**
   * Starts the process and returns once it has started its workers: every socket accepts
   * connections and the readiness worker answers. workerd listens before it compiles the workers
   * and runs their top-level code, answers nothing until that is done, and exits if a worker fails
   * there, however long that takes.
   */
  WorkerdProcess start() {
    launch();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    List<Integer> sockets = new ArrayList<>(ports);
    sockets.add(readyPort);
    for (int port : sockets) {
      while (!accepts(port)) {
        waitOrFail(deadline, "listen");
      }
    }
    while (!answersReady()) {
      waitOrFail(deadline, "start its workers");
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

  private void waitOrFail(long deadline, String what) {
    if (!process.isAlive()) {
      sleep(50); // let the output reader take the last lines
      throw new WorkerStartException(
          "workerd exited with " + process.exitValue() + ": " + output());
    }
    if (System.nanoTime() > deadline) {
      close();
      throw new WorkerStartException(
          "workerd did not " + what + " within " + READY_TIMEOUT.toSeconds() + " s: " + output());
    }
    sleep(5);
  }

  /** Whether the readiness worker answers; the request waits while workerd is still starting. */
  private boolean answersReady() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", readyPort), 200);
      s.setSoTimeout(1000);
      s.getOutputStream()
          .write(
              "GET / HTTP/1.1\r\nHost: ready\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      return answer.startsWith("HTTP/1.1 200") && answer.endsWith(WorkerdConfig.READY_ANSWER);
    } catch (IOException e) {
      return false; // not yet (a read timeout while it compiles), or it is exiting
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
