package dev.gantry.workers.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * One JSON document on disk, replaced whole on every write: written to a temporary file, flushed to
 * the disk, then renamed over the old one, so a crash leaves either the old or the new document.
 */
final class JsonFile<T> {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path path;
  private final Class<T> type;
  private final boolean secret;

  JsonFile(Path path, Class<T> type, boolean secret) {
    this.path = path;
    this.type = type;
    this.secret = secret;
  }

  /** When the document was last written, by any process; null while there is none. */
  java.nio.file.attribute.FileTime modified() {
    try {
      return Files.exists(path) ? Files.getLastModifiedTime(path) : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  /** Runs {@code action} holding a lock that other processes writing this document respect. */
  <R> R locked(java.util.function.Supplier<R> action) {
    try {
      Files.createDirectories(path.getParent());
      try (FileChannel channel =
              FileChannel.open(
                  path.resolveSibling(path.getFileName() + ".lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          var lock = channel.lock()) {
        return action.get();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + path, e);
    }
  }

  T read(T empty) {
    if (!Files.exists(path)) {
      return empty;
    }
    try {
      return MAPPER.readValue(path.toFile(), type);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + " (is it damaged?)", e);
    }
  }

  void write(T value) {
    try {
      Files.createDirectories(path.getParent());
      Path temp = path.resolveSibling(path.getFileName() + ".tmp");
      Files.deleteIfExists(temp);
      if (secret) {
        Files.createFile(
            temp,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      byte[] bytes = MAPPER.writeValueAsBytes(value);
      try (FileChannel channel =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(java.nio.ByteBuffer.wrap(bytes));
        channel.force(true);
      }
      try {
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }
}
