package dev.gantry.cli;

import dev.gantry.workers.WorkersTools;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * The project's own wrangler on the project's own Node 22, so a user needs neither installed and
 * gets the version Gantry is tested with, offline. Every argument after {@code wrangler} is
 * wrangler's, {@code --help} included.
 */
@Command(
    name = "wrangler",
    description =
        "Run the wrangler that Gantry is tested with (from workers/tools, on its own Node 22),"
            + " pointed at the running `gantry dev` unless CLOUDFLARE_API_BASE_URL is set. Every"
            + " argument is wrangler's.",
    footer = {
      "",
      "Examples:",
      "  cd examples/workers/hello && ../../../gantry wrangler deploy",
      "  gantry wrangler secret put API_KEY",
      "  gantry wrangler --help"
    })
final class WranglerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Unmatched List<String> arguments = new ArrayList<>();

  /** Hands every argument, --help and --version too, to wrangler. */
  static void passEverythingThrough(CommandLine wrangler) {
    CommandSpec spec = wrangler.getCommandSpec();
    for (String name : List.of("--help", "--version")) {
      if (spec.findOption(name) != null) {
        spec.remove(spec.findOption(name));
      }
    }
    wrangler.setStopAtUnmatched(true);
    wrangler.setUnmatchedArgumentsAllowed(true);
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    WorkersTools tools =
        WorkersTools.locate()
            .orElseThrow(
                () ->
                    new UserError(
                        "gantry wrangler runs the wrangler of a Gantry checkout (workers/tools),"
                            + " and none was found from here: run it inside the checkout, or set"
                            + " GANTRY_WORKERS_TOOLS to its workers/tools directory"));
    try {
      tools.ensureInstalled(err);
    } catch (IllegalStateException e) {
      throw new UserError(e.getMessage());
    }
    Path here = Path.of("").toAbsolutePath();
    Map<String, String> environment = System.getenv();
    WranglerEnvironment.Additions additions = WranglerEnvironment.additions(environment, here);
    if (!environment.containsKey(WranglerEnvironment.BASE_URL) && !additions.foundDev()) {
      err.println(
          "gantry wrangler: no running `gantry dev` found and CLOUDFLARE_API_BASE_URL is not set,"
              + " so wrangler uses Cloudflare's own API");
      err.flush();
    }
    List<String> command = new ArrayList<>();
    command.add(tools.node().toString());
    command.add(tools.wrangler().toString());
    command.addAll(arguments);
    ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
    pb.environment().putAll(additions.environment());
    // Pointed at gantry dev, wrangler's own output file says what a deploy deployed, so the
    // worker's real address can follow (a user's own output file is left as it is).
    Path output = null;
    if (additions.router().isPresent()
        && !environment.containsKey(WranglerDeployments.OUTPUT_FILE)
        && !environment.containsKey(WranglerDeployments.OUTPUT_DIRECTORY)) {
      try {
        output = Files.createTempFile("gantry-wrangler-", ".json");
      } catch (IOException e) {
        throw new UserError("cannot make a temporary file: " + e.getMessage());
      }
      pb.environment().put(WranglerDeployments.OUTPUT_FILE, output.toString());
    }
    try {
      int exit;
      try {
        exit = pb.start().waitFor();
      } catch (IOException e) {
        throw new UserError("cannot run " + tools.node() + ": " + e.getMessage());
      }
      if (exit == 0 && output != null) {
        PrintWriter out = spec.commandLine().getOut();
        WranglerDeployments.whereItAnswers(lines(output), additions.router().orElseThrow())
            .ifPresent(out::println);
        out.flush();
      }
      return exit;
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          // a temporary file: the system clears it
        }
      }
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of(); // wrangler wrote none: it deployed nothing to speak of
    }
  }
}
