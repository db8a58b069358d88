package dev.gantry.operator.provision;

/**
 * The names of a Provision's children, in one place so the operator, status, tests and CLI agree.
 */
public final class ProvisionNames {
  /** Label that marks a child of a Provision and names it. */
  public static final String OWNER_LABEL = "gantry.dev/provision";

  /** Annotation on a run Job: the Provision generation it applies. */
  public static final String GENERATION_ANNOTATION = "gantry.dev/generation";

  /** Annotation on a run Job: its number among the runs of its generation (see {@link RunId}). */
  public static final String RUN_ANNOTATION = "gantry.dev/run";

  /** Annotation on an apply Job that runs an approved plan: the plan's id. */
  public static final String PLAN_ANNOTATION = "gantry.dev/plan";

  /** Annotation on a destroy Job: which destroy attempt it is, counting from 1. */
  public static final String ATTEMPT_ANNOTATION = "gantry.dev/attempt";

  public static final String FINALIZER = "gantry.dev/destroy";

  /**
   * On the deliverables claim: it holds the tool's state, which a namespace deletion would
   * otherwise take before the destroy has run. Gantry removes it when it releases the claim.
   */
  public static final String STATE_FINALIZER = "gantry.dev/state";

  public static final String DELIVERABLES_CONTAINER = "deliverables";
  public static final String TOOLS_INIT_CONTAINER = "gantry-tools";

  private ProvisionNames() {}

  public static String applyJob(String provision) {
    return "apply-" + provision;
  }

  public static String planJob(String provision) {
    return "plan-" + provision;
  }

  public static String planContainer(String provision) {
    return planJob(provision);
  }

  public static String driftJob(String provision) {
    return "drift-" + provision;
  }

  public static String driftContainer(String provision) {
    return driftJob(provision);
  }

  public static String previewJob(String provision) {
    return "preview-" + provision;
  }

  public static String previewContainer(String provision) {
    return previewJob(provision);
  }

  public static String destroyJob(String provision) {
    return "destroy-" + provision;
  }

  /** The apply Job's tool container has the Job's name, as the seed's clients expect. */
  public static String applyContainer(String provision) {
    return applyJob(provision);
  }

  public static String destroyContainer(String provision) {
    return destroyJob(provision);
  }

  public static String variablesSecret(String provision) {
    return provision + "-variables";
  }

  /** The Secret a successful apply's outputs are published in. */
  public static String outputsSecret(String provision) {
    return provision + "-outputs";
  }

  /** Short-lived pod the operator reads the outputs through when the apply pod has ended. */
  public static String outputsReaderPod(String provision) {
    return "outputs-" + provision;
  }

  public static String deliverablesClaim(String provision) {
    return provision + "-deliverables";
  }

  /** Short-lived pod that mounts the volume so the CLI can copy deliverables after the run. */
  public static String fetchPod(String provision) {
    return "fetch-" + provision;
  }
}
