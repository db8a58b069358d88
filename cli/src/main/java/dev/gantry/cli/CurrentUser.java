package dev.gantry.cli;

import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Who the API server takes a command's client for, in words. */
final class CurrentUser {
  private CurrentUser() {}

  /**
   * The user name the API server knows (a SelfSubjectReview, Kubernetes 1.28 and later), else the
   * kubeconfig's user entry, else a plain "you".
   */
  static String of(KubernetesClient client) {
    try {
      SelfSubjectReview review =
          client.authentication().v1().selfSubjectReviews().create(new SelfSubjectReview());
      if (review != null
          && review.getStatus() != null
          && review.getStatus().getUserInfo() != null
          && review.getStatus().getUserInfo().getUsername() != null) {
        return review.getStatus().getUserInfo().getUsername();
      }
    } catch (KubernetesClientException e) {
      // An older server, or one that does not let you ask: the kubeconfig's name must do.
    }
    var context = client.getConfiguration().getCurrentContext();
    if (context != null && context.getContext() != null && context.getContext().getUser() != null) {
      return "kubeconfig user " + context.getContext().getUser();
    }
    return "you (your kubeconfig's credentials)";
  }
}
