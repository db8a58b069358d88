package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code gantry deliverables get} leaves on disk: the files a copy from the pod writes (with
 * the ordinary 0644 and 0755 of a process's umask) end up readable by the user alone.
 */
class DeliverablesDirectoryTest {
  @TempDir Path temp;

  /** Writes as a directory copy from a pod does: nested under the mount path, umask modes. */
  static void copyAsFromAPod(Path folder) throws Exception {
    Path volume = Files.createDirectories(folder.resolve("deliverables/ssh"));
    Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(volume.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
    for (Path file :
        new Path[] {
          volume.getParent().resolve("kubeconfig"),
          volume.resolve("id_rsa"),
          volume.resolve("id_rsa.pub")
        }) {
      Files.writeString(file, file.getFileName().toString());
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void keysAndKubeconfigsAreWrittenReadableByTheUserAloneInAFolderOnlyTheyEnter() throws Exception {
    Path output = temp.resolve("out/hello");
    new DeliverablesDirectory(output)
        .receive("/deliverables", DeliverablesDirectoryTest::copyAsFromAPod);

    assertThat(mode(output)).isEqualTo("rwx------");
    assertThat(mode(output.resolve("kubeconfig"))).isEqualTo("rw-------");
    assertThat(mode(output.resolve("ssh"))).isEqualTo("rwx------");
    assertThat(mode(output.resolve("ssh/id_rsa"))).isEqualTo("rw-------");
    assertThat(mode(output.resolve("ssh/id_rsa.pub"))).isEqualTo("rw-------");
    assertThat(Files.readString(output.resolve("ssh/id_rsa"))).isEqualTo("id_rsa");
    // the files are at the top of the output folder, and nothing else was left there
    try (var entries = Files.list(output)) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("kubeconfig", "ssh");
    }
  }

  @Test
  void aFolderThatExistsKeepsItsModeAndStillGetsPrivateFiles() throws Exception {
    Path output = Files.createDirectories(temp.resolve("mine"));
    Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("rwxr-x---"));
    new DeliverablesDirectory(output)
        .receive("/deliverables", DeliverablesDirectoryTest::copyAsFromAPod);
    assertThat(mode(output)).isEqualTo("rwxr-x---");
    assertThat(mode(output.resolve("kubeconfig"))).isEqualTo("rw-------");
    assertThat(mode(output.resolve("ssh/id_rsa"))).isEqualTo("rw-------");
  }
}
