package dev.gantry.cli;

import dev.gantry.operator.provision.ProvisionSettings;
import dev.gantry.operator.relations.InjectionSettings;
import dev.gantry.operator.relations.RelationsWebhook;
import dev.gantry.operator.relations.WebhookRegistration;
import dev.gantry.operator.runtime.GantryOperator;
import dev.gantry.operator.runtime.OperatorOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "operator",
    description = {
      "Run every Gantry controller until stopped.",
      "This is what the in-cluster Deployment runs. Each option can also be set with the"
          + " environment variable in brackets."
    },
    footer = {
      "",
      "Examples:",
      "  gantry operator",
      "  gantry operator --namespace infra --namespace team-a --http-port 9090",
      "  GANTRY_LEADER_ELECTION=true gantry operator"
    })
final class OperatorCommand implements Callable<Integer> {
  private final KubeClients clients;

  @Spec CommandSpec spec;

  @Option(
      names = "--namespace",
      split = ",",
      defaultValue = "${env:GANTRY_NAMESPACES}",
      description =
          "Namespace to watch; repeat or comma-separate for several [GANTRY_NAMESPACES]. Default: all.")
  List<String> namespaces;

  @Option(
      names = "--leader-election",
      defaultValue = "${env:GANTRY_LEADER_ELECTION:-false}",
      fallbackValue = "true",
      arity = "0..1",
      description =
          "Reconcile only while holding the Lease "
              + OperatorOptions.LEASE_NAME
              + ", for several replicas [GANTRY_LEADER_ELECTION].")
  boolean leaderElection;

  @Option(
      names = "--lease-namespace",
      defaultValue = "${env:GANTRY_LEASE_NAMESPACE}",
      description =
          "Namespace of the Lease [GANTRY_LEASE_NAMESPACE]. Default: the client's namespace.")
  String leaseNamespace;

  @Option(
      names = "--http-port",
      defaultValue = "${env:GANTRY_HTTP_PORT:-8080}",
      description =
          "Port of /healthz, /readyz and /metrics; -1 turns them off [GANTRY_HTTP_PORT]. Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(
      names = "--tools-image",
      defaultValue = "${env:GANTRY_TOOLS_IMAGE:-" + ProvisionSettings.DEFAULT_TOOLS_IMAGE + "}",
      description =
          "Image with a static busybox for the Provision init container and sidecar [GANTRY_TOOLS_IMAGE]. Default: ${DEFAULT-VALUE}.")
  String toolsImage;

  @Option(
      names = "--image-pull-policy",
      defaultValue = "${env:GANTRY_IMAGE_PULL_POLICY}",
      description =
          "Pull policy of the images Gantry adds to pods (the Provision tools image, the relations gate) where the resource sets none: Always, IfNotPresent or Never; Never suits clusters that cannot pull [GANTRY_IMAGE_PULL_POLICY]. Default: the cluster's.")
  String imagePullPolicy;

  @Option(names = "--context", description = "Kube context to use (default: the current one).")
  String context;

  @Option(
      names = "--webhook-port",
      defaultValue = "${env:GANTRY_WEBHOOK_PORT:--1}",
      description =
          "Serve the relations admission webhook over HTTPS on this port; -1 (default) runs without it [GANTRY_WEBHOOK_PORT].")
  int webhookPort;

  @Option(
      names = "--webhook-service",
      defaultValue = "${env:GANTRY_WEBHOOK_SERVICE}",
      description =
          "Service in --webhook-namespace through which the API server reaches the webhook (port 443) [GANTRY_WEBHOOK_SERVICE].")
  String webhookService;

  @Option(
      names = "--webhook-url",
      defaultValue = "${env:GANTRY_WEBHOOK_URL}",
      description =
          "Or a URL the API server reaches the webhook at, for an operator outside the cluster [GANTRY_WEBHOOK_URL].")
  String webhookUrl;

  @Option(
      names = "--webhook-namespace",
      defaultValue = "${env:GANTRY_WEBHOOK_NAMESPACE}",
      description =
          "Namespace of the webhook Service and its certificate Secret [GANTRY_WEBHOOK_NAMESPACE]. Default: the client's namespace.")
  String webhookNamespace;

  @Option(
      names = "--gate-image",
      defaultValue = "${env:GANTRY_GATE_IMAGE:-busybox:1.36}",
      description =
          "Image of the init container that holds back consumers whose relations are missing [GANTRY_GATE_IMAGE]. Default: ${DEFAULT-VALUE}.")
  String gateImage;

  @Option(
      names = "--stack-service-account",
      defaultValue = "${env:GANTRY_STACK_SERVICE_ACCOUNT:-default}",
      description =
          "The ServiceAccount a Stack's objects are written as when the Stack names none, in the Stack's namespace [GANTRY_STACK_SERVICE_ACCOUNT]. Default: ${DEFAULT-VALUE}.")
  String stackServiceAccount;

  OperatorCommand(KubeClients clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() throws InterruptedException {
    ClusterCheck.requireReachable(clients, context);
    KubernetesClient client = clients.forOperator(context);
    OperatorOptions options = options().withWebhook(webhook(client.getNamespace()));
    run(client, options, spec.commandLine().getOut());
    return 0;
  }

  OperatorOptions options() {
    Set<String> watched = new LinkedHashSet<>();
    if (namespaces != null) {
      namespaces.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(watched::add);
    }
    return new OperatorOptions(
            watched,
            leaderElection,
            leaseNamespace,
            httpPort,
            new ProvisionSettings(
                toolsImage, ProvisionSettings.DEFAULT_DESTROY_RETRY_BASE, pullPolicy()))
        .withStackServiceAccount(stackServiceAccount);
  }

  private String pullPolicy() {
    if (imagePullPolicy == null || imagePullPolicy.isBlank()) {
      return null;
    }
    if (!java.util.Set.of("Always", "IfNotPresent", "Never").contains(imagePullPolicy)) {
      throw new UserError(
          "--image-pull-policy must be Always, IfNotPresent or Never, not \""
              + imagePullPolicy
              + "\"");
    }
    return imagePullPolicy;
  }

  /** The webhook settings, or null when it is off. */
  RelationsWebhook.Settings webhook(String clientNamespace) {
    if (webhookPort < 0) {
      if (webhookService != null || webhookUrl != null) {
        throw new UserError(
            "--webhook-service and --webhook-url need --webhook-port (for example 9443)");
      }
      return null;
    }
    if ((webhookService == null) == (webhookUrl == null)) {
      throw new UserError(
          "the webhook needs exactly one of --webhook-service (in a cluster) or --webhook-url"
              + " (an address the API server can reach)");
    }
    String namespace =
        webhookNamespace != null
            ? webhookNamespace
            : clientNamespace == null ? "default" : clientNamespace;
    List<String> names;
    WebhookRegistration.Target target;
    if (webhookService != null) {
      names =
          List.of(
              webhookService,
              webhookService + "." + namespace,
              webhookService + "." + namespace + ".svc",
              webhookService + "." + namespace + ".svc.cluster.local");
      target = WebhookRegistration.Target.service(namespace, webhookService, 443);
    } else {
      String host = java.net.URI.create(webhookUrl).getHost();
      if (host == null) {
        throw new UserError(
            "--webhook-url " + webhookUrl + " has no host: write it as https://HOST:PORT");
      }
      names = List.of(host);
      target = WebhookRegistration.Target.url(webhookUrl);
    }
    return new RelationsWebhook.Settings(
        namespace,
        names,
        "0.0.0.0",
        webhookPort,
        target,
        new InjectionSettings(gateImage, pullPolicy()));
  }

  /** Starts the operator, prints its configuration once, and blocks until the JVM is stopped. */
  static void run(KubernetesClient client, OperatorOptions options, PrintWriter out)
      throws InterruptedException {
    out.println("gantry operator " + GantryCli.version());
    out.println("  cluster:         " + client.getMasterUrl());
    out.println(
        "  namespaces:      "
            + (options.namespaces().isEmpty() ? "all" : String.join(",", options.namespaces())));
    out.println(
        "  leader election: "
            + (options.leaderElection() ? "on (Lease " + OperatorOptions.LEASE_NAME + ")" : "off"));
    out.println("  http port:       " + (options.httpPort() < 0 ? "off" : options.httpPort()));
    out.println(
        "  tools image:     "
            + options.provision().toolsImage()
            + (options.provision().toolsPullPolicy() == null
                ? ""
                : " (pull policy " + options.provision().toolsPullPolicy() + ")"));
    out.println(
        "  relations hook:  "
            + (options.webhook() == null
                ? "off (the relations controller still injects workloads)"
                : "https on port "
                    + options.webhook().port()
                    + " for "
                    + (options.webhook().target().url() != null
                        ? options.webhook().target().url()
                        : "Service "
                            + options.webhook().target().serviceNamespace()
                            + "/"
                            + options.webhook().target().serviceName())));
    out.println("  controllers:     provision, minicluster, relations, relation");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    GantryOperator operator = new GantryOperator(client, options, Clock.systemUTC());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.close();
                  client.close();
                  stopped.countDown();
                },
                "gantry-shutdown"));
    operator.start();
    out.println("operator started; press Ctrl-C to stop");
    out.flush();
    stopped.await();
  }
}
