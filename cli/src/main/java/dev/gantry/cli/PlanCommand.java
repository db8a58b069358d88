package dev.gantry.cli;

import dev.gantry.api.provision.PlanStatus;
import dev.gantry.api.provision.Provision;
import dev.gantry.operator.provision.ProvisionNames;
import dev.gantry.operator.provision.ProvisionSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "plan",
    description = {
      "Print the plan a Provision with approval: manual made for its generation: what it would"
          + " change, in the tool's words.",
      "Reads the plan's text from the deliverables volume (through the apply pod's sidecar, or a"
          + " short-lived pod that mounts the volume read-only)."
    },
    footer = {
      "",
      "Examples:",
      "  gantry wait provision/rancher --for=planned",
      "  gantry plan provision/rancher",
      "  gantry approve provision/rancher --plan 3-1"
    })
final class PlanCommand implements Callable<Integer> {
  private final KubeClients clients;

  @Spec CommandSpec spec;
  @Mixin KubeOptions kube;

  @Parameters(arity = "1..2", paramLabel = "TYPE/NAME", description = "The Provision.")
  List<String> what;

  @Option(
      names = "--tools-image",
      defaultValue = "${env:GANTRY_TOOLS_IMAGE:-" + ProvisionSettings.DEFAULT_TOOLS_IMAGE + "}",
      description =
          "Image of the pod that reads the volume when no apply pod runs. Default:"
              + " ${DEFAULT-VALUE}.")
  String toolsImage;

  @Option(
      names = "--timeout",
      defaultValue = "3m",
      description = "How long that pod may take to start. Default: ${DEFAULT-VALUE}.")
  String timeout;

  PlanCommand(KubeClients clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() throws Exception {
    ResourceRef ref = ResourceRef.parse(what);
    if (ref.kind() != ResourceKind.PROVISION) {
      throw new UserError("plan applies to provisions only");
    }
    try (KubernetesClient client = clients.forContext(kube.context)) {
      String namespace = kube.namespace(client);
      Provision p =
          client.resources(Provision.class).inNamespace(namespace).withName(ref.name()).get();
      if (p == null) {
        throw new UserError(ref + " not found in namespace " + namespace);
      }
      PlanStatus plan = p.getStatus() == null ? null : p.getStatus().plan;
      if (plan == null || plan.text == null) {
        throw new UserError(
            ref
                + " has no plan"
                + (p.getSpec().manualApproval()
                    ? " yet (phase "
                        + (p.getStatus() == null ? "Pending" : p.getStatus().phase)
                        + "): gantry wait "
                        + ref
                        + " --for=planned"
                    : ": spec.approval is auto, so each generation is applied without one"));
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "Plan %s of generation %s: %s%s%n%n",
          plan.id,
          plan.generation,
          plan.summary,
          Boolean.TRUE.equals(plan.approved)
              ? " (approved)"
              : plan.generation.equals(p.getMetadata().getGeneration())
                  ? " (awaiting gantry approve " + ref + " --plan " + plan.id + ")"
                  : " (superseded: generation " + p.getMetadata().getGeneration() + " is newer)");
      out.flush();
      String text =
          new DeliverablesVolume(
                  client, namespace, p, toolsImage, timeout, spec.commandLine().getErr())
              .use(mounted -> cat(client, namespace, mounted, plan.text, ref));
      out.print(text);
      out.flush();
      return 0;
    }
  }

  private static String cat(
      KubernetesClient client,
      String namespace,
      DeliverablesVolume.Mounted mounted,
      String path,
      ResourceRef ref)
      throws Exception {
    VolumeExec.Result read =
        VolumeExec.run(
            client, namespace, mounted, "cd \"$1\" && [ -f \"$2\" ] || exit 3; cat \"$2\"", path);
    int code = read.exitCode();
    if (code == 3) {
      throw new UserError(
          "the plan's text "
              + path
              + " is not on claim "
              + ProvisionNames.deliverablesClaim(ref.name())
              + " (the runs keep the newest spec.runLogs.keep plans)");
    }
    if (code != 0) {
      throw new UserError("reading " + path + " from pod " + mounted.pod() + " failed");
    }
    return new String(read.output(), StandardCharsets.UTF_8);
  }
}
