package dev.gantry.cli;

import java.util.List;

/** "provision/NAME", or a type and a name as two words, as kubectl takes them. */
record ResourceRef(ResourceKind kind, String name) {
  static ResourceRef parse(List<String> words) {
    if (words == null || words.isEmpty()) {
      throw new UserError("name a resource, for example provision/hello");
    }
    String first = words.get(0);
    if (first.contains("/")) {
      if (words.size() > 1) {
        throw new UserError(
            "give either TYPE/NAME or TYPE NAME, not both: " + String.join(" ", words));
      }
      String[] parts = first.split("/", 2);
      if (parts[1].isEmpty()) {
        throw new UserError("missing name after \"" + parts[0] + "/\"");
      }
      return new ResourceRef(ResourceKind.require(parts[0]), parts[1]);
    }
    if (words.size() != 2) {
      throw new UserError("give TYPE/NAME (for example provision/hello) or TYPE NAME");
    }
    return new ResourceRef(ResourceKind.require(first), words.get(1));
  }

  @Override
  public String toString() {
    return kind.singular() + "/" + name;
  }
}
