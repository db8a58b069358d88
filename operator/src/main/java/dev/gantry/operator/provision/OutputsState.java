package dev.gantry.operator.provision;

import dev.gantry.api.provision.OutputsStatus;

/** Where publishing a successful apply's outputs stands. */
public sealed interface OutputsState {
  /** The Secret holds this run's outputs. */
  record Published(OutputsStatus outputs) implements OutputsState {}

  /** The run left nothing to publish; no Secret. */
  record Nothing(OutputsStatus outputs) implements OutputsState {}

  /** This run's outputs cannot be published; nothing is, until the spec or the tool changes. */
  record Refused(OutputsStatus outputs, String reason, String message) implements OutputsState {}

  /** Not yet read (a reader pod starting, a read to retry). */
  record Waiting(String message) implements OutputsState {}
}
