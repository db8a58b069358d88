package dev.gantry.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The time of every request, as sent, on a few keep-alive connections that each send the next GET
 * when the last answer is in. Unlike wrk's figures, nothing is added for requests that were not
 * sent while a connection waited (wrk's correction for coordinated omission), so a pause in the
 * worker shows as the few requests it held, and what a path adds to each request stays visible.
 * Expects answers with a {@code Content-Length}, as workerd gives for a fixed body.
 */
final class RequestTimes {
  /** Latencies above this are counted one by one; below it, in microsecond buckets. */
  static final long SLOW_MICROS = 10_000;

  record Result(
      long requests, double seconds, long[] micros, List<Long> slow, int pauses, long maxMicros) {
    double rps() {
      return requests / seconds;
    }

    double percentileMillis(double p) {
      long rank = (long) Math.ceil(p / 100 * requests);
      long seen = 0;
      for (int i = 0; i < micros.length; i++) {
        seen += micros[i];
        if (seen >= rank) {
          return i / 1000.0;
        }
      }
      List<Long> sorted = slow.stream().sorted().toList();
      int index = (int) Math.min(sorted.size() - 1, Math.max(0, rank - seen - 1));
      return sorted.isEmpty() ? Double.NaN : sorted.get(index) / 1000.0;
    }
  }

  private RequestTimes() {}

  static Result measure(int port, String head, int connections, int seconds) throws IOException {
    byte[] request = head.getBytes(StandardCharsets.ISO_8859_1);
    long[] micros = new long[(int) SLOW_MICROS];
    List<Long> slow = new ArrayList<>();
    List<Long> slowAt = new ArrayList<>();
    long requests = 0;
    long max = 0;
    try (Selector selector = Selector.open()) {
      List<Connection> all = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        channel.socket().setTcpNoDelay(true);
        channel.configureBlocking(false);
        Connection c = new Connection(channel);
        channel.register(selector, SelectionKey.OP_READ, c);
        all.add(c);
      }
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      for (Connection c : all) {
        c.send(request);
      }
      while (System.nanoTime() < end) {
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          Connection c = (Connection) key.attachment();
          if (c.read()) {
            long now = System.nanoTime();
            long took = (now - c.sentAt) / 1000;
            requests++;
            max = Math.max(max, took);
            if (took < SLOW_MICROS) {
              micros[(int) took]++;
            } else {
              slow.add(took);
              slowAt.add(now);
            }
            c.send(request);
          }
        }
        selector.selectedKeys().clear();
      }
      for (Connection c : all) {
        c.channel.close();
      }
      return new Result(
          requests, (System.nanoTime() - start) / 1e9, micros, slow, pauses(slowAt), max);
    }
  }

  /** Slow answers within 5 ms of each other belong to one pause (all connections held at once). */
  private static int pauses(List<Long> slowAt) {
    int pauses = 0;
    long last = Long.MIN_VALUE;
    for (long at : slowAt) {
      if (at - last > 5_000_000L) {
        pauses++;
      }
      last = at;
    }
    return pauses;
  }

  /** One keep-alive connection with one request in flight. */
  private static final class Connection {
    final SocketChannel channel;
    final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    long sentAt;

    Connection(SocketChannel channel) {
      this.channel = channel;
    }

    void send(byte[] request) throws IOException {
      sentAt = System.nanoTime();
      ByteBuffer out = ByteBuffer.wrap(request);
      while (out.hasRemaining()) {
        channel.write(out);
      }
    }

    /** Reads what is there; true once a whole response is in (and consumed). */
    boolean read() throws IOException {
      if (channel.read(in) < 0) {
        throw new IOException("the server closed a keep-alive connection");
      }
      int length = in.position();
      byte[] b = in.array();
      int headEnd = -1;
      for (int i = 0; i + 3 < length; i++) {
        if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
          headEnd = i + 4;
          break;
        }
      }
      if (headEnd < 0) {
        return false;
      }
      String head = new String(b, 0, headEnd, StandardCharsets.ISO_8859_1).toLowerCase();
      int at = head.indexOf("\r\ncontent-length:");
      if (at < 0) {
        throw new IOException("a response without Content-Length: " + head);
      }
      int valueEnd = head.indexOf('\r', at + 2);
      int body = Integer.parseInt(head.substring(at + 17, valueEnd).trim());
      if (length < headEnd + body) {
        return false;
      }
      in.flip().position(headEnd + body);
      in.compact();
      return true;
    }
  }
}
