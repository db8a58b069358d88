package dev.gantry.operator.relations;

import dev.gantry.operator.stack.StackAdmission;
import io.javalin.Javalin;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The admission webhook over HTTPS, with the certificate Gantry made. {@link #useCertificate} swaps
 * the serving certificate without a restart, so rotation never drops a request. The time of every
 * review but the warm-up's goes to {@link WebhookMetrics}, and, from {@link #countHandshakes} on,
 * every TLS handshake.
 */
public final class AdmissionServer implements AutoCloseable {
  public static final String PATH = "/mutate";

  /**
   * Marks the webhook's own warm-up reviews: answered from {@link WarmUpProviders}, left out of the
   * metrics. (Anyone who can reach the webhook can send it reviews; this header only gets them an
   * answer about a provider that does not exist.)
   */
  static final String WARM_UP_HEADER = "Gantry-Warm-Up";

  private static final char[] PASSWORD = "gantry-webhook".toCharArray();

  private final SslContextFactory.Server tls = new SslContextFactory.Server();
  private final WebhookMetrics metrics;
  private final Javalin app;
  private ServerConnector connector;

  public AdmissionServer(
      AdmissionHandler handler,
      WebhookCertificates.Issued serving,
      String host,
      int port,
      WebhookMetrics metrics) {
    this(handler, null, serving, host, port, metrics);
  }

  public AdmissionServer(
      AdmissionHandler handler,
      NamespaceGuardHandler guard,
      WebhookCertificates.Issued serving,
      String host,
      int port,
      WebhookMetrics metrics) {
    this(handler, guard, null, serving, host, port, metrics);
  }

  /**
   * @param guard answers namespace deletions at {@link NamespaceGuardHandler#PATH}, or null
   * @param stacks answers Stack creations and edits at {@link StackAdmission#PATH}, or null
   */
  public AdmissionServer(
      AdmissionHandler handler,
      NamespaceGuardHandler guard,
      StackAdmission stacks,
      WebhookCertificates.Issued serving,
      String host,
      int port,
      WebhookMetrics metrics) {
    tls.setKeyStore(keyStore(serving));
    tls.setKeyStorePassword(new String(PASSWORD));
    // Kubernetes' API server has no SNI name for a bare IP in dev mode; do not insist on one.
    tls.setSniRequired(false);
    this.metrics = metrics;
    AdmissionHandler warmUpHandler = handler.answeringFrom(new WarmUpProviders());
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jetty.addConnector(
                  (server, http) -> {
                    HttpConfiguration https = new HttpConfiguration(http);
                    SecureRequestCustomizer secure = new SecureRequestCustomizer();
                    secure.setSniHostCheck(false);
                    https.addCustomizer(secure);
                    connector =
                        new ServerConnector(
                            server,
                            new SslConnectionFactory(tls, "http/1.1"),
                            new HttpConnectionFactory(https));
                    connector.setHost(host);
                    connector.setPort(port);
                    return connector;
                  });
              config.jetty.modifyServer(
                  server -> {
                    // Only the TLS connector: drop Javalin's plain HTTP one.
                    for (var c : server.getConnectors()) {
                      if (c != connector) {
                        server.removeConnector(c);
                      }
                    }
                  });
              config.routes.post(
                  PATH,
                  ctx -> {
                    long start = System.nanoTime();
                    boolean warmUp = ctx.header(WARM_UP_HEADER) != null;
                    AdmissionHandler.Answer answer =
                        (warmUp ? warmUpHandler : handler).handle(ctx.bodyAsBytes());
                    ctx.status(answer.status())
                        .contentType("application/json")
                        .result(answer.body());
                    if (!warmUp) {
                      metrics.admission(
                          answer.kind(),
                          answer.outcome(),
                          Duration.ofNanos(System.nanoTime() - start));
                    }
                  });
              if (guard != null) {
                validating(config, NamespaceGuardHandler.PATH, guard::handle);
              }
              if (stacks != null) {
                validating(config, StackAdmission.PATH, stacks::handle);
              }
              config.routes.get("/healthz", ctx -> ctx.result("ok"));
            });
  }

  /** Serves a validating webhook at {@code path}, its reviews counted as the others are. */
  private void validating(
      io.javalin.config.JavalinConfig config,
      String path,
      java.util.function.Function<byte[], AdmissionHandler.Answer> handler) {
    config.routes.post(
        path,
        ctx -> {
          long start = System.nanoTime();
          AdmissionHandler.Answer answer = handler.apply(ctx.bodyAsBytes());
          ctx.status(answer.status()).contentType("application/json").result(answer.body());
          metrics.admission(
              answer.kind(), answer.outcome(), Duration.ofNanos(System.nanoTime() - start));
        });
  }

  public AdmissionServer start() {
    app.start();
    return this;
  }

  /**
   * Counts the TLS handshakes of the connections made from now on (the connector reads its
   * listeners per connection): called after the warm-up, so the count is the callers'.
   */
  public AdmissionServer countHandshakes() {
    connector.addBean(metrics.handshakeListener());
    return this;
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** Serves {@code serving} from the next TLS handshake on. */
  public void useCertificate(WebhookCertificates.Issued serving) {
    try {
      tls.reload(f -> f.setKeyStore(keyStore(serving)));
    } catch (Exception e) {
      throw new IllegalStateException("could not load the renewed webhook certificate", e);
    }
  }

  @Override
  public void close() {
    app.stop();
  }

  private static KeyStore keyStore(WebhookCertificates.Issued serving) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "webhook", serving.key(), PASSWORD, new Certificate[] {serving.certificate()});
      return store;
    } catch (Exception e) {
      throw new IllegalStateException("could not build the webhook key store", e);
    }
  }
}
