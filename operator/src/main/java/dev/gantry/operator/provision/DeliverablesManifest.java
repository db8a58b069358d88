package dev.gantry.operator.provision;

import dev.gantry.api.provision.DeliverableFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file list the apply wrapper writes into its termination message: a header {@code
 * gantry-deliverables/v1 <count>}, then {@code <size> <sha256> <path>} per file. The message is cut
 * at 4 KiB, so a partial last line is dropped and the list is marked truncated.
 */
public record DeliverablesManifest(List<DeliverableFile> files, boolean truncated) {
  private static final Pattern LINE = Pattern.compile("^(\\d+) ([0-9a-f]{64}) (.+)$");

  /** Empty when the message is not a manifest (for example the log tail of a failed run). */
  public static Optional<DeliverablesManifest> parse(String message) {
    if (message == null) {
      return Optional.empty();
    }
    String[] lines = message.split("\n", -1);
    String[] header = lines[0].trim().split(" ");
    if (header.length != 2 || !header[0].equals(RunScripts.MANIFEST_HEADER)) {
      return Optional.empty();
    }
    int expected;
    try {
      expected = Integer.parseInt(header[1].trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    List<DeliverableFile> files = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      Matcher m = LINE.matcher(lines[i]);
      // The last line may have been cut inside its sha256 or name; only a complete line counts.
      boolean complete = i < lines.length - 1 || message.endsWith("\n");
      if (m.matches() && complete) {
        files.add(new DeliverableFile(m.group(3), Long.parseLong(m.group(1)), m.group(2)));
      }
    }
    return Optional.of(new DeliverablesManifest(List.copyOf(files), files.size() < expected));
  }
}
