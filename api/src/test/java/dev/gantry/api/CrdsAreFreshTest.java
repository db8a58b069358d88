package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CRDs committed under deploy/crds must be exactly what the Java types generate. */
class CrdsAreFreshTest {
  private static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8");
  private static final Path COMMITTED = Path.of("..", "deploy", "crds");

  @Test
  void committedCrdsMatchTheGeneratedOnes() throws IOException {
    List<Path> generated;
    try (var files = Files.list(GENERATED)) {
      generated = files.filter(f -> f.toString().endsWith("-v1.yml")).sorted().toList();
    }
    assertThat(generated).as("CRDs generated from the api types").isNotEmpty();
    for (Path file : generated) {
      Path committed = COMMITTED.resolve(file.getFileName());
      assertThat(committed)
          .as(
              "%s is missing or stale: run ./mvnw -pl api process-classes -Pupdate-crds and commit"
                  + " deploy/crds",
              committed)
          .exists()
          .hasSameTextualContentAs(file);
    }
  }
}
