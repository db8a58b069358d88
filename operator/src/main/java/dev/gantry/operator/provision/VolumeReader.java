package dev.gantry.operator.provision;

import dev.gantry.operator.provision.OutputsSecret.ReadFile;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * Reads files off a Provision's deliverables volume through a container of a pod Gantry made that
 * mounts it (the apply pod's deliverables sidecar, or the outputs reader pod). The contents go
 * straight into the outputs Secret: never into a log, a ConfigMap or status.
 */
public interface VolumeReader {
  /**
   * @param paths files relative to {@code mountPath}
   * @param limit files larger than this are reported with their size and not read
   * @return every path, present or not
   */
  Map<String, ReadFile> read(
      KubernetesClient client,
      String namespace,
      String pod,
      String container,
      String mountPath,
      List<String> paths,
      long limit)
      throws VolumeReadException;

  /** The transport failed or the script did; the message says which, without any content. */
  final class VolumeReadException extends Exception {
    public VolumeReadException(String message) {
      super(message);
    }
  }
}
