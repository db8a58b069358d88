package dev.gantry.workers.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client traffic to workers: reads the Host header ({@code <script>.<subdomain>.<domain>}), picks a
 * version by the deployment's split and forwards to that version's workerd socket. A second,
 * loopback-only socket takes service-binding calls from workerd, naming the target worker in {@link
 * WorkerdConfig#BINDING_HEADER}. Routes are swapped atomically, so a new deployment takes over
 * between two requests. The forwarding itself is {@link ProxyLoop}.
 */
final class Router implements AutoCloseable {
  private final String domain;
  private final Map<String, Route> byHost = new ConcurrentHashMap<>();
  private final Map<String, Route> byWorker = new ConcurrentHashMap<>();
  private final ProxyLoop loop;

  Router(String host, int port, String domain) {
    this.domain = domain;
    try {
      this.loop = new ProxyLoop(host, port, new Lookup());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen for worker traffic on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  Router start() {
    loop.start();
    return this;
  }

  int port() {
    return loop.port();
  }

  /** Address of the loopback socket that service bindings are sent to. */
  String bindingAddress() {
    return "127.0.0.1:" + loop.bindingPort();
  }

  /**
   * Points a worker's bindings, and its host name when it has one (null: not routable), at {@code
   * route}. Whatever the worker's previous route served stops being reachable in the same step.
   */
  void set(String worker, String host, Route route) {
    Route old = byWorker.put(worker, route);
    if (host != null) {
      byHost.put(host, route);
    }
    // Any other host name this worker had (an old subdomain, or now none) goes.
    byHost
        .entrySet()
        .removeIf(e -> (e.getValue() == old || e.getValue() == route) && !e.getKey().equals(host));
  }

  /** Removes every route of a worker. */
  void remove(String worker) {
    Route old = byWorker.remove(worker);
    if (old != null) {
      byHost.values().removeIf(r -> r == old);
    }
  }

  private final class Lookup implements ProxyLoop.Routes {
    @Override
    public Route route(HttpHead request, boolean binding) {
      if (binding) {
        return request.binding == null ? null : byWorker.get(request.binding);
      }
      return WorkerHosts.normalize(request.host, domain).map(byHost::get).orElse(null);
    }

    @Override
    public String notFound(HttpHead request, boolean binding) {
      return binding
          ? "service binding target " + request.binding + " is not deployed"
          : "no worker is deployed at "
              + request.host
              + " (workers answer at <script>.<account subdomain>."
              + domain
              + ")";
    }

    @Override
    public String noHost() {
      return "the request has no Host header: send one naming the worker,"
          + " <script>.<account subdomain>."
          + domain;
    }
  }

  @Override
  public void close() {
    loop.close();
  }
}
