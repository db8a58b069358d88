package dev.gantry.operator.provision;

import dev.gantry.operator.provision.OutputsSecret.ReadFile;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads through the API server's exec into the pod: the operator's one use of pods/exec, and only
 * into pods it made. Nothing passes through logs; stderr is kept only to explain a failure.
 */
public final class ExecVolumeReader implements VolumeReader {
  static final long TIMEOUT_SECONDS = 60;

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
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    try (ExecWatch watch =
        client
            .pods()
            .inNamespace(namespace)
            .withName(pod)
            .inContainer(container)
            .redirectingOutput()
            .writingError(errors)
            .exec(VolumeListing.command(mountPath, limit, paths).toArray(String[]::new))) {
      Map<String, ReadFile> read = VolumeListing.parse(watch.getOutput(), paths, limit);
      int code = watch.exitCode().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (code != 0) {
        throw new VolumeReadException(
            "reading in pod " + pod + " failed with exit code " + code + ": " + errors);
      }
      return read;
    } catch (IOException | ExecutionException | TimeoutException | KubernetesClientException e) {
      throw new VolumeReadException("reading in pod " + pod + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VolumeReadException("interrupted while reading in pod " + pod);
    }
  }
}
