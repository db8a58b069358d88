package dev.gantry.operator.provision;

import dev.gantry.operator.provision.OutputsSecret.ReadFile;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads through the API server's exec into the pod: the operator's one use of pods/exec, and only
 * into pods it made. Nothing passes through logs; stderr is kept only to explain a failure. The
 * whole read, stream and exit code, has one deadline: a stalled kubelet or a half-open connection
 * ends the exec instead of holding its thread.
 */
public final class ExecVolumeReader implements VolumeReader {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** Closes execs that overran their deadline; one daemon thread for every reader. */
  private static final ScheduledExecutorService DEADLINES =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "gantry-exec-deadlines");
            t.setDaemon(true);
            return t;
          });

  private final Duration timeout;

  public ExecVolumeReader() {
    this(DEFAULT_TIMEOUT);
  }

  public ExecVolumeReader(Duration timeout) {
    this.timeout = timeout;
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
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + timeout.toNanos();
    AtomicBoolean overran = new AtomicBoolean();
    try (ExecWatch watch =
        client
            .pods()
            .inNamespace(namespace)
            .withName(pod)
            .inContainer(container)
            // The caller saw the container running; waiting for readiness would cost a list
            // and a watch of pods per read.
            .withReadyWaitTimeout(0)
            .redirectingOutput()
            .writingError(errors)
            .exec(VolumeListing.command(mountPath, limit, paths).toArray(String[]::new))) {
      // Closing the stream wakes a read blocked on it; closing the exec only asks the server to
      // close, which a stalled server never answers.
      ScheduledFuture<?> guard =
          DEADLINES.schedule(
              () -> {
                overran.set(true);
                try {
                  watch.getOutput().close();
                } catch (IOException e) {
                  // closing is all that is asked of it
                }
                watch.close();
              },
              timeout.toNanos(),
              TimeUnit.NANOSECONDS);
      try {
        Map<String, ReadFile> read = VolumeListing.parse(watch.getOutput(), paths, limit);
        long left = Math.max(deadline - System.nanoTime(), 0);
        int code = watch.exitCode().get(left, TimeUnit.NANOSECONDS);
        if (code != 0) {
          throw new VolumeReadException(
              "reading in pod " + pod + " failed with exit code " + code + ": " + errors);
        }
        return read;
      } finally {
        guard.cancel(false);
      }
    } catch (IOException
        | ExecutionException
        | TimeoutException
        | KubernetesClientException
        | VolumeReadException e) {
      if (overran.get() || e instanceof TimeoutException) {
        throw new VolumeReadException(
            "reading in pod "
                + pod
                + " got no complete answer within "
                + timeout.toSeconds()
                + " s");
      }
      if (e instanceof VolumeReadException v) {
        throw v;
      }
      throw new VolumeReadException("reading in pod " + pod + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VolumeReadException("interrupted while reading in pod " + pod);
    }
  }
}
