package dev.gantry.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Turns exceptions into one line a user can act on. */
final class Errors {
  private Errors() {}

  static String describe(Throwable e) {
    return describe(e, java.util.Optional.empty());
  }

  /** As {@link #describe(Throwable)}, naming {@code server} when it could not be reached. */
  static String describe(Throwable e, java.util.Optional<String> server) {
    if (e instanceof UserError) {
      return e.getMessage();
    }
    if (e instanceof KubernetesClientException k) {
      if (k.getStatus() != null && k.getStatus().getMessage() != null) {
        return k.getStatus().getMessage();
      }
      Throwable cause = k.getCause();
      while (cause != null && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof java.nio.channels.UnresolvedAddressException
          || cause instanceof java.net.ConnectException
          || cause instanceof java.net.UnknownHostException
          || cause instanceof java.nio.channels.ClosedChannelException
          || cause instanceof java.net.SocketException
          || cause instanceof java.net.SocketTimeoutException
          || cause instanceof java.util.concurrent.TimeoutException
          || cause instanceof java.net.http.HttpTimeoutException
          || cause instanceof javax.net.ssl.SSLException) {
        return "cannot reach the Kubernetes API server"
            + server.map(s -> " at " + s).orElse("")
            + " ("
            + networkProblem(cause)
            + "): check that the cluster is up and the current context (kubectl config"
            + " current-context) is the one you mean, or set KUBECONFIG";
      }
      return k.getMessage() + (cause == null ? "" : " (" + cause + ")");
    }
    if (e.getCause() != null && e.getMessage() != null && e.getMessage().startsWith("java.")) {
      // a wrapper whose message is only its cause's class and message
      return describe(e.getCause(), server);
    }
    // A message is for the user; the exception's class name is not.
    return e.getMessage() != null && !e.getMessage().isBlank()
        ? e.getMessage()
        : e.getClass().getSimpleName();
  }

  /** What went wrong on the network, in words rather than an exception's class name. */
  private static String networkProblem(Throwable cause) {
    String message = cause.getMessage() == null ? "" : cause.getMessage();
    if (cause instanceof java.net.SocketTimeoutException
        || cause instanceof java.util.concurrent.TimeoutException
        || cause instanceof java.net.http.HttpTimeoutException
        || message.contains("timed out")) {
      return "it did not answer in time";
    }
    if (cause instanceof java.net.ConnectException) {
      return "connection refused";
    }
    if (cause instanceof java.nio.channels.ClosedChannelException) {
      // what the JDK's client reports for a refused connection as for one closed on it
      return "the connection was refused or closed before it answered";
    }
    if (cause instanceof java.nio.channels.UnresolvedAddressException
        || cause instanceof java.net.UnknownHostException) {
      return "its host name does not resolve" + (message.isBlank() ? "" : ": " + message);
    }
    if (cause instanceof javax.net.ssl.SSLException) {
      return "the TLS handshake failed" + (message.isBlank() ? "" : ": " + message);
    }
    return "the connection failed" + (message.isBlank() ? "" : ": " + message);
  }
}
