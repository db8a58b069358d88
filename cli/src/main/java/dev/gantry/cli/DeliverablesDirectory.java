package dev.gantry.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;

/**
 * Where {@code gantry deliverables get} writes: deliverables are kubeconfigs and private keys, so
 * every file is readable by its user alone (0600) in folders only they can enter (0700), as ssh and
 * kubectl expect. The copy lands in a private folder inside the target first and its files are
 * restricted before they are moved into place, so none is ever readable by others there.
 */
final class DeliverablesDirectory {
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");

  /** Writes the copied files into a folder it is given. */
  interface Copy {
    void into(Path folder) throws Exception;
  }

  private final Path output;

  DeliverablesDirectory(Path output) {
    this.output = output;
  }

  /**
   * Runs {@code copy} and puts what it wrote into the output folder, made (0700) if missing. The
   * copy may nest the files under the volume's mount path ({@code mountPath}, as a directory copy
   * from a pod does); they are put at the top of the output folder.
   */
  void receive(String mountPath, Copy copy) throws Exception {
    create(output);
    Path staging =
        Files.createTempDirectory(
            output, ".deliverables-", PosixFilePermissions.asFileAttribute(FOLDER));
    try {
      copy.into(staging);
      restrict(staging);
      Path nested = staging.resolve(mountPath.replaceFirst("^/", ""));
      Path copied = Files.isDirectory(nested) ? nested : staging;
      try (var files = Files.list(copied)) {
        for (Path f : files.toList()) {
          Files.move(f, output.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } finally {
      deleteTree(staging);
    }
  }

  /** The folder and any missing parents; the folder itself private if made here. */
  private static void create(Path folder) throws IOException {
    if (Files.isDirectory(folder)) {
      return;
    }
    if (folder.toAbsolutePath().getParent() != null) {
      Files.createDirectories(folder.toAbsolutePath().getParent());
    }
    try {
      FileAttribute<Set<PosixFilePermission>> privateFolder =
          PosixFilePermissions.asFileAttribute(FOLDER);
      Files.createDirectory(folder, privateFolder);
      // the process's umask may have taken permissions away, never added any: set them exactly
      Files.setPosixFilePermissions(folder, FOLDER);
    } catch (FileAlreadyExistsException e) {
      // made meanwhile by someone else: theirs, as it is
    }
  }

  /** Every file under {@code root} 0600, every folder 0700 (a copy keeps the pod's modes). */
  private static void restrict(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.toList()) {
        if (Files.isSymbolicLink(p)) {
          continue; // its target's mode is the target's
        }
        Files.setPosixFilePermissions(p, Files.isDirectory(p) ? FOLDER : FILE);
      }
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
