package dev.gantry.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy engine against plain socket backends, for what workerd seldom does. */
class ProxyLoopTest {
  @TempDir Path temp;

  ProxyLoop loop(int backendPort) throws Exception {
    WorkerdProcess process =
        new WorkerdProcess(Path.of("workerd"), temp, "config.capnp", "test/worker", List.of(), 0);
    Route route =
        new Route(
            new TrafficSplit<>(List.of(new TrafficSplit.Share<>(backendPort, 100.0))), process);
    return new ProxyLoop(
            "127.0.0.1",
            0,
            new ProxyLoop.Routes() {
              @Override
              public Route route(HttpHead request, boolean binding) {
                return route;
              }

              @Override
              public String notFound(HttpHead request, boolean binding) {
                return "none";
              }

              @Override
              public String noHost() {
                return "no host";
              }
            })
        .start();
  }

  /** Reads one request head from a backend connection. */
  static void readHead(BufferedReader in) throws Exception {
    String line;
    while ((line = in.readLine()) != null && !line.isEmpty()) {
      // headers
    }
  }

  static String exchange(int port, String requests) throws Exception {
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(10_000);
      client.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
      return new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void aBackendThatClosesItsKeptConnectionDoesNotFailTheNextRequest() throws Exception {
    try (ServerSocket backend = new ServerSocket(0)) {
      java.util.concurrent.CountDownLatch firstClosed = new java.util.concurrent.CountDownLatch(1);
      CompletableFuture<Void> served =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (String body : new String[] {"first", "second"}) {
                    try (Socket s = backend.accept()) {
                      readHead(new BufferedReader(new InputStreamReader(s.getInputStream())));
                      OutputStream out = s.getOutputStream();
                      out.write(
                          ("HTTP/1.1 200 OK\r\nContent-Length: "
                                  + body.length()
                                  + "\r\n\r\n"
                                  + body)
                              .getBytes(StandardCharsets.US_ASCII));
                      out.flush();
                    } // closed right after answering, though the response said keep-alive
                    firstClosed.countDown();
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      try (ProxyLoop loop = loop(backend.getLocalPort())) {
        try (Socket client = new Socket("127.0.0.1", loop.port())) {
          client.setSoTimeout(10_000);
          var out = client.getOutputStream();
          var in = new BufferedReader(new InputStreamReader(client.getInputStream()));
          out.write(
              "GET /1 HTTP/1.1\r\nHost: w.a.workers.localhost\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
          assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
          readHead(in);
          char[] first = new char[5];
          in.read(first);
          assertThat(new String(first)).isEqualTo("first");
          // The backend has closed the connection the router kept.
          assertThat(firstClosed.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
          out.write(
              "GET /2 HTTP/1.1\r\nHost: w.a.workers.localhost\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
          assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
          readHead(in);
          char[] second = new char[6];
          in.read(second);
          assertThat(new String(second)).isEqualTo("second");
        }
      }
      served.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBackendThatIsNotThereGivesA502ThatSaysSo() throws Exception {
    int unused;
    try (ServerSocket s = new ServerSocket(0)) {
      unused = s.getLocalPort();
    }
    try (ProxyLoop loop = loop(unused)) {
      String answer =
          exchange(loop.port(), "GET / HTTP/1.1\r\nHost: w.a.workers.localhost\r\n\r\n");
      assertThat(answer).startsWith("HTTP/1.1 502 Bad Gateway").contains("the worker's runtime");
    }
  }

  @Test
  void aClientCannotSetItsOwnConnectingIpAndItsForwardedForIsKeptFirst() throws Exception {
    try (ServerSocket backend = new ServerSocket(0)) {
      CompletableFuture<List<String>> seen =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket s = backend.accept()) {
                  var in = new BufferedReader(new InputStreamReader(s.getInputStream()));
                  List<String> lines = new java.util.ArrayList<>();
                  String line;
                  while ((line = in.readLine()) != null && !line.isEmpty()) {
                    lines.add(line);
                  }
                  s.getOutputStream()
                      .write(
                          "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
                              .getBytes(StandardCharsets.US_ASCII));
                  return lines;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      try (ProxyLoop loop = loop(backend.getLocalPort())) {
        String answer =
            exchange(
                loop.port(),
                "GET / HTTP/1.1\r\ncf-connecting-ip: 203.0.113.9\r\nHost: w.a.workers.localhost\r\n"
                    + "X-Forwarded-For: 198.51.100.1\r\nCF-CONNECTING-IP:203.0.113.10\r\n"
                    + "Connection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 204");
      }
      assertThat(seen.get(10, TimeUnit.SECONDS))
          .containsExactly(
              "GET / HTTP/1.1",
              "Host: w.a.workers.localhost",
              "X-Forwarded-For: 198.51.100.1",
              "Connection: close",
              "CF-Connecting-IP: 127.0.0.1",
              "X-Forwarded-For: 127.0.0.1");
    }
  }

  @Test
  void after101TheConnectionCarriesBytesBothWaysAndTheClientsCloseReachesTheBackend()
      throws Exception {
    try (ServerSocket backend = new ServerSocket(0)) {
      CompletableFuture<String> backendRead =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket s = backend.accept()) {
                  var in = s.getInputStream();
                  var head = new StringBuilder();
                  while (!head.toString().endsWith("\r\n\r\n")) {
                    head.append((char) in.read());
                  }
                  OutputStream out = s.getOutputStream();
                  out.write(
                      ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                              + "Connection: Upgrade\r\n\r\nwelcome;")
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  // Echo in upper case until the client's side of the tunnel ends.
                  var received = new StringBuilder();
                  int c;
                  while ((c = in.read()) >= 0) {
                    received.append((char) c);
                    out.write(Character.toUpperCase(c));
                    out.flush();
                  }
                  out.write(";bye".getBytes(StandardCharsets.US_ASCII));
                  return received.toString();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      try (ProxyLoop loop = loop(backend.getLocalPort());
          Socket client = new Socket("127.0.0.1", loop.port())) {
        client.setSoTimeout(10_000);
        OutputStream out = client.getOutputStream();
        out.write(
            ("GET /ws HTTP/1.1\r\nHost: w.a.workers.localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        var in = new BufferedReader(new InputStreamReader(client.getInputStream()));
        assertThat(in.readLine()).isEqualTo("HTTP/1.1 101 Switching Protocols");
        readHead(in);
        char[] welcome = new char[8];
        assertThat(in.read(welcome)).isEqualTo(8);
        assertThat(new String(welcome)).isEqualTo("welcome;");
        for (String word : new String[] {"one", "two"}) {
          out.write(word.getBytes(StandardCharsets.US_ASCII));
          char[] echo = new char[3];
          int read = 0;
          while (read < 3) {
            read += in.read(echo, read, 3 - read);
          }
          assertThat(new String(echo)).isEqualTo(word.toUpperCase());
        }
        client.shutdownOutput();
        StringBuilder rest = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
          rest.append((char) c);
        }
        assertThat(rest.toString()).isEqualTo(";bye");
      }
      assertThat(backendRead.get(10, TimeUnit.SECONDS)).isEqualTo("onetwo");
    }
  }
}
