package dev.gantry.workers.upload;

import dev.gantry.workers.ApiError;
import java.util.regex.Pattern;

/** Cloudflare's rules for a Worker's name: it becomes a DNS label of the workers domain. */
public final class ScriptNames {
  private static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

  private ScriptNames() {}

  public static String check(String name) {
    return check(name, "script name");
  }

  /** An account's subdomain follows the same rules: it is the next label of the host name. */
  public static String checkSubdomain(String subdomain) {
    return check(subdomain, "subdomain");
  }

  private static String check(String name, String what) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ApiError(
          10016,
          400,
          what
              + " \""
              + name
              + "\" is not valid: use 1 to 63 lowercase letters, digits and dashes, starting and"
              + " ending with a letter or digit (it becomes a host name label)");
    }
    return name;
  }
}
