package dev.gantry.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "apply",
    description =
        "Create or update resources from YAML files (any kind, several documents per file).",
    footer = {
      "",
      "Examples:",
      "  gantry apply -f examples/provision/hello/provision.yaml",
      "  gantry apply -f rancher.yaml -n infra",
      "  cat provision.yaml | gantry apply -f -"
    })
final class ApplyCommand implements Callable<Integer> {
  private final KubeClients clients;

  @Spec CommandSpec spec;
  @Mixin KubeOptions kube;

  @Option(
      names = {"-f", "--filename"},
      required = true,
      description = "File or directory to apply; - reads standard input.")
  List<String> files;

  ApplyCommand(KubeClients clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() throws IOException {
    try (KubernetesClient client = clients.forContext(kube.context)) {
      String namespace = kube.namespace(client);
      for (String file : files) {
        for (Path path : paths(file)) {
          try (InputStream in = path == null ? System.in : new FileInputStream(path.toFile())) {
            List<HasMetadata> items;
            try {
              items = client.load(in).items();
            } catch (RuntimeException e) {
              throw new UserError(
                  (path == null ? "standard input" : path)
                      + " is not valid Kubernetes YAML: "
                      + Errors.describe(e));
            }
            for (HasMetadata item : items) {
              apply(client, item, namespace);
            }
          }
        }
      }
      return 0;
    }
  }

  private void apply(KubernetesClient client, HasMetadata item, String namespace) {
    String label =
        item.getKind().toLowerCase() + "." + groupOf(item) + "/" + item.getMetadata().getName();
    try {
      var resource =
          client
              .resource(item)
              .inNamespace(
                  item.getMetadata().getNamespace() != null
                      ? item.getMetadata().getNamespace()
                      : namespace);
      boolean exists = resource.get() != null;
      if (exists) {
        resource.update();
        spec.commandLine().getOut().println(label + " configured");
      } else {
        resource.create();
        spec.commandLine().getOut().println(label + " created");
      }
      spec.commandLine().getOut().flush();
    } catch (KubernetesClientException e) {
      throw new UserError(label + ": " + Errors.describe(e));
    }
  }

  private static String groupOf(HasMetadata item) {
    String apiVersion = item.getApiVersion();
    return apiVersion != null && apiVersion.contains("/")
        ? apiVersion.substring(0, apiVersion.indexOf('/'))
        : "";
  }

  private static List<Path> paths(String file) throws IOException {
    if ("-".equals(file)) {
      return java.util.Collections.singletonList(null);
    }
    Path path = Path.of(file);
    if (!Files.exists(path)) {
      throw new UserError("file " + file + " does not exist");
    }
    if (Files.isDirectory(path)) {
      try (var stream = Files.list(path)) {
        return stream
            .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
            .sorted()
            .toList();
      }
    }
    return List.of(path);
  }
}
