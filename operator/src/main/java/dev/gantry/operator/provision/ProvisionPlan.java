package dev.gantry.operator.provision;

import dev.gantry.api.provision.ProvisionStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one pass decided: the changes to make, the status to write, when to look again without an
 * event, and (while deleting) whether the Provision may go.
 */
record ProvisionPlan(
    List<ProvisionAction> actions,
    ProvisionStatus status,
    Optional<Duration> requeue,
    boolean release) {}
