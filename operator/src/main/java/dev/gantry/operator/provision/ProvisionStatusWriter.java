package dev.gantry.operator.provision;

import dev.gantry.api.provision.Provision;
import dev.gantry.api.provision.ProvisionStatus;
import dev.gantry.operator.kube.StatusWriter;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** Writes a Provision's status over the copy it was computed from ({@link StatusWriter}). */
final class ProvisionStatusWriter {
  private ProvisionStatusWriter() {}

  /**
   * @return whether anything was written (a status equal to the one read writes nothing)
   */
  static boolean write(Provision read, ProvisionStatus status, Context<Provision> context) {
    return StatusWriter.write(read, status, context);
  }
}
