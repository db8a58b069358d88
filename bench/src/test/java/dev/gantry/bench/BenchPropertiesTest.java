package dev.gantry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * `mvn exec:exec` starts the benchmark in a JVM of its own, which sees no -D given to Maven unless
 * the pom passes it on: every bench.* property a benchmark reads must be passed on, with a default.
 */
class BenchPropertiesTest {
  static final Pattern READ =
      Pattern.compile("(?:getInteger|getProperty|getLong|getBoolean)\\(\\s*\"(bench\\.[a-z.]+)\"");

  @Test
  void everyBenchPropertyABenchmarkReadsReachesItsJvm() throws Exception {
    Set<String> read = new TreeSet<>();
    try (Stream<Path> sources = Files.walk(Path.of("src", "main", "java"))) {
      for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = READ.matcher(Files.readString(source));
        while (m.find()) {
          read.add(m.group(1));
        }
      }
    }
    assertThat(read).contains("bench.runs", "bench.rounds", "bench.threads", "bench.warmup");
    String pom = Files.readString(Path.of("pom.xml"));
    for (String property : read) {
      if (property.equals("bench.main")) {
        continue; // the class exec:exec runs, not the benchmark's setting
      }
      assertThat(pom)
          .as(property + " is passed to the benchmark's JVM, with a default")
          .contains("<argument>-D" + property + "=${" + property + "}</argument>")
          .contains("<" + property + ">");
    }
  }
}
