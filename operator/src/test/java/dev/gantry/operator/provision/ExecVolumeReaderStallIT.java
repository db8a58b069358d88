package dev.gantry.operator.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.gantry.operator.provision.VolumeReader.VolumeReadException;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An API server that accepts the exec and then says nothing (a stalled kubelet, a half-open
 * connection): the read gives up after its timeout instead of holding its thread for ever.
 */
class ExecVolumeReaderStallIT {
  ServerSocket server;
  final List<Socket> accepted = new CopyOnWriteArrayList<>();
  Thread acceptor;

  @BeforeEach
  void start() throws Exception {
    server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket socket = server.accept();
                  accepted.add(socket);
                  upgradeAndStall(socket);
                } catch (Exception e) {
                  return;
                }
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    for (Socket s : accepted) {
      s.close();
    }
  }

  @Test
  void aStalledExecStreamEndsInAReadErrorWithinTheTimeout() {
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + server.getLocalPort())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build()) {
      ExecVolumeReader reader = new ExecVolumeReader(Duration.ofSeconds(2));
      Throwable thrown =
          assertTimeoutPreemptively(
              Duration.ofSeconds(30),
              () ->
                  catchThrowable(
                      () ->
                          reader.read(
                              client,
                              "default",
                              "apply-x-1",
                              "deliverables",
                              "/deliverables",
                              List.of("outputs.json"),
                              1024)));
      assertThat(thrown).isInstanceOf(VolumeReadException.class).hasMessageContaining("apply-x-1");
    }
  }

  /**
   * Answers the pod's GET, then the exec's WebSocket upgrade as an API server does, sends the start
   * of a file on stdout (channel 1 of the v4 exec protocol: a file of 100 bytes, 10 of them) and
   * then nothing more.
   */
  private static void upgradeAndStall(Socket socket) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    String key = null;
    String protocol = null;
    in.readLine(); // the request line
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      String lower = line.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("sec-websocket-key:")) {
        key = line.substring(line.indexOf(':') + 1).strip();
      } else if (lower.startsWith("sec-websocket-protocol:")) {
        protocol = line.substring(line.indexOf(':') + 1).split(",")[0].strip();
      }
    }
    OutputStream out = socket.getOutputStream();
    if (key == null) {
      // The client first reads the pod to check its container.
      byte[] pod =
          ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"apply-x-1\","
                  + "\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"name\":"
                  + "\"deliverables\",\"image\":\"busybox\"}]},\"status\":{\"phase\":\"Running\"}}")
              .getBytes(StandardCharsets.UTF_8);
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                  + "Content-Length: "
                  + pod.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(pod);
      out.flush();
      socket.close();
      return;
    }
    String accept =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-1")
                    .digest(
                        (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                            .getBytes(StandardCharsets.US_ASCII)));
    out.write(
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: "
                + accept
                + "\r\n"
                + (protocol == null ? "" : "Sec-WebSocket-Protocol: " + protocol + "\r\n")
                + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    byte[] stdout = ("\u0001file 100 outputs.json\n0123456789").getBytes(StandardCharsets.US_ASCII);
    out.write(new byte[] {(byte) 0x82, (byte) stdout.length});
    out.write(stdout);
    out.flush();
  }
}
