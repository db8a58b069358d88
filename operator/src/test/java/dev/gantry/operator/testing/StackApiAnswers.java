package dev.gantry.operator.testing;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What a Stack's child kinds need from an API server that the mock does not answer by itself:
 * discovery of the built-in kinds (as a real server lists them, with plural and scope) and
 * SelfSubjectAccessReviews (answered by a rule the test gives, the way RBAC would).
 */
public final class StackApiAnswers {
  private StackApiAnswers() {}

  /** apiVersion → kind → plural, namespaced. */
  private static final Map<String, Map<String, Object[]>> BUILT_IN =
      Map.of(
          "v1",
          Map.of(
              "ConfigMap", new Object[] {"configmaps", true},
              "Secret", new Object[] {"secrets", true},
              "Service", new Object[] {"services", true},
              "ServiceAccount", new Object[] {"serviceaccounts", true},
              "PersistentVolumeClaim", new Object[] {"persistentvolumeclaims", true},
              "Namespace", new Object[] {"namespaces", false}),
          "apps/v1",
          Map.of(
              "Deployment", new Object[] {"deployments", true},
              "StatefulSet", new Object[] {"statefulsets", true},
              "DaemonSet", new Object[] {"daemonsets", true}),
          "batch/v1",
          Map.of("Job", new Object[] {"jobs", true}, "CronJob", new Object[] {"cronjobs", true}),
          "networking.k8s.io/v1",
          Map.of(
              "NetworkPolicy", new Object[] {"networkpolicies", true},
              "Ingress", new Object[] {"ingresses", true}),
          "policy/v1",
          Map.of("PodDisruptionBudget", new Object[] {"poddisruptionbudgets", true}));

  public static void serveDiscovery(KubernetesMockServer server) {
    BUILT_IN.forEach(
        (apiVersion, kinds) -> {
          var list = new APIResourceListBuilder().withGroupVersion(apiVersion);
          kinds.forEach(
              (kind, info) ->
                  list.addToResources(
                      new APIResourceBuilder()
                          .withKind(kind)
                          .withName((String) info[0])
                          .withNamespaced((Boolean) info[1])
                          .withVerbs("create", "delete", "get", "list", "patch", "update", "watch")
                          .build()));
          String path = apiVersion.equals("v1") ? "/api/v1" : "/apis/" + apiVersion;
          server.expect().get().withPath(path).andReturn(200, list.build()).always();
        });
  }

  /**
   * Answers every SelfSubjectAccessReview: allowed when {@code allowed} accepts
   * "group/resource:verb" (the core group empty: "/configmaps:list").
   */
  public static void answerAccessReviews(KubernetesMockServer server, Predicate<String> allowed) {
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        .andReply(
            201,
            request -> {
              SelfSubjectAccessReview review =
                  Serialization.unmarshal(
                      request.getBody().readUtf8(), SelfSubjectAccessReview.class);
              var attributes = review.getSpec().getResourceAttributes();
              boolean yes =
                  allowed.test(
                      (attributes.getGroup() == null ? "" : attributes.getGroup())
                          + "/"
                          + attributes.getResource()
                          + ":"
                          + attributes.getVerb());
              review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(yes).build());
              return review;
            })
        .always();
  }
}
