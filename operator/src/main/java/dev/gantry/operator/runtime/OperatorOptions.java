package dev.gantry.operator.runtime;

import dev.gantry.operator.provision.ProvisionSettings;
import dev.gantry.operator.relations.RelationsWebhook;
import java.util.Set;

/**
 * How the operator runs.
 *
 * @param namespaces namespaces to watch; empty watches all
 * @param leaderElection take a Lease before reconciling, so only one of several replicas acts
 * @param leaseNamespace namespace of the Lease; the client's namespace when null
 * @param httpPort port of /healthz, /readyz and /metrics; 0 picks a free one, negative disables
 * @param provision settings of the Provision controller
 * @param webhook the relations admission webhook, or null to run without it (the relations
 *     controller still injects existing workloads)
 * @param stackServiceAccount the ServiceAccount a Stack's children are written as when the Stack
 *     names none (in the Stack's namespace)
 */
public record OperatorOptions(
    Set<String> namespaces,
    boolean leaderElection,
    String leaseNamespace,
    int httpPort,
    ProvisionSettings provision,
    RelationsWebhook.Settings webhook,
    String stackServiceAccount) {
  public static final String LEASE_NAME = "gantry-operator-leader";

  /** The account a Stack that names none writes as: its namespace's default. */
  public static final String DEFAULT_STACK_SERVICE_ACCOUNT = "default";

  public OperatorOptions(
      Set<String> namespaces,
      boolean leaderElection,
      String leaseNamespace,
      int httpPort,
      ProvisionSettings provision) {
    this(
        namespaces,
        leaderElection,
        leaseNamespace,
        httpPort,
        provision,
        null,
        DEFAULT_STACK_SERVICE_ACCOUNT);
  }

  public OperatorOptions withWebhook(RelationsWebhook.Settings settings) {
    return new OperatorOptions(
        namespaces,
        leaderElection,
        leaseNamespace,
        httpPort,
        provision,
        settings,
        stackServiceAccount);
  }

  public static OperatorOptions defaults() {
    return new OperatorOptions(Set.of(), false, null, 8080, ProvisionSettings.defaults());
  }

  public OperatorOptions withHttpPort(int port) {
    return new OperatorOptions(
        namespaces, leaderElection, leaseNamespace, port, provision, webhook, stackServiceAccount);
  }

  public OperatorOptions withNamespaces(Set<String> watched) {
    return new OperatorOptions(
        watched, leaderElection, leaseNamespace, httpPort, provision, webhook, stackServiceAccount);
  }

  public OperatorOptions withStackServiceAccount(String account) {
    return new OperatorOptions(
        namespaces,
        leaderElection,
        leaseNamespace,
        httpPort,
        provision,
        webhook,
        account == null || account.isBlank() ? DEFAULT_STACK_SERVICE_ACCOUNT : account);
  }
}
