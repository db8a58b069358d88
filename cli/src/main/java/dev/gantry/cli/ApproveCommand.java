package dev.gantry.cli;

import dev.gantry.api.provision.PlanStatus;
import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus.Phase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "approve",
    description = {
      "Approve the plan a Provision with approval: manual awaits, so its apply runs exactly that"
          + " plan.",
      "Records the plan's id in the gantry.dev/approved-plan annotation; the operator applies it"
          + " only if it is still the plan of the current generation, and refuses any other."
    },
    footer = {
      "",
      "Examples:",
      "  gantry plan provision/rancher          # review it first",
      "  gantry approve provision/rancher",
      "  gantry approve provision/rancher --plan 3-1   # only if 3-1 is the plan awaiting"
    })
final class ApproveCommand implements Callable<Integer> {
  private final KubeClients clients;

  @Spec CommandSpec spec;
  @Mixin KubeOptions kube;

  @Parameters(arity = "1..2", paramLabel = "TYPE/NAME", description = "The Provision.")
  List<String> what;

  @Option(
      names = "--plan",
      paramLabel = "ID",
      description =
          "The plan you reviewed (as gantry plan prints it); refused when another plan awaits.")
  String plan;

  ApproveCommand(KubeClients clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() {
    ResourceRef ref = ResourceRef.parse(what);
    if (ref.kind() != ResourceKind.PROVISION) {
      throw new UserError("approve applies to provisions only");
    }
    try (KubernetesClient client = clients.forContext(kube.context)) {
      String namespace = kube.namespace(client);
      Provision p =
          client.resources(Provision.class).inNamespace(namespace).withName(ref.name()).get();
      PlanStatus awaiting = awaitingPlan(p, ref, namespace);
      if (plan != null && !plan.equals(awaiting.id)) {
        throw new UserError(
            "plan "
                + plan
                + " is not the plan awaiting approval: that is "
                + awaiting.id
                + " ("
                + awaiting.summary
                + ", generation "
                + awaiting.generation
                + "); review it with gantry plan "
                + ref);
      }
      var annotations = new HashMap<String, String>();
      if (p.getMetadata().getAnnotations() != null) {
        annotations.putAll(p.getMetadata().getAnnotations());
      }
      annotations.put(Provision.APPROVED_PLAN_ANNOTATION, awaiting.id);
      p.getMetadata().setAnnotations(annotations);
      try {
        // An update, not a patch: it fails if the Provision changed since it was read, so a plan
        // superseded meanwhile is never approved.
        client.resource(p).update();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          throw new UserError(
              ref + " changed while approving; look at its plan again: gantry plan " + ref);
        }
        throw e;
      }
      spec.commandLine()
          .getOut()
          .println(
              "approved plan "
                  + awaiting.id
                  + " of generation "
                  + awaiting.generation
                  + " ("
                  + awaiting.summary
                  + "); follow the apply: gantry logs "
                  + ref
                  + " -f");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  private static PlanStatus awaitingPlan(Provision p, ResourceRef ref, String namespace) {
    if (p == null) {
      throw new UserError(ref + " not found in namespace " + namespace);
    }
    if (!p.getSpec().manualApproval()) {
      throw new UserError(
          ref
              + " applies every generation at once (spec.approval is auto): there is nothing to"
              + " approve");
    }
    var status = p.getStatus();
    PlanStatus awaiting = status == null ? null : status.plan;
    boolean current =
        awaiting != null
            && Objects.equals(awaiting.generation, p.getMetadata().getGeneration())
            && Objects.equals(status.observedGeneration, p.getMetadata().getGeneration());
    if (!current || status.phase != Phase.AwaitingApproval) {
      String phase =
          status == null || status.phase == null ? "not yet reconciled" : status.phase.name();
      throw new UserError(
          ref
              + " has no plan awaiting approval (phase "
              + phase
              + (status != null && status.phase == Phase.Planning
                  ? ": generation "
                      + p.getMetadata().getGeneration()
                      + " is being planned; wait"
                      + " for it: gantry wait "
                      + ref
                      + " --for=planned"
                  : "")
              + ")");
    }
    return awaiting;
  }
}
