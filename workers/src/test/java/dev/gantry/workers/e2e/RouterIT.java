package dev.gantry.workers.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workers.upload.Multipart;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP through the router to a real workerd: bodies, streams, keep-alive, pipelining, errors. */
class RouterIT {
  static final String WORKER =
      """
      export default {
        async fetch(request) {
          const url = new URL(request.url);
          if (url.pathname === "/echo") return new Response(await request.arrayBuffer());
          if (url.pathname === "/big") return new Response("x".repeat(1 << 20));
          if (url.pathname === "/ws") {
            const [client, server] = Object.values(new WebSocketPair());
            server.accept();
            server.addEventListener("message", (event) => server.send(`echo ${event.data}`));
            server.addEventListener("close", (event) => server.close(event.code, "bye"));
            return new Response(null, { status: 101, webSocket: client });
          }
          if (url.pathname === "/stream") {
            const { readable, writable } = new TransformStream();
            const writer = writable.getWriter();
            (async () => {
              for (let i = 0; i < 100; i++) await writer.write(new TextEncoder().encode(`chunk${i}\\n`));
              await writer.close();
            })();
            return new Response(readable);
          }
          return new Response(`ok ${request.method} ${url.pathname}`);
        },
      };
      """;

  @TempDir static Path temp;
  static WorkersHarness workers;
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    workers = new WorkersHarness(temp.resolve("data"), null);
    Api api = new Api(workers.apiBase(), WorkersHarness.ACCOUNT, workers.token);
    var put =
        api.send(
            "PUT",
            "/accounts/{account}/workers/scripts/echo",
            Multipart.CONTENT_TYPE,
            new Multipart()
                .metadata("{\"main_module\":\"index.js\",\"compatibility_date\":\"2024-09-23\"}")
                .file("index.js", "application/javascript+module", WORKER)
                .build());
    assertThat(put.status()).isEqualTo(200);
    api.json("POST", "/accounts/{account}/workers/scripts/echo/subdomain", "{\"enabled\":true}");
  }

  @AfterAll
  static void stop() {
    workers.close();
  }

  static HttpRequest.Builder to(String path) {
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + workers.server.routerPort() + path))
        .header("Host", "echo." + WorkersHarness.SUBDOMAIN + "." + workers.server.domain());
  }

  @Test
  void largeRequestBodiesArriveWholeWithALengthOrChunked() throws Exception {
    byte[] body = new byte[300 * 1024];
    new Random(7).nextBytes(body);
    var sized =
        HTTP.send(
            to("/echo").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(sized.body()).isEqualTo(body);
    // An input stream of unknown length goes out chunked.
    var chunked =
        HTTP.send(
            to("/echo")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(chunked.body()).isEqualTo(body);
  }

  @Test
  void largeAndStreamedResponsesArriveWhole() throws Exception {
    assertThat(HTTP.send(to("/big").build(), HttpResponse.BodyHandlers.ofString()).body())
        .hasSize(1 << 20);
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      expected.append("chunk").append(i).append('\n');
    }
    assertThat(HTTP.send(to("/stream").build(), HttpResponse.BodyHandlers.ofString()).body())
        .isEqualTo(expected.toString());
    var head =
        HTTP.send(
            to("/").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void pipelinedRequestsOnOneConnectionAreAnsweredInOrder() throws Exception {
    String host = "echo." + WorkersHarness.SUBDOMAIN + "." + workers.server.domain();
    try (Socket socket = new Socket("127.0.0.1", workers.server.routerPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /first HTTP/1.1\r\nHost: "
                  + host
                  + "\r\n\r\n"
                  + "POST /echo HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nContent-Length: 4\r\n\r\nping"
                  + "GET /third HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String all = new String(readAll(socket.getInputStream()), StandardCharsets.US_ASCII);
      assertThat(all.indexOf("ok GET /first")).isPositive();
      assertThat(all.indexOf("ping")).isGreaterThan(all.indexOf("ok GET /first"));
      assertThat(all.indexOf("ok GET /third")).isGreaterThan(all.indexOf("ping"));
    }
  }

  @Test
  void unknownHostsAndMalformedRequestsGetAClearAnswer() throws Exception {
    var unknown =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + workers.server.routerPort() + "/"))
                .header("Host", "nobody.acme.workers.localhost")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("no worker is deployed at nobody.acme.workers.localhost");
    try (Socket socket = new Socket("127.0.0.1", workers.server.routerPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("NONSENSE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = new String(readAll(socket.getInputStream()), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 400");
    }
  }

  @Test
  void aRequestWithoutAHostHeaderIsABadRequestThatSaysTheHostIsMissing() throws Exception {
    for (String request :
        new String[] {"GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nHost:\r\n\r\n"}) {
      try (Socket socket = new Socket("127.0.0.1", workers.server.routerPort())) {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        String answer = new String(readAll(socket.getInputStream()), StandardCharsets.US_ASCII);
        assertThat(answer)
            .as(request)
            .startsWith("HTTP/1.1 400 Bad Request")
            .contains("the request has no Host header")
            .doesNotContain("null");
      }
    }
  }

  @Test
  void manySequentialRequestsOnOneClientConnectionAreAllAnsweredOnIt() throws Exception {
    String host = "echo." + WorkersHarness.SUBDOMAIN + "." + workers.server.domain();
    try (Socket socket = new Socket("127.0.0.1", workers.server.routerPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
      for (int i = 0; i < 200; i++) {
        out.write(
            ("GET /n" + i + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // every answer arrives on this one socket: the router kept it open between requests
        assertThat(readResponseBody(in)).isEqualTo("ok GET /n" + i);
      }
    }
  }

  /** One HTTP/1.1 response's body from {@code in}, framed by Content-Length or chunked. */
  static String readResponseBody(InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      assertThat(c).as("the connection stayed open; head so far: " + head).isNotNegative();
      head.append((char) c);
    }
    assertThat(head.toString()).startsWith("HTTP/1.1 200");
    String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
    java.util.regex.Matcher length =
        java.util.regex.Pattern.compile("content-length: *(\\d+)").matcher(lower);
    if (length.find()) {
      return new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
    }
    assertThat(lower).contains("transfer-encoding: chunked");
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      int n = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
      if (n == 0) {
        line(in); // the empty line after the last chunk (no trailers)
        return body.toString(StandardCharsets.UTF_8);
      }
      body.writeBytes(in.readNBytes(n));
      line(in);
    }
  }

  private static String line(InputStream in) throws java.io.IOException {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      assertThat(c).isNotNegative();
      b.append((char) c);
    }
    return b.toString().strip();
  }

  @Test
  void aWebSocketThroughTheRouterEchoesMessagesAndClosesCleanly() throws Exception {
    String host = "echo." + WorkersHarness.SUBDOMAIN + "." + workers.server.domain();
    try (Socket socket = new Socket("127.0.0.1", workers.server.routerPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      // The handshake of RFC 6455 section 1.3, with its sample key and the answer it gives.
      out.write(
          ("GET /ws HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) in.read());
      }
      assertThat(head.toString())
          .startsWith("HTTP/1.1 101")
          .containsIgnoringCase("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
      for (String message : new String[] {"one", "two"}) {
        out.write(clientFrame(0x1, message.getBytes(StandardCharsets.UTF_8)));
        byte[] frame = serverFrame(in);
        assertThat(frame[0] & 0x0f).isEqualTo(0x1);
        assertThat(new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8))
            .isEqualTo("echo " + message);
      }
      out.write(clientFrame(0x8, new byte[] {0x03, (byte) 0xe8})); // close, 1000
      byte[] close = serverFrame(in);
      assertThat(close[0] & 0x0f).isEqualTo(0x8);
      assertThat(((close[1] & 0xff) << 8) | (close[2] & 0xff)).isEqualTo(1000);
    }
  }

  /** A final, masked frame as a client sends it (payloads under 126 bytes). */
  static byte[] clientFrame(int opcode, byte[] payload) {
    byte[] mask = {0x12, 0x34, 0x56, 0x78};
    byte[] frame = new byte[6 + payload.length];
    frame[0] = (byte) (0x80 | opcode);
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return frame;
  }

  /** Reads one unmasked server frame: its first byte, then its payload. */
  static byte[] serverFrame(InputStream in) throws Exception {
    int first = in.read();
    int length = in.read() & 0x7f;
    if (length == 126) {
      length = (in.read() << 8) | in.read();
    }
    byte[] frame = new byte[1 + length];
    frame[0] = (byte) first;
    int read = 0;
    while (read < length) {
      int n = in.read(frame, 1 + read, length - read);
      if (n < 0) {
        throw new java.io.EOFException("the connection ended inside a frame");
      }
      read += n;
    }
    return frame;
  }

  static byte[] readAll(InputStream in) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    var out = new java.io.ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    while (System.nanoTime() < deadline && (n = in.read(buffer)) >= 0) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
