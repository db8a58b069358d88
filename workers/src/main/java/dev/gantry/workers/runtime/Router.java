package dev.gantry.workers.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Client traffic to workers: a reverse proxy that reads the Host header ({@code
 * <script>.<subdomain>.<domain>}), picks a version by the deployment's split and forwards to that
 * version's workerd socket. A second, loopback-only socket takes service-binding calls from
 * workerd, naming the target worker in {@link WorkerdConfig#BINDING_HEADER}. Routes are swapped
 * atomically, so a new deployment takes over between two requests.
 */
final class Router implements AutoCloseable {
  private static final String ROUTE = "gantry.route";
  private static final String PORT = "gantry.port";

  private final String domain;
  private final Map<String, Route> byHost = new ConcurrentHashMap<>();
  private final Map<String, Route> byWorker = new ConcurrentHashMap<>();
  private final Server server;
  private final ServerConnector publicConnector;
  private final ServerConnector bindingConnector;

  Router(String host, int port, String domain) {
    this.domain = domain;
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("workers-router");
    threads.setReservedThreads(0);
    this.server = new Server(threads);
    this.publicConnector = new ServerConnector(server, 1, 1);
    publicConnector.setHost(host);
    publicConnector.setPort(port);
    this.bindingConnector = new ServerConnector(server, 1, 1);
    bindingConnector.setHost("127.0.0.1");
    bindingConnector.setPort(0);
    server.addConnector(publicConnector);
    server.addConnector(bindingConnector);
    ProxyHandler.Reverse proxy =
        new ProxyHandler.Reverse(
            request -> {
              int target = (Integer) request.getAttribute(PORT);
              return HttpURI.build(request.getHttpURI())
                  .scheme("http")
                  .host("127.0.0.1")
                  .port(target);
            }) {
          /** What Cloudflare tells a worker about its client, and nothing a worker never reads. */
          @Override
          protected void addProxyHeaders(
              Request clientToProxy, org.eclipse.jetty.client.Request proxyToServer) {
            String client = Request.getRemoteAddr(clientToProxy);
            proxyToServer.headers(
                h -> h.put("CF-Connecting-IP", client).put("X-Forwarded-For", client));
          }
        };
    // One thread pool and buffer pool for both sides of the proxy: on few cores every handoff
    // between pools costs a context switch per request.
    HttpClient client =
        new HttpClient(new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(1));
    client.setExecutor(threads);
    client.setByteBufferPool(server.getByteBufferPool());
    client.setMaxConnectionsPerDestination(256);
    client.setIdleTimeout(30_000);
    proxy.setHttpClient(client);
    proxy.setViaHost("gantry");
    server.setHandler(new Selecting(proxy));
  }

  Router start() {
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the workers router: " + e.getMessage(), e);
    }
    return this;
  }

  int port() {
    return publicConnector.getLocalPort();
  }

  /** Address of the loopback socket that service bindings are sent to. */
  String bindingAddress() {
    return "127.0.0.1:" + bindingConnector.getLocalPort();
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

  /** Picks the backend before the proxy runs, and counts the request on its process. */
  private final class Selecting extends Handler.Wrapper {
    Selecting(Handler proxy) {
      super(proxy);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      Route route;
      if (request.getConnectionMetaData().getConnector() == bindingConnector) {
        String worker = request.getHeaders().get(WorkerdConfig.BINDING_HEADER);
        route = worker == null ? null : byWorker.get(worker);
        if (route == null) {
          return notFound(
              request, response, callback, "service binding target " + worker + " is not deployed");
        }
      } else {
        String host = WorkerHosts.normalize(request.getHeaders().get("Host"), domain).orElse(null);
        route = host == null ? null : byHost.get(host);
        if (route == null) {
          return notFound(
              request,
              response,
              callback,
              "no worker is deployed at "
                  + request.getHeaders().get("Host")
                  + " (workers answer at <script>.<account subdomain>."
                  + domain
                  + ")");
        }
      }
      request.setAttribute(ROUTE, route);
      request.setAttribute(PORT, route.split().pick(ThreadLocalRandom.current().nextDouble(100)));
      WorkerdProcess process = route.process();
      process.enter();
      Callback counted =
          Callback.from(
              () -> {
                process.leave();
                callback.succeeded();
              },
              failure -> {
                process.leave();
                callback.failed(failure);
              });
      boolean handled;
      try {
        handled = super.handle(request, response, counted);
      } catch (Exception | Error e) {
        process.leave();
        throw e;
      }
      if (!handled) {
        process.leave();
      }
      return handled;
    }

    private boolean notFound(
        Request request, Response response, Callback callback, String message) {
      Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404, message);
      return true;
    }
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the workers router", e);
    }
  }
}
