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
      return k.getMessage() + (cause == null ? "" : " (" + cause + ")");
    }
    return e.toString();
  }
}
