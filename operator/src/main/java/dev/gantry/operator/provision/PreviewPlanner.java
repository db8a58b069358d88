package dev.gantry.operator.provision;

import dev.gantry.api.provision.DestroyPreviewStatus;
import dev.gantry.api.provision.Provision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers a destroy-preview request (the gantry.dev/destroy-preview annotation, a new token each
 * time): once the run slot is free, Job {@code preview-<name>} plans the destroy on a copy of the
 * state with spec.destroy.retain forgotten, and status lists what it would remove and keep.
 */
final class PreviewPlanner {
  static final String RUNNING = "Running";
  static final String WAITING = "Waiting";
  private static final Pattern DESTROYED = Pattern.compile("^\\s*# (.+) will be destroyed\\s*$");
  private static final String KEPT = "# gantry: kept: ";

  /**
   * @param status the preview to show: the previous one when nothing was asked
   */
  record Decision(DestroyPreviewStatus status, List<ProvisionAction> actions) {}

  private final ProvisionSettings settings;

  PreviewPlanner(ProvisionSettings settings) {
    this.settings = settings;
  }

  Decision decide(ProvisionObservation o, RunSlot slot) {
    List<ProvisionAction> actions = new ArrayList<>();
    var status = o.provision().getStatus();
    DestroyPreviewStatus previous = status == null ? null : status.destroyPreview;
    String token = token(o.provision());
    if (token == null) {
      return new Decision(previous, actions);
    }
    Optional<RunSlot.Occupant> job = slot.find(RunKind.PREVIEW);
    if (job.isPresent()) {
      RunOutcome outcome = job.get().outcome();
      var annotations = job.get().job().getMetadata().getAnnotations();
      String answers =
          annotations == null ? null : annotations.get(Provision.DESTROY_PREVIEW_ANNOTATION);
      if (!token.equals(answers)) {
        // An earlier request's Job: it goes, and its deletion brings the next pass.
        slot.retire(job.get()).ifPresent(actions::add);
        return new Decision(
            waiting(token, "the preview of an earlier request is being removed"), actions);
      }
      DestroyPreviewStatus result = new DestroyPreviewStatus();
      result.token = token;
      result.run = outcome.id().toString();
      if (outcome.running()) {
        result.phase = RUNNING;
        result.message = outcome.message().isEmpty() ? null : outcome.message();
        return new Decision(result, actions);
      }
      if (outcome.failed()) {
        result.phase = "Failed";
        result.message = "Job " + job.get().jobName() + " failed: " + outcome.message();
        return new Decision(result, actions);
      }
      return new Decision(parse(outcome.report(), result), actions);
    }
    if (previous != null && token.equals(previous.token) && !WAITING.equals(previous.phase)) {
      return new Decision(previous, actions); // answered, and its Job removed since
    }
    RunId run = RunId.next(status, o.generation());
    RunSlot.Start start =
        slot.start(RunKind.PREVIEW, run, RunJob.preview(o.provision(), settings, run, token));
    if (start instanceof RunSlot.Start.Wait wait) {
      return new Decision(waiting(token, wait.why()), actions);
    }
    actions.add(new ProvisionAction.Create(((RunSlot.Start.Go) start).job()));
    DestroyPreviewStatus started = new DestroyPreviewStatus();
    started.token = token;
    started.run = run.toString();
    started.phase = RUNNING;
    return new Decision(started, actions);
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
}
