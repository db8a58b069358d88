package dev.gantry.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A build without the Workers tools: the first Workers command installs them, or says why not. */
class WorkersToolsTest {
  @Test
  void theBuildsOwnToolsAreFoundAndInstalled() {
    WorkersTools tools = WorkersTools.locate().orElseThrow();
    assertThat(tools.directory()).endsWith(Path.of("workers", "tools"));
    assertThat(tools.installed()).as("the build installed them").isTrue();
    StringWriter progress = new StringWriter();
    tools.ensureInstalled(new PrintWriter(progress, true));
    assertThat(progress.toString()).as("nothing to install, nothing said").isEmpty();
  }

  @Test
  void withoutNpmTheErrorSaysWhatToInstallAndThatItNeedsTheRegistry(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("package-lock.json"), "{}");
    WorkersTools tools = new WorkersTools(dir, dir.resolve("no-such-npm").toString());
    StringWriter progress = new StringWriter();
    assertThatThrownBy(() -> tools.ensureInstalled(new PrintWriter(progress, true)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the Workers tools are not installed and npm was not found")
        .hasMessageContaining("install Node.js with npm")
        .hasMessageContaining("npm registry")
        .hasMessageContaining("--workerd");
    assertThat(progress.toString())
        .contains("installing the Workers tools")
        .contains("about 750 MB");
  }

  @Test
  void aFailedInstallIsReportedWithWhereAndWhatToCheck(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("package-lock.json"), "{}");
    Path npm = dir.resolve("npm");
    Files.writeString(npm, "#!/bin/sh\necho 'npm ERR! network' >&2\nexit 1\n");
    Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwx------"));
    WorkersTools tools = new WorkersTools(dir, npm.toString());
    assertThatThrownBy(() -> tools.ensureInstalled(new PrintWriter(new StringWriter(), true)))
        .hasMessageContaining("npm install in " + dir.toAbsolutePath())
        .hasMessageContaining("exited with 1")
        .hasMessageContaining("npm registry is reachable");
  }
}
