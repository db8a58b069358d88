package dev.gantry.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A short shell script run in a container that mounts the deliverables volume. */
final class VolumeExec {
  /** What the script printed and how it ended. */
  record Result(int exitCode, byte[] output) {}

  private VolumeExec() {}

  /** Runs {@code script} with the mount path as $1 and {@code args} after it. */
  static Result run(
      KubernetesClient client,
      String namespace,
      DeliverablesVolume.Mounted mounted,
      String script,
      String... args)
      throws Exception {
    List<String> command =
        new ArrayList<>(List.of("sh", "-c", script, "gantry", mounted.mountPath()));
    command.addAll(List.of(args));
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    try (ExecWatch watch =
        client
            .pods()
            .inNamespace(namespace)
            .withName(mounted.pod())
            .inContainer(mounted.container())
            .redirectingOutput()
            .exec(command.toArray(String[]::new))) {
      watch.getOutput().transferTo(output);
      return new Result(watch.exitCode().get(1, TimeUnit.MINUTES), output.toByteArray());
    }
  }
}
