package dev.gantry.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Java runtime from the build machine's JDK, and the system libraries it needs. */
final class Runtime {
  private static final Pattern LDD_PATH = Pattern.compile("(/\\S+\\.so[.\\d]*)");

  private Runtime() {}

  static Path jlink(Path output, List<String> modules) throws IOException, InterruptedException {
    if (Files.isDirectory(output)) {
      try (var files = Files.walk(output)) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
    Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
    run(
        List.of(
            jlink.toString(),
            "--add-modules",
            String.join(",", modules),
            "--strip-debug",
            "--no-header-files",
            "--no-man-pages",
            "--output",
            output.toString()));
    return output;
  }

  /** Every shared library the runtime's executables and libraries load, by their paths. */
  static List<Path> sharedLibraries(Path runtime) throws IOException, InterruptedException {
    TreeSet<String> found = new TreeSet<>();
    List<Path> binaries = new ArrayList<>();
    try (var files = Files.walk(runtime)) {
      files
          .filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(".so") || f.getParent().endsWith("bin"))
          .forEach(binaries::add);
    }
    for (Path binary : binaries) {
      String out = run(List.of("ldd", binary.toString()));
      Matcher m = LDD_PATH.matcher(out);
      while (m.find()) {
        if (!m.group(1).startsWith(runtime.toString())) {
          found.add(m.group(1));
        }
      }
    }
    return found.stream().map(Path::of).toList();
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException(command.get(0) + " did not finish");
    }
    // ldd exits 1 for files that are not dynamic executables (scripts, static files): skip them.
    if (p.exitValue() != 0 && !command.get(0).equals("ldd")) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
