package dev.gantry.workers.upload;

import dev.gantry.workers.ApiError;

/**
 * Module names become file paths in the runtime's directory, so none may leave it: no absolute
 * paths, no "." or ".." segments, no backslashes or control characters.
 */
public final class ModuleNames {
  private ModuleNames() {}

  public static String check(String name) {
    String problem = problem(name);
    if (problem != null) {
      throw ApiError.invalid("module name \"" + name + "\" " + problem);
    }
    return name;
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
