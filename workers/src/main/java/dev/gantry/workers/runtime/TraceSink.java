package dev.gantry.workers.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gantry.workers.DaemonThreads;
import dev.gantry.workers.model.WorkerKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback endpoint that tailed workers' trace events are posted to, by a tail worker of
 * Gantry's own inside each workerd ({@link WorkerdConfig}). Any local process can reach a loopback
 * port, so every post must carry this sink's random key; workerd adds it with the worker and
 * version it comes from.
 */
final class TraceSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TraceSink.class);
  static final String KEY_HEADER = "X-Gantry-Trace-Key";
  static final String VERSION_HEADER = "X-Gantry-Version";

  private final HttpServer server;
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(DaemonThreads.named("workers-trace-sink"));
  private final String key = HexFormat.of().formatHex(randomBytes());
  private volatile WorkerRuntime.TraceListener listener = (worker, version, json) -> {};

  TraceSink() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for trace events on loopback", e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return b;
  }

  /** Where {@code worker}'s trace events are to be sent, for its configuration. */
  WorkerdConfig.Tracing tracing(WorkerKey worker) {
    return new WorkerdConfig.Tracing(
        worker.toString(), "127.0.0.1:" + server.getAddress().getPort(), key);
  }

  void listener(WorkerRuntime.TraceListener listener) {
    this.listener = listener;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String given = exchange.getRequestHeaders().getFirst(KEY_HEADER);
      String worker = exchange.getRequestHeaders().getFirst(WorkerdConfig.BINDING_HEADER);
      String version = exchange.getRequestHeaders().getFirst(VERSION_HEADER);
      if (given == null
          || !MessageDigest.isEqual(
              given.getBytes(StandardCharsets.US_ASCII), key.getBytes(StandardCharsets.US_ASCII))
          || worker == null
          || worker.indexOf('/') < 0) {
        exchange.sendResponseHeaders(403, -1);
        return;
      }
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      int slash = worker.indexOf('/');
      try {
        listener.events(
            new WorkerKey(worker.substring(0, slash), worker.substring(slash + 1)), version, body);
      } catch (RuntimeException e) {
        LOG.warn("trace events for {} were not delivered: {}", worker, e.toString());
      }
      exchange.sendResponseHeaders(204, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
