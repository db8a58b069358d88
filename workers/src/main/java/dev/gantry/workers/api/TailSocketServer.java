package dev.gantry.workers.api;

import dev.gantry.workers.DaemonThreads;
import dev.gantry.workers.tail.TailSessions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket server that {@code wrangler tail} reads trace events from, at {@code /tails/<id>}
 * (the session id is the only credential, as in Cloudflare's tail URLs; wrangler sends no token
 * there). Gantry's own rather than Jetty's: wrangler sends its one message, {@code {"debug": ...}},
 * unmasked, which Cloudflare accepts and an RFC 6455 server must refuse, so a strict server loses
 * every tail at once. This one takes client frames masked or not, answers pings and closes, and
 * otherwise only sends.
 */
final class TailSocketServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TailSocketServer.class);
  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  static final String PROTOCOL = "trace-v1";
  private static final int MAX_HEAD = 16 * 1024;
  private static final int MAX_CLIENT_PAYLOAD = 64 * 1024;
  private static final int MAX_CONNECTIONS = 64;

  private final ServerSocket server;
  private final TailSessions sessions;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(DaemonThreads.named("workers-tail-socket"));
  private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);

  TailSocketServer(String host, int port, TailSessions sessions) {
    this.sessions = sessions;
    try {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen for tail sockets on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  TailSocketServer start() {
    threads.execute(this::acceptLoop);
    return this;
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        if (!slots.tryAcquire()) {
          reject(socket, "503 Service Unavailable", "too many tail connections");
          continue;
        }
        threads.execute(
            () -> {
              try (socket) {
                serve(socket);
              } catch (IOException e) {
                LOG.debug("tail socket ended: {}", e.toString());
              } finally {
                slots.release();
              }
            });
      } catch (IOException e) {
        if (!server.isClosed()) {
          LOG.warn("accepting a tail socket failed: {}", e.toString());
        }
      }
    }
  }

  private void serve(Socket socket) throws IOException {
    socket.setSoTimeout(10_000); // for the handshake; then reads wait as long as the tail lasts
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    String head = readHead(in);
    if (head == null) {
      return;
    }
    String[] lines = head.split("\r\n");
    String[] start = lines[0].split(" ");
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.merge(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim(),
            (a, b) -> a + ", " + b);
      }
    }
    String path = start.length >= 2 ? start[1] : "";
    String id = path.startsWith("/tails/") ? path.substring("/tails/".length()) : "";
    String key = headers.get("sec-websocket-key");
    if (!"GET".equals(start[0])
        || key == null
        || !headers.getOrDefault("upgrade", "").toLowerCase(Locale.ROOT).contains("websocket")) {
      reject(socket, "400 Bad Request", "a tail is read over a WebSocket");
      return;
    }
    if (sessions.find(id).isEmpty()) {
      reject(socket, "404 Not Found", "no such tail; create one with POST .../tails");
      return;
    }
    boolean offered = headers.getOrDefault("sec-websocket-protocol", "").contains(PROTOCOL);
    out.write(
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: "
                + accept(key)
                + "\r\n"
                + (offered ? "Sec-WebSocket-Protocol: " + PROTOCOL + "\r\n" : "")
                + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    socket.setSoTimeout(0);
    Connection connection = new Connection(socket, out);
    threads.execute(connection::writeLoop);
    if (!sessions.attach(id, connection)) {
      connection.close("the tail has ended");
      connection.awaitWritten();
      return;
    }
    int closeCode = 1000;
    try {
      closeCode = readFrames(in, connection);
    } finally {
      sessions.detach(id, connection);
      connection.closeWith(closeCode, closeCode == 1000 ? "bye" : "a tail takes no large messages");
      connection.awaitWritten();
    }
  }

  /**
   * Reads what the client sends until it closes: pings are answered, messages are ignored.
   *
   * @return the code to close with
   */
  private static int readFrames(InputStream in, Connection connection) throws IOException {
    while (true) {
      int b0 = in.read();
      int b1 = in.read();
      if (b0 < 0 || b1 < 0) {
        return 1000;
      }
      int opcode = b0 & 0x0f;
      boolean masked = (b1 & 0x80) != 0;
      long length = b1 & 0x7f;
      if (length == 126) {
        length = ((long) readByte(in) << 8) | readByte(in);
      } else if (length == 127) {
        length = 0;
        for (int i = 0; i < 8; i++) {
          length = (length << 8) | readByte(in);
        }
      }
      if (length > MAX_CLIENT_PAYLOAD) {
        return 1009; // message too big
      }
      byte[] mask = masked ? in.readNBytes(4) : null;
      byte[] payload = in.readNBytes((int) length);
      if (payload.length < length || (masked && mask.length < 4)) {
        return 1000;
      }
      if (masked) {
        for (int i = 0; i < payload.length; i++) {
          payload[i] ^= mask[i % 4];
        }
      }
      switch (opcode) {
        case 0x8 -> {
          return 1000; // answered with a close frame as the connection ends
        }
        case 0x9 -> connection.frame(0xA, payload);
        default -> {
          // text ({"debug": ...}), binary, continuation or pong: nothing to do
        }
      }
    }
  }

  private static int readByte(InputStream in) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new IOException("the tail socket ended inside a frame header");
    }
    return b;
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0 || head.size() >= MAX_HEAD) {
        return null;
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static void reject(Socket socket, String status, String message) throws IOException {
    try (socket) {
      byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("HTTP/1.1 "
                  + status
                  + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                  + body.length
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
    }
  }

  static String accept(String key) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-1")
                  .digest((key.trim() + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every Java", e);
    }
  }

  /**
   * One tail client. Frames go out through a queue that a thread of the connection's own writes
   * from, so a client that stops reading holds up only itself: past {@link #QUEUE} frames behind,
   * it is closed as too slow.
   */
  private static final class Connection implements TailSessions.Socket {
    static final int QUEUE = 1000;
    private static final byte[] END = new byte[0];

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<byte[]> frames = new ArrayBlockingQueue<>(QUEUE);
    private final CountDownLatch written = new CountDownLatch(1);

    Connection(Socket socket, OutputStream out) {
      this.socket = socket;
      this.out = out;
    }

    /** Writes queued frames until the end marker or a failed write. */
    void writeLoop() {
      try {
        for (byte[] f; (f = frames.take()) != END; ) {
          out.write(f);
          out.flush();
        }
      } catch (IOException e) {
        LOG.debug("tail socket write failed: {}", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeQuietly();
        written.countDown();
      }
    }

    /** Waits (a little) for the queued frames, the close frame last, to be written. */
    void awaitWritten() {
      try {
        if (!written.await(5, TimeUnit.SECONDS)) {
          closeQuietly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void send(String text) {
      frame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close(String reason) {
      closeWith(1000, reason);
    }

    /** Sends a close frame, then ends the connection once it is written. */
    void closeWith(int code, String reason) {
      byte[] text = reason.getBytes(StandardCharsets.UTF_8);
      byte[] payload = new byte[2 + Math.min(text.length, 120)];
      payload[0] = (byte) (code >> 8);
      payload[1] = (byte) code;
      System.arraycopy(text, 0, payload, 2, payload.length - 2);
      frame(0x8, payload);
      if (!frames.offer(END)) {
        closeQuietly();
      }
    }

    /** Queues a final, unmasked frame, as a server sends it. */
    void frame(int opcode, byte[] payload) {
      ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 10);
      frame.write(0x80 | opcode);
      if (payload.length < 126) {
        frame.write(payload.length);
      } else if (payload.length <= 0xffff) {
        frame.write(126);
        frame.write(payload.length >> 8);
        frame.write(payload.length);
      } else {
        frame.write(127);
        for (int shift = 56; shift >= 0; shift -= 8) {
          frame.write((int) ((long) payload.length >> shift));
        }
      }
      frame.writeBytes(payload);
      if (!frames.offer(frame.toByteArray())) {
        LOG.info("a tail client fell {} events behind; closing it", QUEUE);
        closeQuietly();
      }
    }

    private void closeQuietly() {
      try {
        socket.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      LOG.debug("closing the tail socket server: {}", e.toString());
    }
    threads.shutdownNow();
  }
}
