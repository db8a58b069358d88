package dev.gantry.operator.relations;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When to renew the webhook's certificates, and in which order, so the API server never sees a
 * serving certificate it does not trust: a new CA is first published in the caBundle beside the old
 * one; only after {@link #PUBLISH_GRACE} is the serving certificate reissued from it; the old CA
 * leaves the bundle once nothing it signed is served.
 */
public final class CertificateRotation {
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);
  public static final Duration SERVING_VALIDITY = Duration.ofDays(365);

  /** How long a new CA sits in the published bundle before a certificate it signed is served. */
  public static final Duration PUBLISH_GRACE = Duration.ofMinutes(2);

  private CertificateRotation() {}

  /**
   * The stored state: the CA that signs (with its key), CAs still published, the serving
   * certificate, and when the current CA was first published.
   */
  public record State(
      WebhookCertificates.Issued ca,
      List<String> publishedCaPems,
      WebhookCertificates.Issued serving,
      Instant caPublishedAt) {

    /** The caBundle the webhook configuration carries: every published CA. */
    public String caBundle() {
      return String.join("", publishedCaPems);
    }
  }

  /** The next state: unchanged when nothing is due. */
  public static State next(
      State state,
      List<String> dnsNames,
      Instant now,
      Duration caValidity,
      Duration servingValidity) {
    if (state == null) {
      var ca = WebhookCertificates.newCa("gantry-webhook-ca", now, caValidity);
      var serving = WebhookCertificates.newServing(ca, dnsNames, now, servingValidity);
      return new State(ca, List.of(ca.certificatePem()), serving, now.minus(PUBLISH_GRACE));
    }
    X509Certificate ca = state.ca().certificate();
    X509Certificate serving = state.serving().certificate();
    if (dueForRenewal(ca, now)) {
      // Step 1: a new CA, published beside the old one; the old serving certificate stays.
      var fresh = WebhookCertificates.newCa("gantry-webhook-ca", now, caValidity);
      List<String> published = new ArrayList<>(state.publishedCaPems());
      published.add(fresh.certificatePem());
      return new State(fresh, published, state.serving(), now);
    }
    boolean servedBySigningCa =
        serving.getIssuerX500Principal().equals(ca.getSubjectX500Principal())
            && verifies(serving, ca);
    boolean published = !now.isBefore(state.caPublishedAt().plus(PUBLISH_GRACE));
    if ((!servedBySigningCa || dueForRenewal(serving, now) || !coversNames(serving, dnsNames))
        && published) {
      // Step 2: serve a certificate from the signing CA, which clients already trust.
      var renewed = WebhookCertificates.newServing(state.ca(), dnsNames, now, servingValidity);
      return new State(state.ca(), state.publishedCaPems(), renewed, state.caPublishedAt());
    }
    if (servedBySigningCa && state.publishedCaPems().size() > 1) {
      // Step 3: nothing served needs the older CAs any more.
      return new State(
          state.ca(), List.of(state.ca().certificatePem()), state.serving(), state.caPublishedAt());
    }
    return state;
  }

  /** Renew once two thirds of the validity have passed. */
  static boolean dueForRenewal(X509Certificate cert, Instant now) {
    Instant from = cert.getNotBefore().toInstant();
    Instant to = cert.getNotAfter().toInstant();
    Duration life = Duration.between(from, to);
    return now.isAfter(to.minus(life.dividedBy(3)));
  }

  private static boolean verifies(X509Certificate cert, X509Certificate ca) {
    try {
      cert.verify(ca.getPublicKey());
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean coversNames(X509Certificate cert, List<String> dnsNames) {
    try {
      var alternatives = cert.getSubjectAlternativeNames();
      if (alternatives == null) {
        return false;
      }
      List<String> names = alternatives.stream().map(l -> String.valueOf(l.get(1))).toList();
      return names.containsAll(dnsNames);
    } catch (Exception e) {
      return false;
    }
  }
}
