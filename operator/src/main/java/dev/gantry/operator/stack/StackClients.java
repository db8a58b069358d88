package dev.gantry.operator.stack;

import dev.gantry.api.stack.Stack;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Clients that act as a Stack's ServiceAccount (impersonated, as Flux's kustomize-controller does),
 * so a Stack makes only what that account may: the operator holds the right to impersonate
 * ServiceAccounts, not to write every kind. One client per account, kept while the operator runs.
 * The API server adds the account's groups itself when a ServiceAccount is impersonated.
 */
final class StackClients implements AutoCloseable {
  private final KubernetesClient operator;
  private final String defaultAccount;
  private final Map<String, KubernetesClient> byAccount = new ConcurrentHashMap<>();

  /**
   * @param defaultAccount the account of a Stack that names none (the operator's setting)
   */
  StackClients(KubernetesClient operator, String defaultAccount) {
    this.operator = operator;
    this.defaultAccount = defaultAccount;
  }

  /** The client that writes {@code stack}'s children. */
  KubernetesClient writer(Stack stack) {
    String user = account(stack);
    return byAccount.computeIfAbsent(
        user,
        u ->
            new KubernetesClientBuilder()
                .withConfig(
                    new ConfigBuilder(operator.getConfiguration())
                        .withImpersonateUsername(u)
                        .build())
                .build());
  }

  /** The operator's own client, for what is Gantry's rather than the Stack's (its holds). */
  KubernetesClient operator() {
    return operator;
  }

  /** The user name the API server knows the Stack's ServiceAccount by. */
  String account(Stack stack) {
    return "system:serviceaccount:" + stack.getMetadata().getNamespace() + ":" + accountName(stack);
  }

  /** The ServiceAccount the Stack's children are written as: its own, or the operator's default. */
  String accountName(Stack stack) {
    String named = stack.getSpec().serviceAccountName;
    return named == null || named.isBlank() ? defaultAccount : named;
  }

  @Override
  public void close() {
    byAccount.values().forEach(KubernetesClient::close);
    byAccount.clear();
  }
}
