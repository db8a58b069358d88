package dev.gantry.workers.runtime;

import java.util.Locale;
import java.util.Optional;

/** Host names of workers: {@code <script>.<account subdomain>.<domain>}. Pure. */
public final class WorkerHosts {
  private WorkerHosts() {}

  public static String of(String script, String subdomain, String domain) {
    return script + "." + subdomain + "." + domain;
  }

  /** The lookup key of a request's Host header: lower case, without a port or trailing dot. */
  public static Optional<String> normalize(String hostHeader, String domain) {
    if (hostHeader == null || hostHeader.isEmpty()) {
      return Optional.empty();
    }
    String host = hostHeader.toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon > 0 && host.indexOf(']') < colon) {
      host = host.substring(0, colon);
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    String suffix = "." + domain.toLowerCase(Locale.ROOT);
    if (!host.endsWith(suffix) || host.length() == suffix.length()) {
      return Optional.empty();
    }
    String labels = host.substring(0, host.length() - suffix.length());
    int dot = labels.indexOf('.');
    if (dot <= 0 || labels.indexOf('.', dot + 1) >= 0) {
      return Optional.empty(); // exactly script.subdomain
    }
    return Optional.of(host);
  }
}
