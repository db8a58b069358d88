package dev.gantry.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Turns exceptions into one line a user can act on. */
final class Errors {
  private Errors() {}

  static String describe(Throwable e) {
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
          || cause instanceof java.net.http.HttpConnectTimeoutException) {
        return "cannot reach the Kubernetes API server ("
            + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
            + "): check the current context (kubectl config current-context) or set KUBECONFIG";
      }
      return k.getMessage() + (cause == null ? "" : " (" + cause + ")");
    }
    // A message is for the user; the exception's class name is not.
    return e.getMessage() != null && !e.getMessage().isBlank()
        ? e.getMessage()
        : e.getClass().getSimpleName();
  }
}
