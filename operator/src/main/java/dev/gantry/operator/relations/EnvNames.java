package dev.gantry.operator.relations;

import java.util.Locale;

/**
 * Environment variable names for an interface: {@code sse} → {@code SSE}, {@code my-db} → {@code
 * MY_DB}.
 */
public final class EnvNames {
  private EnvNames() {}

  public static String of(String iface) {
    String upper = iface.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    return Character.isDigit(upper.charAt(0)) ? "_" + upper : upper;
  }

  public static String of(String iface, String suffix) {
    return of(iface) + "_" + of(suffix);
  }
}
