package dev.gantry.operator.relations;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.api.relations.Relation;
import dev.gantry.operator.kube.JsonSubset;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperationsBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The MutatingWebhookConfiguration Gantry registers for itself: one webhook per opt-in label (a
 * namespace selector cannot OR two labels), never kube-system, short timeout, and failurePolicy
 * Fail so a consumer is never created past a webhook outage without its gate.
 */
public final class WebhookRegistration {
  public static final String NAME = "gantry-relations";
  static final int TIMEOUT_SECONDS = 5;

  private WebhookRegistration() {}

  /** Where the API server reaches the webhook: a Service in the cluster, or a URL (dev mode). */
  public record Target(String serviceNamespace, String serviceName, int servicePort, String url) {
    public static Target service(String namespace, String name, int port) {
      return new Target(namespace, name, port, null);
    }

    public static Target url(String url) {
      return new Target(null, null, 0, url);
    }

    WebhookClientConfig clientConfig(String caBundle) {
      var builder =
          new WebhookClientConfigBuilder()
              .withCaBundle(
                  Base64.getEncoder().encodeToString(caBundle.getBytes(StandardCharsets.UTF_8)));
      if (url != null) {
        return builder
            .withUrl(url.endsWith(AdmissionServer.PATH) ? url : url + AdmissionServer.PATH)
            .build();
      }
      return builder
          .withNewService()
          .withNamespace(serviceNamespace)
          .withName(serviceName)
          .withPath(AdmissionServer.PATH)
          .withPort(servicePort)
          .endService()
          .build();
    }
  }

  public static MutatingWebhookConfiguration desired(String caBundle, Target target) {
    return desired(caBundle, target, Optional.empty());
  }

  /**
   * @param owner what the registration goes with (the operator's namespace), if known
   */
  public static MutatingWebhookConfiguration desired(
      String caBundle, Target target, Optional<OwnerReference> owner) {
    return new MutatingWebhookConfigurationBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withLabels(
            Map.of(
                "app.kubernetes.io/managed-by",
                "gantry",
                "app.kubernetes.io/component",
                "relations-webhook"))
        .withOwnerReferences(owner.map(List::of).orElse(null))
        .endMetadata()
        .withWebhooks(
            webhook(
                "tengu-injector.relations.gantry.dev", Relation.NAMESPACE_OPT_IN, caBundle, target),
            webhook(
                "opt-in.relations.gantry.dev", Relation.GANTRY_NAMESPACE_OPT_IN, caBundle, target))
        .build();
  }

  private static MutatingWebhook webhook(
      String name, String optInLabel, String caBundle, Target target) {
    return new MutatingWebhookBuilder()
        .withName(name)
        .withClientConfig(target.clientConfig(caBundle))
        .withAdmissionReviewVersions("v1")
        .withSideEffects("None")
        .withTimeoutSeconds(TIMEOUT_SECONDS)
        .withFailurePolicy("Fail")
        .withReinvocationPolicy("IfNeeded")
        .withNamespaceSelector(
            new LabelSelectorBuilder()
                .withMatchLabels(Map.of(optInLabel, "enabled"))
                .withMatchExpressions(
                    new LabelSelectorRequirementBuilder()
                        .withKey("kubernetes.io/metadata.name")
                        .withOperator("NotIn")
                        .withValues("kube-system", "kube-public")
                        .build())
                .build())
        .withRules(
            new RuleWithOperationsBuilder()
                .withOperations("CREATE", "UPDATE")
                .withApiGroups("apps")
                .withApiVersions("v1")
                .withResources("deployments", "statefulsets", "daemonsets")
                .withScope("Namespaced")
                .build(),
            new RuleWithOperationsBuilder()
                .withOperations("CREATE")
                .withApiGroups("")
                .withApiVersions("v1")
                .withResources("pods")
                .withScope("Namespaced")
                .build())
        .build();
  }

  /**
   * Whether the live registration is as desired in everything Gantry sets. The API server fills in
   * what Gantry leaves unset (matchPolicy, objectSelector; more in later versions), so a field the
   * desired registration does not name is no difference: comparing whole objects would rewrite an
   * unchanged registration on every check.
   */
  public static boolean matches(
      MutatingWebhookConfiguration live, MutatingWebhookConfiguration desired) {
    ObjectMapper json = Serialization.jsonMapper();
    return JsonSubset.within(
            json.valueToTree(desired.getWebhooks()), json.valueToTree(live.getWebhooks()))
        && JsonSubset.within(
            json.valueToTree(desired.getMetadata().getLabels()),
            json.valueToTree(live.getMetadata().getLabels()))
        && JsonSubset.within(
            json.valueToTree(desired.getMetadata().getOwnerReferences()),
            json.valueToTree(live.getMetadata().getOwnerReferences()));
  }

  /** The caBundle a live configuration carries (all its webhooks carry the same). */
  public static String caBundleOf(MutatingWebhookConfiguration live) {
    List<MutatingWebhook> webhooks = live.getWebhooks();
    if (webhooks == null
        || webhooks.isEmpty()
        || webhooks.get(0).getClientConfig() == null
        || webhooks.get(0).getClientConfig().getCaBundle() == null) {
      return null;
    }
    return new String(
        Base64.getDecoder().decode(webhooks.get(0).getClientConfig().getCaBundle()),
        StandardCharsets.UTF_8);
  }
}
