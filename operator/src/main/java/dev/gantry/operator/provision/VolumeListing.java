package dev.gantry.operator.provision;

import dev.gantry.operator.provision.OutputsSecret.ReadFile;
import dev.gantry.operator.provision.VolumeReader.VolumeReadException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The script that prints files off the volume in a framed form, and its parser: per path, {@code
 * missing <path>}, or {@code file <size> <path>} followed by exactly size bytes when size is within
 * the limit. Framing by size, not by delimiters, so any content (binary keys too) comes through.
 */
final class VolumeListing {
  /**
   * Arguments: the mount path, the limit, the paths. Touches the sidecar's marker afterwards (the
   * reader pod has no /gantry), so the sidecar need not wait out its outputs timeout.
   */
  static final String SCRIPT =
      "cd \"$1\" || exit 4\n"
          + "limit=$2\n"
          + "shift 2\n"
          + "for p in \"$@\"; do\n"
          + "  if [ -f \"$p\" ]; then\n"
          + "    s=$(stat -c %s \"$p\") || exit 5\n"
          + "    echo \"file $s $p\"\n"
          + "    if [ \"$s\" -le \"$limit\" ]; then cat \"$p\" || exit 5; fi\n"
          + "  else\n"
          + "    echo \"missing $p\"\n"
          + "  fi\n"
          + "done\n"
          + "if [ -d "
          + RunScripts.TOOLS_DIR
          + " ]; then touch "
          + RunScripts.OUTPUTS_READ_FILE
          + "; fi\n"
          + "exit 0\n";

  private VolumeListing() {}

  static List<String> command(String mountPath, long limit, List<String> paths) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of("sh", "-c", SCRIPT, "read-outputs", mountPath, String.valueOf(limit)));
    command.addAll(paths);
    return command;
  }

  static Map<String, ReadFile> parse(InputStream in, List<String> paths, long limit)
      throws IOException, VolumeReadException {
    Map<String, ReadFile> read = new LinkedHashMap<>();
    for (String expected : paths) {
      String header = line(in);
      if (header == null) {
        throw new VolumeReadException("the listing ended before " + expected);
      }
      if (header.equals("missing " + expected)) {
        read.put(expected, ReadFile.missing(expected));
        continue;
      }
      String[] parts = header.split(" ", 3);
      if (parts.length != 3 || !parts[0].equals("file") || !parts[2].equals(expected)) {
        throw new VolumeReadException("unexpected listing line for " + expected);
      }
      long size;
      try {
        size = Long.parseLong(parts[1]);
      } catch (NumberFormatException e) {
        throw new VolumeReadException("unexpected size for " + expected);
      }
      if (size > limit) {
        read.put(expected, new ReadFile(expected, true, size, null));
        continue;
      }
      read.put(expected, new ReadFile(expected, true, size, readFully(in, (int) size, expected)));
    }
    return read;
  }

  /**
   * Exactly {@code size} bytes. Never asks the stream for zero bytes, which fabric8's exec stream
   * does not allow (InputStream.readNBytes does when its buffer fills).
   */
  private static byte[] readFully(InputStream in, int size, String path)
      throws IOException, VolumeReadException {
    byte[] content = new byte[size];
    int read = 0;
    while (read < size) {
      int n = in.read(content, read, size - read);
      if (n < 0) {
        throw new VolumeReadException(path + " ended after " + read + " bytes");
      }
      read += n;
    }
    return content;
  }

  /** A header line; headers are short, so a long one means the framing is lost. */
  private static String line(InputStream in) throws IOException, VolumeReadException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (buffer.size() > 4096) {
        throw new VolumeReadException("a listing line is too long");
      }
      buffer.write(b);
    }
    if (b == -1 && buffer.size() == 0) {
      return null;
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
