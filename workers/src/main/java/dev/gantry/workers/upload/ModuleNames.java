package dev.gantry.workers.upload;

import dev.gantry.workers.ApiError;

/**
 * Module names become file paths in the runtime's directory, so none may leave it: no absolute
 * paths, no "." or ".." segments, no backslashes or control characters. One leading "./" is allowed
 * and dropped: wrangler's bundler names the text, HTML and data files a worker imports {@code
 * ./<hash>-<file>}, and the bundle imports them by that name, which workerd resolves against the
 * entry module at the root to {@code <hash>-<file>}. That is the name kept (workerd reads a
 * configured "./x" as "x" too), so "./x" and "x" are one module, not two.
 */
public final class ModuleNames {
  private ModuleNames() {}

  /** The module's name as the runtime knows it (without a leading "./"), if it is one. */
  public static String check(String name) {
    String normalized = normalize(name);
    String problem = problem(normalized);
    if (problem != null) {
      throw ApiError.invalid("module name \"" + name + "\" " + problem);
    }
    return normalized;
  }

  /** The name without one leading "./"; any other name as it is. */
  public static String normalize(String name) {
    return name != null && name.startsWith("./") ? name.substring(2) : name;
  }

  private static String problem(String name) {
    if (name == null || name.isEmpty() || name.length() > 255) {
      return "must be 1 to 255 characters";
    }
    if (name.startsWith("/") || name.matches("^[A-Za-z]:.*")) {
      return "is an absolute path: name modules relative to the worker's root";
    }
    if (name.contains("\\")) {
      return "contains a backslash: separate directories with /";
    }
    for (char c : name.toCharArray()) {
      if (c < 0x20 || c == 0x7f) {
        return "contains a control character";
      }
    }
    for (String segment : name.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return "has an empty, \".\" or \"..\" path segment: it would escape the worker's root";
      }
    }
    return null;
  }
}
