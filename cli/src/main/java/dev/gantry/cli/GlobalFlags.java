package dev.gantry.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * kubectl takes -n/--namespace and --context anywhere, also before the command ({@code gantry -n
 * infra get provisions}); picocli reads a command's options only after its name. Leading global
 * flags are therefore moved behind the command, where every cluster command declares them.
 */
final class GlobalFlags {
  private static final Set<String> WITH_VALUE = Set.of("-n", "--namespace", "--context");

  private GlobalFlags() {}

  static String[] afterCommand(String[] args) {
    List<String> moved = new ArrayList<>();
    int i = 0;
    while (i < args.length) {
      String arg = args[i];
      if (WITH_VALUE.contains(arg) && i + 1 < args.length) {
        moved.add(arg);
        moved.add(args[i + 1]);
        i += 2;
      } else if (arg.startsWith("--namespace=")
          || arg.startsWith("--context=")
          || (arg.startsWith("-n") && arg.length() > 2 && !arg.startsWith("--"))) {
        moved.add(arg);
        i++;
      } else {
        break;
      }
    }
    if (moved.isEmpty() || i == args.length) {
      return args;
    }
    List<String> rest = new ArrayList<>(List.of(args).subList(i, args.length));
    int endOfOptions = rest.indexOf("--");
    rest.addAll(endOfOptions < 0 ? rest.size() : endOfOptions, moved);
    return rest.toArray(String[]::new);
  }
}
