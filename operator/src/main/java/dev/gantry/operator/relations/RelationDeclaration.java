package dev.gantry.operator.relations;

import dev.gantry.api.relations.Relation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a workload declares with the seed's annotations: {@code tengu.io/consumes: "sse,db"} (the
 * interfaces) and {@code tengu.io/relations: "sse-endpoint,db-endpoint"} (the provider Services).
 *
 * @param consumes interface names, in order, without duplicates
 * @param relations Service names, in order, without duplicates
 * @param problems malformed entries, each naming the annotation and the fix
 */
public record RelationDeclaration(
    List<String> consumes, List<String> relations, List<String> problems) {
  private static final Pattern INTERFACE = Pattern.compile("^[a-z][a-z0-9_-]*$");
  private static final Pattern SERVICE = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");

  public static RelationDeclaration fromAnnotations(Map<String, String> annotations) {
    List<String> problems = new ArrayList<>();
    String consumes = annotations == null ? null : annotations.get(Relation.CONSUMES);
    String relations = annotations == null ? null : annotations.get(Relation.RELATIONS);
    List<String> interfaces =
        list(Relation.CONSUMES, consumes, INTERFACE, "an interface name such as db", problems);
    List<String> services =
        list(
            Relation.RELATIONS, relations, SERVICE, "a Service name such as db-endpoint", problems);
    if (!interfaces.isEmpty() && relations == null) {
      problems.add(
          Relation.RELATIONS
              + " is missing: name the Services that provide "
              + String.join(", ", interfaces));
    }
    return new RelationDeclaration(interfaces, services, problems);
  }

  public boolean declaresAny() {
    return !consumes.isEmpty() || !relations.isEmpty() || !problems.isEmpty();
  }

  private static List<String> list(
      String annotation, String value, Pattern valid, String expected, List<String> problems) {
    LinkedHashSet<String> items = new LinkedHashSet<>();
    if (value == null) {
      return List.of();
    }
    String[] parts = value.split(",", -1);
    for (String raw : parts) {
      String item = raw.trim();
      if (item.isEmpty()) {
        problems.add(
            annotation
                + " \""
                + value
                + "\" has an empty entry: write a comma-separated list such as \"sse,db\"");
      } else if (!valid.matcher(item).matches()) {
        problems.add(annotation + ": \"" + item + "\" is not " + expected);
      } else if (!items.add(item)) {
        problems.add(annotation + ": \"" + item + "\" is listed twice");
      }
    }
    return List.copyOf(items);
  }
}
