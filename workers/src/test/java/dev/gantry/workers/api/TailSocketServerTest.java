package dev.gantry.workers.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workers.model.WorkerKey;
import dev.gantry.workers.tail.TailFilter;
import dev.gantry.workers.tail.TailSessions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The tail WebSocket as wrangler uses it, frame by frame. */
class TailSocketServerTest {
  static final WorkerKey HELLO = new WorkerKey("acct", "hello");

  static String handshake(Socket socket, String path) throws Exception {
    socket.setSoTimeout(5_000);
    socket
        .getOutputStream()
        .write(
            ("GET "
                    + path
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: trace-v1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    int c;
    while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
      head.append((char) c);
    }
    return head.toString();
  }

  /** A client frame, masked or (as wrangler sends its first message) not. */
  static byte[] frame(int opcode, byte[] payload, boolean masked) {
    byte[] mask = {1, 2, 3, 4};
    byte[] out = new byte[2 + (masked ? 4 : 0) + payload.length];
    out[0] = (byte) (0x80 | opcode);
    out[1] = (byte) ((masked ? 0x80 : 0) | payload.length);
    int at = 2;
    if (masked) {
      System.arraycopy(mask, 0, out, 2, 4);
      at = 6;
    }
    for (int i = 0; i < payload.length; i++) {
      out[at + i] = (byte) (masked ? payload[i] ^ mask[i % 4] : payload[i]);
    }
    return out;
  }

  /** Reads one server frame: opcode, then payload. */
  static Object[] read(InputStream in) throws Exception {
    int b0 = in.read();
    int length = in.read();
    if (length == 126) {
      length = (in.read() << 8) | in.read();
    }
    return new Object[] {b0 & 0x0f, new String(in.readNBytes(length), StandardCharsets.UTF_8)};
  }

  @Test
  void wranglersUnmaskedMessageIsTakenPingsAreAnsweredAndEventsArrive() throws Exception {
    TailSessions sessions = new TailSessions(Clock.systemUTC());
    var session = sessions.create(HELLO, TailFilter.all());
    try (var server = new TailSocketServer("127.0.0.1", 0, sessions).start();
        Socket socket = new Socket("127.0.0.1", server.port())) {
      String head = handshake(socket, "/tails/" + session.id());
      assertThat(head)
          .startsWith("HTTP/1.1 101")
          .contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
          .contains("Sec-WebSocket-Protocol: trace-v1");
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(frame(0x1, "{\"debug\":false}".getBytes(StandardCharsets.UTF_8), false));
      out.write(frame(0x9, "wrangler tail ping".getBytes(StandardCharsets.UTF_8), true));
      // The pong comes from the frame loop, which starts once the socket holds the session.
      assertThat(read(in)).containsExactly(0xA, "wrangler tail ping");
      sessions.publish(HELLO, "v1", "[{\"outcome\":\"ok\",\"logs\":[]}]");
      Object[] event = read(in);
      assertThat(event[0]).isEqualTo(0x1);
      assertThat((String) event[1]).contains("\"scriptName\":\"hello\"").contains("\"v1\"");

      out.write(frame(0x8, new byte[] {0x03, (byte) 0xe8}, true));
      assertThat(read(in)[0]).isEqualTo(0x8);
    }
  }

  @Test
  void anUnknownTailOrAPlainRequestIsRefused() throws Exception {
    TailSessions sessions = new TailSessions(Clock.systemUTC());
    try (var server = new TailSocketServer("127.0.0.1", 0, sessions).start()) {
      try (Socket socket = new Socket("127.0.0.1", server.port())) {
        assertThat(handshake(socket, "/tails/nope")).startsWith("HTTP/1.1 404");
      }
      try (Socket socket = new Socket("127.0.0.1", server.port())) {
        socket.setSoTimeout(5_000);
        socket
            .getOutputStream()
            .write("GET /tails/x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
            .startsWith("HTTP/1.1 400")
            .contains("WebSocket");
      }
    }
  }
}
