package dev.gantry.operator.relations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
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
   * What the warm-up did: reviews sent, answered with 200, answered with a patch that injects the
   * in-memory provider (the injection path ran), how many were sent on a connection of their own,
   * and how long it took.
   */
  record Result(int sent, int answered, int injected, int ownConnections, Duration took) {}

  /**
   * Reviews of a pod, and of a Deployment with that pod as its template, that consume the warm-up's
   * in-memory provider ({@link WarmUpProviders}): the handler's whole injection path, no API call.
   * The pod is as the API server sends it, defaulted (service account volume, tolerations, probe,
   * resources), since the first object of each such type costs the JSON mapper a deserializer of
   * its own: a bare pod left that to the API server's first real call.
   */
  static final List<byte[]> REVIEWS = reviews();

  private static List<byte[]> reviews() {
    ObjectMapper mapper = Serialization.jsonMapper();
    try (InputStream in = WebhookWarmUp.class.getResourceAsStream("warm-up-pod.json")) {
      ObjectNode pod = (ObjectNode) mapper.readTree(in);
      ObjectNode deployment = mapper.createObjectNode();
      deployment.put("apiVersion", "apps/v1").put("kind", "Deployment");
      deployment.set("metadata", pod.get("metadata").deepCopy());
      ObjectNode spec = deployment.putObject("spec");
      spec.put("replicas", 1);
      spec.putObject("selector").set("matchLabels", pod.path("metadata").get("labels"));
      ObjectNode template = spec.putObject("template");
      template.putObject("metadata").set("labels", pod.path("metadata").get("labels"));
      template.set("spec", pod.get("spec"));
      return List.of(
          review(mapper, "", "Pod", pod), review(mapper, "apps", "Deployment", deployment));
    } catch (IOException e) {
      throw new IllegalStateException("the warm-up pod is missing from the operator's jar", e);
    }
  }

  private static byte[] review(ObjectMapper mapper, String group, String kind, ObjectNode object) {
    ObjectNode review = mapper.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request");
    request.put("uid", "gantry-warm-up").put("operation", "CREATE");
    request.put("namespace", WarmUpProviders.NAMESPACE);
    request.putObject("kind").put("group", group).put("version", "v1").put("kind", kind);
    request.set("object", object);
    return review.toString().getBytes(StandardCharsets.UTF_8);
  }

  private WebhookWarmUp() {}

  /**
   * Runs the handler itself on the warm-up reviews, in this thread, until the JIT has compiled its
   * hot path (the optimising compiler waits for thousands of calls; the HTTPS warm-up sends a few
   * hundred). A review takes tens of microseconds once compiled, so this costs about a second.
   *
   * @return the reviews handled
   */
  static int compile(AdmissionHandler handler, int calls, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    int done = 0;
    while (done < calls && System.nanoTime() < deadline) {
      handler.handle(REVIEWS.get(done % REVIEWS.size()));
      done++;
    }
    return done;
  }

  /** Whether an answer's patch injects the in-memory provider: the resolved path ran. */
  static boolean injectsTheWarmUpProvider(String answer) {
    try {
      String patch =
          Serialization.jsonMapper().readTree(answer).path("response").path("patch").asText("");
      return new String(Base64.getDecoder().decode(patch), StandardCharsets.UTF_8)
          .contains(WarmUpProviders.HOST);
    } catch (IOException | IllegalArgumentException e) {
      return false; // not an answer with a patch
    }
  }

  /**
   * Posts up to {@code requests} reviews to {@code https://host:port/mutate}, trusting only {@code
   * caBundlePem}, for at most {@code limit}; the first {@code ownConnections} of them each on a new
   * connection.
   */
  static Result run(
      String host, int port, String caBundlePem, int requests, int ownConnections, Duration limit) {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    int sent = 0;
    int answered = 0;
    int fresh = 0;
    int injected = 0;
    try {
      SSLSocketFactory kept = CaBundleTrust.of(caBundlePem).getSocketFactory();
      URL url = new URL("https", host, port, AdmissionServer.PATH);
      // A review is only started with time enough left to be answered, so the limit ends the
      // warm-up between reviews, not inside one.
      while (sent < requests && deadline - System.nanoTime() > LEAST_TIME_FOR_ONE.toNanos()) {
        sent++;
        HttpsURLConnection c = (HttpsURLConnection) url.openConnection();
        if (fresh < ownConnections) {
          fresh++;
          // A context of its own has no session to resume; "close" keeps it out of the pool.
          c.setSSLSocketFactory(CaBundleTrust.of(caBundlePem).getSocketFactory());
          c.setRequestProperty("Connection", "close");
        } else {
          c.setSSLSocketFactory(kept);
        }
        // Our own CA, our own port: the name the certificate carries is the Service's, not this.
        c.setHostnameVerifier((name, session) -> true);
        int timeout = (int) Math.min(5000, (deadline - System.nanoTime()) / 1_000_000);
        c.setConnectTimeout(timeout);
        c.setReadTimeout(timeout);
        c.setDoOutput(true);
        c.setRequestMethod("POST");
        c.setRequestProperty("Content-Type", "application/json");
        c.setRequestProperty(AdmissionServer.WARM_UP_HEADER, "true");
        try (OutputStream out = c.getOutputStream()) {
          out.write(REVIEWS.get(sent % REVIEWS.size()));
        }
        boolean ok = c.getResponseCode() == 200;
        // read to the end (an error's body too), so the connection is kept for the next one
        String body;
        try (InputStream in = ok ? c.getInputStream() : c.getErrorStream()) {
          body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (ok) {
          answered++;
          if (injectsTheWarmUpProvider(body)) {
            injected++;
          }
        }
      }
    } catch (IOException | RuntimeException | java.security.GeneralSecurityException e) {
      // no (more) warm-up; the webhook serves all the same
    }
    return new Result(sent, answered, injected, fresh, Duration.ofNanos(System.nanoTime() - start));
  }

  /** Time left under which no further review is started. */
  static final Duration LEAST_TIME_FOR_ONE = Duration.ofMillis(250);
}
