package dev.gantry.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "install",
    description = {
      "Install Gantry's CRDs (and with --image the operator) into the cluster.",
      "With --image also the namespace gantry-system, least-privilege RBAC and the operator"
          + " Deployment (two replicas, leader election)."
    },
    footer = {
      "",
      "Examples:",
      "  gantry install                                  # CRDs only (then run the operator with gantry dev)",
      "  gantry install --image gantry-operator:0.1.0    # everything",
      "  gantry install --image gantry-operator:0.1.0 --dry-run > gantry.yaml"
    })
final class InstallCommand implements Callable<Integer> {
  private final KubeClients clients;

  @Spec CommandSpec spec;

  @Option(
      names = "--image",
      description = "Operator image; installs the operator Deployment and its RBAC too.")
  String image;

  @Option(names = "--dry-run", description = "Print the manifests instead of applying them.")
  boolean dryRun;

  @Option(names = "--context", description = "Kube context to use (default: the current one).")
  String context;

  InstallCommand(KubeClients clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() {
    List<HasMetadata> items = manifests(image);
    PrintWriter out = spec.commandLine().getOut();
    if (dryRun) {
      for (HasMetadata item : items) {
        out.print(Serialization.asYaml(item));
      }
      out.flush();
      return 0;
    }
    try (KubernetesClient client = clients.forContext(context)) {
      for (HasMetadata item : items) {
        boolean existed = client.resource(item).get() != null;
        client.resource(item).createOr(r -> r.update());
        out.println(
            item.getKind().toLowerCase()
                + "/"
                + item.getMetadata().getName()
                + (existed ? " configured" : " created"));
      }
      out.flush();
      return 0;
    }
  }

  static List<HasMetadata> manifests(String image) {
    List<HasMetadata> items = new ArrayList<>(Manifests.crds());
    if (image != null) {
      for (HasMetadata item : Manifests.operator()) {
        if (item instanceof Deployment deployment) {
          deployment.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
        }
        items.add(item);
      }
    }
    return items;
  }
}
