package dev.gantry.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;

/** Where {@code gantry deliverables get} writes the files it copies from the volume. */
final class DeliverablesDirectory {
  /** Writes the copied files into a folder it is given. */
  interface Copy {
    void into(Path folder) throws Exception;
  }

  private final Path output;

  DeliverablesDirectory(Path output) {
    this.output = output;
  }

  /**
   * Runs {@code copy} into the output folder, made if missing. The copy may nest the files under
   * the volume's mount path ({@code mountPath}, as a directory copy from a pod does); they are put
   * at the top of the output folder.
   */
  void receive(String mountPath, Copy copy) throws Exception {
    Files.createDirectories(output);
    copy.into(output);
    Path nested = output.resolve(mountPath.replaceFirst("^/", ""));
    if (Files.isDirectory(nested)) {
      try (var files = Files.list(nested)) {
        for (Path f : files.toList()) {
          Files.move(f, output.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      deleteTree(output.resolve(Path.of(mountPath.replaceFirst("^/", "")).getName(0)));
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
