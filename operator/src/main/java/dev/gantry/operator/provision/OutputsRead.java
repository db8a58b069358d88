package dev.gantry.operator.provision;

import dev.gantry.operator.provision.OutputsSecret.ReadFile;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A read of a run's outputs off the volume, as the planner asks for it and finds it done. */
public sealed interface OutputsRead {
  Request request();

  /** What to read, and through which pod. */
  record Request(
      String namespace,
      String provision,
      String uid,
      String run,
      String pod,
      String container,
      String mountPath,
      List<String> paths,
      long limit) {}

  /** Asked for; not answered yet. */
  record Reading(Request request) implements OutputsRead {}

  record Read(Request request, Map<String, ReadFile> files) implements OutputsRead {}

  record Failed(Request request, String message, Instant at) implements OutputsRead {}
}
