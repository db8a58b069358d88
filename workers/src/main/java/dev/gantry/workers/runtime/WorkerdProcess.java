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
 *
 * <p>workerd runs under a small shell guard ({@link #GUARD}) whose standard input is a pipe from
 * this JVM, which no one ever writes to: the pipe closes when the JVM ends, however it ends ({@code
 * kill -9} included, where no shutdown hook runs), and the guard then kills workerd. So a killed
 * server leaves no workerd serving its last deployment.
 */
final class WorkerdProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerdProcess.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
  static final String PID_FILE = "workerd.pid";

  /**
   * Runs its arguments (workerd) and waits for them, passing on SIGTERM and the exit status; a
   * reader of its standard input kills workerd when that input ends (the JVM's end of the pipe
   * closed). workerd's own process id goes to {@value #PID_FILE}, so a runtime starting after an
   * unforeseen end can still find one that outlived even its guard.
   */
  static final String GUARD =
      """
      exec 3<&0 </dev/null
      "$@" 3<&- &
      child=$!
      echo "$child" > workerd.pid
      trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
      (while read -r _ <&3; do :; done; kill -KILL "$child" 2>/dev/null) &
      watcher=$!
      exec 3<&-
      while :; do
        wait "$child"
        status=$?
        # over 128 with workerd alive: a trapped signal interrupted the wait, not workerd's end
        if [ "$status" -gt 128 ] && kill -0 "$child" 2>/dev/null; then continue; fi
        break
      done
      kill "$watcher" 2>/dev/null
      exit "$status"
      """;

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
    this.command =
        List.of(
            "/bin/sh",
            "-c",
            GUARD,
            "workerd-guard",
            workerd.toString(),
            "serve",
            configFile,
            "--verbose");
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
      // The guard's standard input stays a pipe from this JVM (never written, never closed here).
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start workerd (" + command.get(4) + ")", e);
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
      p.destroy(); // SIGTERM to the guard, which passes it on to workerd
      try {
        if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          kill(p);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill(p);
      }
    }
  }

  /** workerd and its guard, at once: killing the guard alone would leave workerd running. */
  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
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
