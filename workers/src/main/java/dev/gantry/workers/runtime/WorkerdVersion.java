package dev.gantry.workers.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Asks a workerd binary for its version, which is the newest compatibility date it supports. */
public final class WorkerdVersion {
  private static final Pattern DATE = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})");

  private WorkerdVersion() {}

  public static LocalDate newestCompatibilityDate(Path workerd) {
    try {
      Process p =
          new ProcessBuilder(workerd.toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return parse(out)
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      workerd + " --version printed no date: " + out.strip()));
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run workerd at "
              + workerd
              + " ("
              + e.getMessage()
              + "): install the workerd npm package or pass --workerd",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** "workerd 2026-11-17" → 2026-11-17. */
  static java.util.Optional<LocalDate> parse(String versionOutput) {
    Matcher m = DATE.matcher(versionOutput);
    return m.find()
        ? java.util.Optional.of(LocalDate.parse(m.group(1)))
        : java.util.Optional.empty();
  }
}
