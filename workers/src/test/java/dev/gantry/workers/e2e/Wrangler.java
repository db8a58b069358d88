package dev.gantry.workers.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real wrangler in a project directory, pointed at Gantry's API. */
final class Wrangler {
  record Result(int exitCode, String output) {}

  private final Path node;
  private final Path wrangler;
  private final Path project;
  private final Map<String, String> environment;

  Wrangler(Path node, Path wrangler, Path project, String apiBase, String account, String token) {
    this.node = node;
    this.wrangler = wrangler;
    this.project = project;
    this.environment =
        Map.of(
            "CLOUDFLARE_API_BASE_URL",
            apiBase,
            "CLOUDFLARE_API_TOKEN",
            token,
            "CLOUDFLARE_ACCOUNT_ID",
            account,
            "WRANGLER_SEND_METRICS",
            "false",
            "CI",
            "true",
            "HOME",
            project.resolve(".home").toString(),
            "XDG_CONFIG_HOME",
            project.resolve(".home/.config").toString(),
            "NO_COLOR",
            "1");
  }

  Result run(String... args) throws IOException, InterruptedException {
    return runWithInput(null, args);
  }

  /** Runs wrangler with {@code stdin} as its standard input (for secret put). */
  Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
    Process p = launch(args);
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("wrangler " + String.join(" ", args) + " timed out");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Starts a wrangler that keeps running (tail); its output goes to {@code output}. */
  Process start(StringBuffer output, String... args) throws IOException {
    Process p = launch(args);
    p.getOutputStream().close();
    Thread reader =
        new Thread(
            () -> {
              try (var in = p.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = in.readLine()) != null; ) {
                  output.append(line).append('\n');
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "wrangler " + args[0]);
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  private Process launch(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(node.toString(), wrangler.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
    pb.environment().putAll(environment);
    Files.createDirectories(project.resolve(".home/.config"));
    return pb.start();
  }

  Result ok(String... args) throws IOException, InterruptedException {
    return okWithInput(null, args);
  }

  Result okWithInput(String stdin, String... args) throws IOException, InterruptedException {
    Result r = runWithInput(stdin, args);
    if (r.exitCode() != 0) {
      throw new AssertionError("wrangler " + String.join(" ", args) + " failed:\n" + r.output());
    }
    return r;
  }
}
