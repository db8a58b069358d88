package dev.gantry.operator.provision;

/**
 * Whether the variables a Provision names can be mounted.
 *
 * @param resolved true when a run can start
 * @param reason CamelCase reason for the VariablesResolved condition
 * @param message what is missing and how to fix it
 */
public record VariablesCheck(boolean resolved, String reason, String message) {
  public static VariablesCheck ok(String reason, String message) {
    return new VariablesCheck(true, reason, message);
  }

  public static VariablesCheck missing(String reason, String message) {
    return new VariablesCheck(false, reason, message);
  }
}
