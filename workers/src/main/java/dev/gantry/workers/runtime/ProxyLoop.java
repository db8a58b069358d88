package dev.gantry.workers.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's engine: an HTTP/1.1 reverse proxy on one selector thread that reads only each
 * message's head (to route the request and to find where each body ends) and forwards the bytes as
 * they are, adding the client's address to requests. Backend connections are kept alive and reused
 * per workerd socket. A request is counted on its route's process from its head until the last byte
 * of its response, so a retired process drains before it stops. A 101 answer (a WebSocket) turns
 * the connection into a tunnel that carries bytes both ways until a side closes.
 */
final class ProxyLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyLoop.class);
  private static final int BUFFER = 2 * HttpHead.MAX;

  /**
   * A connection with nothing in flight is closed after this long; one mid-request after IDLE_BUSY.
   */
  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);

  private static final long IDLE_BUSY_NANOS = TimeUnit.MINUTES.toNanos(5);

  /** Finds the route for a request head; null when there is none (the client gets the message). */
  interface Routes {
    Route route(HttpHead request, boolean binding);

    String notFound(HttpHead request, boolean binding);

    /** What a client that sent no Host header is told. */
    String noHost();
  }

  private final Selector selector;
  private final ServerSocketChannel publicServer;
  private final ServerSocketChannel bindingServer;
  private final Routes routes;

  /** Idle keep-alive connections per workerd port; their keys carry the port while idle. */
  private final Map<Integer, ArrayDeque<SelectionKey>> idle = new HashMap<>();

  private final java.util.Set<Exchange> open = new java.util.HashSet<>();
  private final Thread thread;
  private volatile boolean running = true;
  private long lastSweep = System.nanoTime();

  ProxyLoop(String host, int port, Routes routes) throws IOException {
    this.routes = routes;
    this.selector = Selector.open();
    this.publicServer = listen(new InetSocketAddress(host, port), false);
    this.bindingServer = listen(new InetSocketAddress("127.0.0.1", 0), true);
    this.thread = new Thread(this::run, "workers-router");
    thread.setDaemon(true);
  }

  private ServerSocketChannel listen(InetSocketAddress address, boolean binding)
      throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(address, 1024);
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT, binding);
    return server;
  }

  ProxyLoop start() {
    thread.start();
    return this;
  }

  int port() {
    return publicServer.socket().getLocalPort();
  }

  int bindingPort() {
    return bindingServer.socket().getLocalPort();
  }

  private void run() {
    try {
      while (running) {
        selector.select(1000);
        sweep();
        var keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          if (!key.isValid()) {
            continue;
          }
          Object attachment = key.attachment();
          if (attachment instanceof Boolean binding) {
            accept((ServerSocketChannel) key.channel(), binding);
          } else if (attachment instanceof Exchange exchange) {
            exchange.ready(key);
          } else if (attachment instanceof Integer port && key.isReadable()) {
            // An idle backend became readable: it closed (its workerd stopped), or spoke out of
            // turn.
            SocketChannel channel = (SocketChannel) key.channel();
            int n;
            try {
              n = channel.read(ByteBuffer.allocate(1));
            } catch (IOException e) {
              n = -1;
            }
            if (n != 0) {
              ArrayDeque<SelectionKey> pool = idle.get(port);
              if (pool != null) {
                pool.remove(key);
              }
              closeQuietly(channel);
            }
          }
        }
      }
    } catch (ClosedSelectorException e) {
      // closed
    } catch (IOException | RuntimeException e) {
      if (running) {
        LOG.error("the workers router stopped", e);
      }
    }
  }

  private void accept(ServerSocketChannel server, boolean binding) throws IOException {
    SocketChannel client;
    while ((client = server.accept()) != null) {
      client.configureBlocking(false);
      client.socket().setTcpNoDelay(true);
      Exchange exchange = new Exchange(client, binding);
      exchange.clientKey = client.register(selector, SelectionKey.OP_READ, exchange);
      open.add(exchange);
    }
  }

  /** Closes connections that went quiet: a client that opens and never sends holds nothing. */
  private void sweep() {
    long now = System.nanoTime();
    if (now - lastSweep < TimeUnit.SECONDS.toNanos(1)) {
      return;
    }
    lastSweep = now;
    for (Exchange e : java.util.List.copyOf(open)) {
      long quiet = now - e.lastActivity;
      if (quiet > (e.request == null ? IDLE_NANOS : IDLE_BUSY_NANOS)) {
        e.close();
      }
    }
  }

  private SelectionKey pooled(int port) {
    ArrayDeque<SelectionKey> pool = idle.get(port);
    while (pool != null && !pool.isEmpty()) {
      SelectionKey key = pool.pollLast();
      if (key.isValid() && key.channel().isOpen()) {
        return key;
      }
    }
    return null;
  }

  /** Keeps a backend connection for the next request to the same port. */
  private void release(int port, SelectionKey key) {
    key.attach(port);
    key.interestOps(SelectionKey.OP_READ);
    idle.computeIfAbsent(port, p -> new ArrayDeque<>()).addLast(key);
  }

  /** One client connection and the backend its current request goes to. */
  private final class Exchange {
    final SocketChannel client;
    final boolean binding;
    SelectionKey clientKey;
    final String clientAddress;

    /** What the router adds to each request head; nothing on the service-binding socket. */
    final byte[] addedHeaders;

    /** From the client, for the backend. */
    final ByteWindow up = new ByteWindow(BUFFER);

    ByteBuffer headOut;
    HttpHead request;
    BodyFraming requestBody;
    boolean clientEof;

    SocketChannel backend;
    SelectionKey backendKey;
    int backendPort;
    boolean connecting;

    /** From the backend, for the client. */
    final ByteWindow down = new ByteWindow(BUFFER);

    HttpHead response;
    BodyFraming responseBody;
    boolean backendEof;
    boolean anyResponseByte;

    Route route;
    ByteBuffer answer;
    boolean closeAfterAnswer;
    long lastActivity = System.nanoTime();
    ByteBuffer sentHead;
    boolean retried;

    /** After a 101 answer: no more HTTP on this connection, only bytes both ways. */
    boolean tunnel;

    /** The client's end of a tunnel has been passed on to the backend. */
    boolean backendShut;

    boolean clientReadable;
    boolean backendReadable;
    int clientOps = SelectionKey.OP_READ;
    int backendOps = -1;

    Exchange(SocketChannel client, boolean binding) throws IOException {
      this.client = client;
      this.binding = binding;
      var remote = (InetSocketAddress) client.getRemoteAddress();
      this.clientAddress = remote.getAddress().getHostAddress();
      // A binding call comes from workerd with the original caller's headers: passed unchanged.
      this.addedHeaders = binding ? new byte[0] : ClientAddressHeaders.bytes(clientAddress);
    }

    void ready(SelectionKey key) {
      lastActivity = System.nanoTime();
      try {
        if (key == backendKey && key.isValid() && key.isConnectable()) {
          try {
            backend.finishConnect();
          } catch (IOException e) {
            backendGone();
            return;
          }
          connecting = false;
        }
        if (key.isValid() && key.isReadable()) {
          if (key == clientKey) {
            clientReadable = true;
          } else {
            backendReadable = true;
          }
        }
        pump();
      } catch (IOException | HttpHead.Malformed | RuntimeException e) {
        fail(e);
      }
    }

    /** Moves bytes and state as far as they go, then says what to wait for. */
    void pump() throws IOException, HttpHead.Malformed {
      boolean progress = true;
      while (progress) {
        progress = false;
        if (answer != null) {
          client.write(answer);
          if (answer.hasRemaining()) {
            break;
          }
          answer = null;
          if (closeAfterAnswer) {
            close();
            return;
          }
        }
        // Bytes from the client.
        // Read only what the selector said is there: a read that finds nothing is a wasted call.
        if (clientReadable && !clientEof && up.hasRoom()) {
          clientReadable = false;
          int n = up.readFrom(client);
          if (n < 0) {
            clientEof = true;
          } else if (n > 0) {
            progress = true;
          }
        }
        // A new request's head: route it.
        if (request == null && !up.drained()) {
          HttpHead head = HttpHead.parse(up.bytes, up.start, up.end, true);
          if (head == null) {
            if (clientEof) {
              close();
              return;
            }
          } else if (!begin(head)) {
            break;
          } else {
            progress = true;
          }
        }
        if (request == null && clientEof && up.drained()) {
          close();
          return;
        }
        // The request's body bytes, as far as they have come.
        if (request != null && !requestBody.done() && up.hasUnframed()) {
          up.frame(requestBody);
        }
        if (backend != null && !connecting) {
          if (headOut != null) {
            backend.write(headOut);
            if (!headOut.hasRemaining()) {
              headOut = null;
              progress = true;
            }
          }
          if (headOut == null && up.hasFramedUnsent()) {
            progress |= up.writeFramedTo(backend) > 0;
          }
          if (tunnel && clientEof && up.drained() && !backendShut) {
            // The client is done sending: so is the tunnel towards the worker, which may still
            // answer.
            backend.shutdownOutput();
            backendShut = true;
          }
          // Bytes from the backend.
          if (backendReadable && !backendEof && down.hasRoom()) {
            backendReadable = false;
            int n = down.readFrom(backend);
            if (n < 0) {
              backendEof = true;
              progress = true;
            } else if (n > 0) {
              progress = true;
            }
          }
        }
        if (request != null && response == null && down.hasUnframed()) {
          HttpHead head = HttpHead.parse(down.bytes, down.scan, down.end, false);
          if (head != null) {
            down.frame(head.length); // the response head goes out as it came
            if (head.status == 101) {
              // Switching protocols (a WebSocket): from here the connection is a tunnel, bytes
              // both ways as they come, until a side closes.
              response = head;
              responseBody = BodyFraming.untilClose();
              requestBody = BodyFraming.untilClose();
              tunnel = true;
              progress = true;
            } else if (head.status >= 100 && head.status < 200) {
              progress = true; // an interim answer (100 Continue): forwarded, the real one follows
            } else {
              response = head;
              responseBody = head.body(request);
            }
          }
        }
        if (response != null && !responseBody.done() && down.hasUnframed()) {
          down.frame(responseBody);
        }
        if (down.hasFramedUnsent()) {
          int n = down.writeFramedTo(client);
          anyResponseByte |= n > 0;
          progress |= n > 0;
        }
        if (backendEof && request == null && backend != null) {
          dropBackend(); // the kept connection closed while idle; the next request opens another
          backendEof = false;
        }
        if (backendEof && request != null) {
          if (response != null && responseBody.endsWithConnection() && down.drained()) {
            finish(true);
            close();
            return;
          }
          if (response == null || !responseBody.done()) {
            backendGone();
            return;
          }
        }
        if (response != null && responseBody.done() && !down.hasFramedUnsent()) {
          finish(response.close || down.hasUnframed() || backendEof);
          progress = true;
          if (request == null && closeAfterAnswer) {
            close();
            return;
          }
        }
        up.compact();
        down.compact();
      }
      interest();
    }

    /** Routes a request head; false when the client was answered here instead. */
    private boolean begin(HttpHead head) throws IOException, HttpHead.Malformed {
      if (!binding && (head.host == null || head.host.isEmpty())) {
        // RFC 9112 3.2: an HTTP/1.1 request without Host is a bad request; and whatever its
        // version, the host name is what names the worker.
        answer(400, "Bad Request", routes.noHost());
        return false;
      }
      Route found = routes.route(head, binding);
      if (found == null) {
        answer(404, "Not Found", routes.notFound(head, binding));
        return false;
      }
      int port = found.split().pick(ThreadLocalRandom.current().nextDouble(100));
      route = found;
      route.process().enter();
      if (backend != null && backendPort != port) {
        dropBackend();
      }
      if (backend == null) {
        backendPort = port;
        backendOps = -1;
        backendReadable = false;
        backendKey = pooled(port);
        if (backendKey != null) {
          backend = (SocketChannel) backendKey.channel();
          backendKey.attach(this);
        } else {
          try {
            connect(port);
          } catch (IOException e) {
            request = head;
            up.skip(head.length);
            backendGone();
            return false;
          }
        }
      }
      request = head;
      requestBody = head.body(null);
      headOut = rewrite(head);
      sentHead = headOut.duplicate();
      retried = false;
      up.skip(head.length);
      response = null;
      backendEof = false;
      anyResponseByte = false;
      closeAfterAnswer = head.close;
      return true;
    }

    private void connect(int port) throws IOException {
      backendPort = port;
      backendOps = -1;
      backendReadable = false;
      backend = SocketChannel.open();
      backend.configureBlocking(false);
      backend.socket().setTcpNoDelay(true);
      connecting = !backend.connect(new InetSocketAddress("127.0.0.1", port));
      backendKey =
          backend.register(
              selector, connecting ? SelectionKey.OP_CONNECT : SelectionKey.OP_READ, this);
    }

    /**
     * The head with the client's address, as Cloudflare gives it to a worker: the client's own
     * {@code CF-Connecting-IP} lines left out, the router's lines added before the blank line.
     */
    private ByteBuffer rewrite(HttpHead head) {
      int[] dropped = binding ? HttpHead.NONE : head.connectingIpLines;
      int droppedLength = 0;
      for (int i = 0; i < dropped.length; i += 2) {
        droppedLength += dropped[i + 1] - dropped[i];
      }
      ByteBuffer out = ByteBuffer.allocate(head.length - droppedLength + addedHeaders.length);
      int from = up.start;
      for (int i = 0; i < dropped.length; i += 2) {
        out.put(up.bytes, from, up.start + dropped[i] - from);
        from = up.start + dropped[i + 1];
      }
      out.put(up.bytes, from, up.start + head.length - 2 - from)
          .put(addedHeaders)
          .put((byte) '\r')
          .put((byte) '\n')
          .flip();
      return out;
    }

    /** The response is complete: the backend goes back to the pool unless it must close. */
    private void finish(boolean closeBackend) throws IOException {
      route.process().leave();
      route = null;
      if (!requestBody.done() || up.hasFramedUnsent()) {
        // Answered before its body was all sent: what follows cannot be told from that body.
        closeAfterAnswer = true;
      }
      request = null;
      response = null;
      if (closeBackend) {
        dropBackend();
      }
      // Otherwise the backend connection stays with this client for its next request to the same
      // socket, as a client talking to workerd directly would keep its own; it goes back to the
      // pool when the client leaves.
      down.clear();
    }

    private void backendGone() throws IOException, HttpHead.Malformed {
      // A kept-alive connection that workerd closed just as a request went out: a request without
      // a body that got no answer is sent once more on a new connection.
      if (!retried
          && !anyResponseByte
          && request != null
          && requestBody.done()
          && request.contentLength <= 0
          && !request.chunked) {
        retried = true;
        int port = backendPort;
        dropBackend();
        try {
          connect(port);
          headOut = sentHead.duplicate();
          backendEof = false;
          pump();
          return;
        } catch (IOException e) {
          // fall through to the 502
        }
      }
      route.process().leave();
      route = null;
      request = null;
      dropBackend();
      if (!anyResponseByte) {
        answer(502, "Bad Gateway", "the worker's runtime closed the connection; try again");
      } else {
        close();
      }
    }

    private void answer(int status, String reason, String message) throws IOException {
      byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
      answer =
          ByteBuffer.wrap(
              ("HTTP/1.1 "
                      + status
                      + " "
                      + reason
                      + "\r\nContent-Type: text/plain; charset=utf-8"
                      + "\r\nContent-Length: "
                      + body.length
                      + "\r\nConnection: close\r\n\r\n"
                      + new String(body, StandardCharsets.UTF_8))
                  .getBytes(StandardCharsets.UTF_8));
      closeAfterAnswer = true;
      client.write(answer);
      if (!answer.hasRemaining()) {
        close();
      } else {
        clientKey.interestOps(SelectionKey.OP_WRITE);
      }
    }

    private void interest() {
      if (!client.isOpen()) {
        return;
      }
      int ops = 0;
      if (!clientEof && up.hasRoom()) {
        ops |= SelectionKey.OP_READ;
      }
      if (answer != null || down.hasFramedUnsent()) {
        ops |= SelectionKey.OP_WRITE;
      }
      if (ops != clientOps) {
        clientKey.interestOps(ops);
        clientOps = ops;
      }
      if (backend != null && backendKey != null && backendKey.isValid()) {
        int b = 0;
        if (connecting) {
          b = SelectionKey.OP_CONNECT;
        } else {
          if (headOut != null || up.hasFramedUnsent()) {
            b |= SelectionKey.OP_WRITE;
          }
          if (!backendEof && down.hasRoom()) {
            b |= SelectionKey.OP_READ;
          }
        }
        if (b != backendOps) {
          backendKey.interestOps(b);
          backendOps = b;
        }
      }
    }

    private void dropBackend() {
      if (backend != null) {
        closeQuietly(backend);
        backend = null;
        backendKey = null;
        connecting = false;
      }
    }

    void fail(Exception e) {
      LOG.debug("router connection from {} failed: {}", clientAddress, e.toString());
      if (e instanceof HttpHead.Malformed && request == null && answer == null) {
        try {
          answer(400, "Bad Request", e.getMessage());
          return;
        } catch (IOException ignored) {
          // fall through to closing
        }
      }
      close();
    }

    void close() {
      open.remove(this);
      if (route != null) {
        route.process().leave();
        route = null;
      }
      if (backend != null
          && request == null
          && !backendEof
          && !connecting
          && backendKey.isValid()) {
        release(backendPort, backendKey);
        backend = null;
        backendKey = null;
      } else {
        dropBackend();
      }
      closeQuietly(client);
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      selector.close();
      publicServer.close();
      bindingServer.close();
    } catch (IOException e) {
      LOG.debug("closing the router: {}", e.toString());
    }
    thread.interrupt();
  }
}
