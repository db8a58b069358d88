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
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
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
      return clientConfig(caBundle, AdmissionServer.PATH);
    }

    WebhookClientConfig clientConfig(String caBundle, String path) {
      var builder =
          new WebhookClientConfigBuilder()
              .withCaBundle(
                  Base64.getEncoder().encodeToString(caBundle.getBytes(StandardCharsets.UTF_8)));
      if (url != null) {
        return builder.withUrl(base(url) + path).build();
      }
      return builder
          .withNewService()
          .withNamespace(serviceNamespace)
          .withName(serviceName)
          .withPath(path)
          .withPort(servicePort)
          .endService()
          .build();
    }
  }

  /** A URL given with the mutating path (as the docs once showed it) names the server. */
  private static String base(String url) {
    return url.endsWith(AdmissionServer.PATH)
        ? url.substring(0, url.length() - AdmissionServer.PATH.length())
        : url;
  }

  public static final String GUARD_NAME = "gantry-namespace-guard";

  /**
   * The validating registration of the namespace guard: namespace DELETEs only, failurePolicy
   * Ignore (a Gantry that is down never stands between a user and a namespace), and a namespace
   * labelled gantry.dev/namespace-guard=disabled is not asked about.
   */
  public static ValidatingWebhookConfiguration guardDesired(
      String caBundle, Target target, Optional<OwnerReference> owner) {
    return validating(
        GUARD_NAME,
        "namespace-guard",
        owner,
        new ValidatingWebhookBuilder()
            .withName("namespace-guard.provisions.gantry.dev")
            .withClientConfig(target.clientConfig(caBundle, NamespaceGuardHandler.PATH))
            .withNamespaceSelector(
                new LabelSelectorBuilder()
                    .withMatchExpressions(
                        new LabelSelectorRequirementBuilder()
                            .withKey(dev.gantry.operator.provision.NamespaceGuard.OPT_OUT_LABEL)
                            .withOperator("NotIn")
                            .withValues(dev.gantry.operator.provision.NamespaceGuard.OPT_OUT_VALUE)
                            .build())
                    .build())
            .withRules(
                new RuleWithOperationsBuilder()
                    .withOperations("DELETE")
                    .withApiGroups("")
                    .withApiVersions("v1")
                    .withResources("namespaces")
                    .withScope("Cluster")
                    .build()));
  }

  public static final String STACK_NAME = "gantry-stack-validation";

  /**
   * The validating registration for Stacks: creations and edits, refused when the spec does not
   * compile. failurePolicy Ignore: the controller checks the same and says so in status, so a
   * Gantry that is down delays the message, never the Stack.
   */
  public static ValidatingWebhookConfiguration stackDesired(
      String caBundle, Target target, Optional<OwnerReference> owner) {
    return validating(
        STACK_NAME,
        "stack-validation",
        owner,
        new ValidatingWebhookBuilder()
            .withName("validate.stacks.gantry.dev")
            .withClientConfig(
                target.clientConfig(caBundle, dev.gantry.operator.stack.StackAdmission.PATH))
            .withRules(
                new RuleWithOperationsBuilder()
                    .withOperations("CREATE", "UPDATE")
                    .withApiGroups("gantry.dev")
                    .withApiVersions("v1alpha1")
                    .withResources("stacks")
                    .withScope("Namespaced")
                    .build()));
  }

  /**
   * A validating registration of one webhook, labelled and owned as Gantry's are: reviews in v1, no
   * side effects, the usual timeout, failurePolicy Ignore (what it guards is checked again by a
   * controller, or must not depend on Gantry being up).
   */
  private static ValidatingWebhookConfiguration validating(
      String name,
      String component,
      Optional<OwnerReference> owner,
      ValidatingWebhookBuilder hook) {
    return new ValidatingWebhookConfigurationBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(
            Map.of(
                "app.kubernetes.io/managed-by", "gantry", "app.kubernetes.io/component", component))
        .withOwnerReferences(owner.map(List::of).orElse(null))
        .endMetadata()
        .withWebhooks(
            hook.withAdmissionReviewVersions("v1")
                .withSideEffects("None")
                .withTimeoutSeconds(TIMEOUT_SECONDS)
                .withFailurePolicy("Ignore")
                .build())
        .build();
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
   * Whether a live registration (mutating or validating) is as desired in everything Gantry sets:
   * its webhooks, labels and owner. The API server fills in what Gantry leaves unset (matchPolicy,
   * objectSelector; more in later versions), so a field the desired registration does not name is
   * no difference: comparing whole objects would rewrite an unchanged registration on every check.
   */
  public static boolean matches(
      io.fabric8.kubernetes.api.model.HasMetadata live,
      io.fabric8.kubernetes.api.model.HasMetadata desired) {
    ObjectMapper json = Serialization.jsonMapper();
    var wanted = json.valueToTree(desired);
    var actual = json.valueToTree(live);
    return JsonSubset.within(wanted.path("webhooks"), actual.path("webhooks"))
        && JsonSubset.within(
            wanted.path("metadata").path("labels"), actual.path("metadata").path("labels"))
        && JsonSubset.within(
            wanted.path("metadata").path("ownerReferences"),
            actual.path("metadata").path("ownerReferences"));
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
