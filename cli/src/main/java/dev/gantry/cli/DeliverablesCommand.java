package dev.gantry.cli;

import dev.gantry.api.provision.DeliverableFile;
import dev.gantry.api.provision.Provision;
import dev.gantry.operator.provision.ProvisionSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "deliverables",
    description = "Work with a Provision's deliverables (kubeconfig, keys, state).",
    subcommands = DeliverablesCommand.Get.class)
final class DeliverablesCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "get",
      description = {
        "Download the deliverables into a directory and check them against the list in status.",
        "They are kubeconfigs and keys: each file is written readable by you alone (0600), and a"
            + " directory made here is yours alone (0700), as ssh and kubectl expect.",
        "Copies from the apply pod's deliverables sidecar while it runs; otherwise starts a short-lived"
            + " pod that mounts the volume read-only, copies, and removes it."
      },
      footer = {
        "",
        "Examples:",
        "  gantry deliverables get provision/rancher -o ~/rancher",
        "  KUBECONFIG=~/rancher/kubeconfig kubectl get nodes"
      })
  static final class Get implements Callable<Integer> {
    private final KubeClients clients;

    @Spec CommandSpec spec;
    @Mixin KubeOptions kube;

    @Parameters(arity = "1..2", paramLabel = "TYPE/NAME", description = "Whose deliverables.")
    List<String> what;

    @Option(
        names = {"-o", "--output"},
        required = true,
        description = "Directory to write the files into (created if missing).")
    Path output;

    @Option(
        names = "--tools-image",
        defaultValue = "${env:GANTRY_TOOLS_IMAGE:-" + ProvisionSettings.DEFAULT_TOOLS_IMAGE + "}",
        description = "Image of the fetch pod (needs tar). Default: ${DEFAULT-VALUE}.")
    String toolsImage;

    @Option(
        names = "--timeout",
        defaultValue = "3m",
        description = "How long the fetch pod may take to start. Default: ${DEFAULT-VALUE}.")
    String timeout;

    Get(KubeClients clients) {
      this.clients = clients;
    }

    @Override
    public Integer call() throws Exception {
      ResourceRef ref = ResourceRef.parse(what);
      try (KubernetesClient client = clients.forContext(kube.context)) {
        String namespace = kube.namespace(client);
        Provision p =
            client.resources(Provision.class).inNamespace(namespace).withName(ref.name()).get();
        if (p == null) {
          throw new UserError(ref + " not found in namespace " + namespace);
        }
        new DeliverablesVolume(
                client, namespace, p, toolsImage, timeout, spec.commandLine().getErr())
            .use(
                mounted -> {
                  try {
                    new DeliverablesDirectory(output)
                        .receive(
                            mounted.mountPath(),
                            folder ->
                                copy(
                                    client,
                                    namespace,
                                    mounted.pod(),
                                    mounted.container(),
                                    mounted.mountPath(),
                                    folder));
                  } catch (IOException e) {
                    throw new UserError(
                        "could not write the deliverables to " + output + ": " + e.getMessage());
                  }
                  return null;
                });
        report(p);
        return 0;
      }
    }

    private static void copy(
        KubernetesClient client,
        String namespace,
        String pod,
        String container,
        String mountPath,
        Path folder) {
      boolean ok =
          client
              .pods()
              .inNamespace(namespace)
              .withName(pod)
              .inContainer(container)
              .dir(mountPath)
              .copy(folder);
      if (!ok) {
        throw new UserError("copying " + mountPath + " from pod " + pod + " failed");
      }
    }

    private void report(Provision p) throws IOException, NoSuchAlgorithmException {
      var out = spec.commandLine().getOut();
      List<String> problems = new ArrayList<>();
      List<DeliverableFile> listed =
          p.getStatus() == null || p.getStatus().deliverables == null
              ? List.of()
              : p.getStatus().deliverables.files;
      for (DeliverableFile f : listed) {
        Path file = output.resolve(f.name);
        if (!Files.exists(file)) {
          problems.add(f.name + " is listed in status but was not on the volume");
        } else if (!sha256(file).equals(f.sha256)) {
          problems.add(f.name + " differs from the apply's (changed since the apply ended?)");
        }
      }
      try (var files = Files.walk(output)) {
        long count = files.filter(Files::isRegularFile).count();
        out.printf(
            "%d file(s) written to %s%s%n",
            count,
            output,
            listed.isEmpty()
                ? ""
                : ", "
                    + (listed.size() - problems.size())
                    + " of "
                    + listed.size()
                    + " checked against status");
      }
      problems.forEach(problem -> spec.commandLine().getErr().println("warning: " + problem));
      out.flush();
    }

    static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buffer = new byte[65536];
        int n;
        while ((n = in.read(buffer)) > 0) {
          digest.update(buffer, 0, n);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    }
  }
}
