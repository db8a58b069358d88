package dev.gantry.workers.store;

import java.util.regex.Pattern;

/** Object keys: slash-separated segments of [A-Za-z0-9._-], none of them "." or "..". */
public final class ObjectKeys {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  private ObjectKeys() {}

  /** Returns {@code key}, or throws when it could escape a store's root. */
  public static String check(String key) {
    if (key == null || key.isEmpty() || key.length() > 1024) {
      throw new IllegalArgumentException("object key must be 1 to 1024 characters");
    }
    for (String segment : key.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("object key " + key + " has an unsafe segment");
      }
    }
    return key;
  }
}
