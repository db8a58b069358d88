package dev.gantry.operator.provision;

import dev.gantry.operator.provision.OutputsSecret.ReadFile;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deliverables volumes of a cluster without a kubelet: one directory per claim. Reads run
 * Gantry's real listing script under the real static busybox, in place of exec into the pod; only
 * the transport differs. The pod must exist and mount the claim, as exec would need.
 */
final class DirectoryVolumes implements VolumeReader {
  static final Path BUSYBOX = Path.of("/usr/bin/busybox");

  private final Path root;
  final AtomicInteger reads = new AtomicInteger();
  final List<String> readThrough = new java.util.concurrent.CopyOnWriteArrayList<>();

  DirectoryVolumes(Path root) {
    this.root = root;
  }

  /** The directory standing for a claim's volume, created on first use. */
  Path claim(String namespace, String claim) throws IOException {
    return Files.createDirectories(root.resolve(namespace).resolve(claim));
  }

  @Override
  public Map<String, ReadFile> read(
      KubernetesClient client,
      String namespace,
      String pod,
      String container,
      String mountPath,
      List<String> paths,
      long limit)
      throws VolumeReadException {
    Pod live = client.pods().inNamespace(namespace).withName(pod).get();
    if (live == null) {
      throw new VolumeReadException("pod " + pod + " not found");
    }
    String claim =
        live.getSpec().getVolumes().stream()
            .filter(v -> v.getPersistentVolumeClaim() != null)
            .map(v -> v.getPersistentVolumeClaim().getClaimName())
            .findFirst()
            .orElseThrow(() -> new VolumeReadException("pod " + pod + " mounts no claim"));
    try {
      Path dir = claim(namespace, claim);
      List<String> command = new ArrayList<>(List.of(BUSYBOX.toString()));
      List<String> script = VolumeListing.command(dir.toString(), limit, paths);
      command.addAll(script);
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      Map<String, ReadFile> read;
      try (var out = process.getInputStream()) {
        read = VolumeListing.parse(out, paths, limit);
        out.transferTo(java.io.OutputStream.nullOutputStream());
      }
      if (process.waitFor() != 0) {
        throw new VolumeReadException("the listing script failed: " + process.exitValue());
      }
      reads.incrementAndGet();
      readThrough.add(pod + "/" + container);
      return read;
    } catch (IOException e) {
      throw new VolumeReadException(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VolumeReadException("interrupted");
    }
  }
}
