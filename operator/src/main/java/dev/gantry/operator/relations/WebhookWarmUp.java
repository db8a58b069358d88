package dev.gantry.operator.relations;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * Sends the webhook's own HTTPS endpoint admission reviews before the API server is told about it.
 * The first requests through a fresh JVM's TLS stack, Jetty and the handler are slow (class
 * loading, the JIT: about 200 ms on the first pod create of a real API server), and the API server
 * waits for them inside a user's request, with a timeout; afterwards they take about a millisecond.
 * The first reviews each come on a new connection with a full handshake (a fresh client context, so
 * no session is resumed), because the API server's first call is a handshake too and a keep-alive
 * warm-up runs that path only once; the rest share one connection. Bounded by a count and a time; a
 * failure only means no warm-up.
 */
final class WebhookWarmUp {
  /**
   * What the warm-up did: reviews sent and answered with 200, how many came on a connection of
   * their own, and how long it took.
   */
  record Result(int sent, int answered, int handshakes, Duration took) {}

  /** A pod that consumes a relation nobody provides: the handler's whole path, no API call. */
  static final byte[] REVIEW =
      ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{"
              + "\"uid\":\"gantry-warm-up\",\"operation\":\"CREATE\",\"namespace\":\"gantry-warm-up\","
              + "\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"object\":{"
              + "\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"warm-up\","
              + "\"namespace\":\"gantry-warm-up\",\"annotations\":{\"tengu.io/consumes\":\"warm-up\"}},"
              + "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"busybox\","
              + "\"env\":[{\"name\":\"A\",\"value\":\"1\"}]}]}}}}")
          .getBytes(StandardCharsets.UTF_8);

  private WebhookWarmUp() {}

  /**
   * Posts up to {@code requests} reviews to {@code https://host:port/mutate}, trusting only {@code
   * caBundlePem}, for at most {@code limit}; the first {@code handshakes} of them each on a new
   * connection.
   */
  static Result run(
      String host, int port, String caBundlePem, int requests, int handshakes, Duration limit) {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    int sent = 0;
    int answered = 0;
    int fresh = 0;
    try {
      SSLSocketFactory kept = CaBundleTrust.of(caBundlePem).getSocketFactory();
      URL url = new URL("https", host, port, AdmissionServer.PATH);
      while (sent < requests && System.nanoTime() < deadline) {
        sent++;
        boolean ownConnection = fresh < handshakes;
        HttpsURLConnection c = (HttpsURLConnection) url.openConnection();
        if (ownConnection) {
          fresh++;
          // A context of its own has no session to resume; "close" keeps it out of the pool.
          c.setSSLSocketFactory(CaBundleTrust.of(caBundlePem).getSocketFactory());
          c.setRequestProperty("Connection", "close");
        } else {
          c.setSSLSocketFactory(kept);
        }
        // Our own CA, our own port: the name the certificate carries is the Service's, not this.
        c.setHostnameVerifier((name, session) -> true);
        int timeout = (int) Math.max(1, Math.min(5000, (deadline - System.nanoTime()) / 1_000_000));
        c.setConnectTimeout(timeout);
        c.setReadTimeout(timeout);
        c.setDoOutput(true);
        c.setRequestMethod("POST");
        c.setRequestProperty("Content-Type", "application/json");
        c.setRequestProperty(AdmissionServer.WARM_UP_HEADER, "true");
        try (OutputStream out = c.getOutputStream()) {
          out.write(REVIEW);
        }
        if (c.getResponseCode() == 200) {
          answered++;
        }
        try (InputStream in = c.getInputStream()) {
          in.readAllBytes(); // read to the end, so the connection is kept for the next one
        }
      }
    } catch (IOException | RuntimeException | java.security.GeneralSecurityException e) {
      // no (more) warm-up; the webhook serves all the same
    }
    return new Result(sent, answered, fresh, Duration.ofNanos(System.nanoTime() - start));
  }
}
