package dev.gantry.operator.provision;

import dev.gantry.api.provision.DestroyPreviewStatus;
import dev.gantry.api.provision.Provision;
import dev.gantry.operator.kube.ChildWriter;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers a destroy-preview request (the gantry.dev/destroy-preview annotation, a new token each
 * time): once no other run is going, Job {@code preview-<name>} plans the destroy on a copy of the
 * state with spec.destroy.retain forgotten, and status lists what it would remove and keep.
 */
final class DestroyPreview {
  static final String RUNNING = "Running";
  static final String WAITING = "Waiting";
  private static final Pattern DESTROYED = Pattern.compile("^\\s*# (.+) will be destroyed\\s*$");
  private static final String KEPT = "# gantry: kept: ";

  private final ProvisionSettings settings;

  DestroyPreview(ProvisionSettings settings) {
    this.settings = settings;
  }

  /**
   * @param busy another run of this Provision is going; a preview waits for it
   * @return the status to show: the previous one when nothing was asked
   */
  DestroyPreviewStatus evaluate(
      Provision provision,
      Optional<Job> job,
      List<Pod> pods,
      boolean busy,
      KubernetesClient client) {
    var status = provision.getStatus();
    DestroyPreviewStatus previous = status == null ? null : status.destroyPreview;
    String token = token(provision);
    if (token == null) {
      return previous;
    }
    String name = provision.getMetadata().getName();
    if (job.isPresent()) {
      RunOutcome outcome =
          RunObserver.observe(
              job.get(),
              pods,
              ProvisionNames.previewContainer(name),
              provision.getSpec().backoffLimitOrDefault());
      String answers =
          job.get().getMetadata().getAnnotations() == null
              ? null
              : job.get().getMetadata().getAnnotations().get(Provision.DESTROY_PREVIEW_ANNOTATION);
      if (!token.equals(answers)) {
        // An earlier request's Job: it goes, and its deletion brings the next pass.
        if (!outcome.running() && job.get().getMetadata().getDeletionTimestamp() == null) {
          client.resource(job.get()).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
        }
        return waiting(token, "the preview of an earlier request is being removed");
      }
      DestroyPreviewStatus result = new DestroyPreviewStatus();
      result.token = token;
      result.run = outcome.id().toString();
      if (outcome.running()) {
        result.phase = RUNNING;
        result.message = outcome.message().isEmpty() ? null : outcome.message();
        return result;
      }
      if (outcome.failed()) {
        result.phase = "Failed";
        result.message =
            "Job " + job.get().getMetadata().getName() + " failed: " + outcome.message();
        return result;
      }
      return parse(outcome.report(), result);
    }
    if (previous != null && token.equals(previous.token) && !WAITING.equals(previous.phase)) {
      return previous; // answered, and its Job removed since
    }
    if (busy) {
      return waiting(token, "a run is going; the preview starts when it ends");
    }
    RunId run = RunId.next(status, generation(provision));
    ChildWriter.create(client, RunJob.preview(provision, settings, run, token));
    DestroyPreviewStatus started = new DestroyPreviewStatus();
    started.token = token;
    started.run = run.toString();
    started.phase = RUNNING;
    return started;
  }

  /** The preview's termination message: kept addresses, destroyed addresses, the summary. */
  static DestroyPreviewStatus parse(String message, DestroyPreviewStatus into) {
    into.phase = "Succeeded";
    if (message == null || !message.startsWith(RunScripts.PREVIEW_HEADER)) {
      into.truncated = true;
      return into;
    }
    String[] lines = message.split("\n", -1);
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      boolean complete = i < lines.length - 1;
      if (!complete) {
        if (!line.isEmpty()) {
          into.truncated = true;
        }
        continue;
      }
      Matcher destroyed = DESTROYED.matcher(line);
      if (line.startsWith(KEPT)) {
        into.kept.add(line.substring(KEPT.length()).strip());
      } else if (destroyed.matches()) {
        into.destroy.add(destroyed.group(1));
      } else if (line.contains("to destroy") || line.contains("No changes")) {
        into.summary = line.strip();
      }
    }
    return into;
  }

  private static DestroyPreviewStatus waiting(String token, String why) {
    DestroyPreviewStatus waiting = new DestroyPreviewStatus();
    waiting.token = token;
    waiting.phase = WAITING;
    waiting.message = why;
    return waiting;
  }

  static String token(Provision provision) {
    var annotations = provision.getMetadata().getAnnotations();
    String token =
        annotations == null ? null : annotations.get(Provision.DESTROY_PREVIEW_ANNOTATION);
    return token == null || token.isBlank() ? null : token.strip();
  }

  private static long generation(Provision provision) {
    Long generation = provision.getMetadata().getGeneration();
    return generation == null ? 1L : generation;
  }
}
