package dev.gantry.cli;

import dev.gantry.workers.WorkersServer;
import dev.gantry.workers.store.MetadataStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "workers",
    description = "Cloudflare-compatible Workers: an API for wrangler, and workerd serving them.",
    subcommands = {WorkersCommand.Serve.class, WorkersCommand.Token.class},
    footer = {
      "",
      "Examples:",
      "  gantry workers serve",
      "  gantry workers token create --account 0123456789abcdef",
      "  CLOUDFLARE_API_BASE_URL=http://127.0.0.1:8787/client/v4 wrangler deploy"
    })
final class WorkersCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "serve",
      description =
          "Run the Workers API and runtime here: wrangler deploys to the API, workerd serves the"
              + " workers behind the router. Everything deployed is served again after a restart.",
      footer = {
        "",
        "Examples:",
        "  gantry workers serve",
        "  gantry workers serve --host 0.0.0.0 --domain workers.example.com",
        "  GANTRY_S3_SECRET_KEY=... gantry workers serve --s3-bucket workers \\",
        "      --s3-endpoint http://127.0.0.1:9000 --s3-path-style --s3-access-key minio"
      })
  static final class Serve implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin WorkersOptions options;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      WorkersServer.Settings settings = options.settings(out);
      out.println("gantry workers serve " + GantryCli.version());
      WorkersOptions.print(settings, out);
      out.flush();
      WorkersServer server = start(settings, out);
      out.println(
          "workers answer at http://<script>.<account subdomain>."
              + settings.domain()
              + ":"
              + server.routerPort()
              + "; make a token with: gantry workers token create --account <id>");
      out.println("press Ctrl-C to stop");
      out.flush();
      awaitShutdown(server);
      return 0;
    }
  }

  /** Starts the server, or says plainly why it could not. */
  static WorkersServer start(WorkersServer.Settings settings, PrintWriter out) {
    try {
      WorkersServer server = new WorkersServer(settings).start();
      out.println(
          "workers API on http://"
              + settings.host()
              + ":"
              + server.apiPort()
              + "/client/v4, router on port "
              + server.routerPort()
              + ", wrangler tail on port "
              + server.tailPort());
      return server;
    } catch (RuntimeException e) {
      throw new UserError("cannot start the workers server: " + e.getMessage());
    }
  }

  static void awaitShutdown(AutoCloseable... closeables) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (AutoCloseable c : closeables) {
                    try {
                      c.close();
                    } catch (Exception e) {
                      // stopping anyway
                    }
                  }
                  stopped.countDown();
                },
                "gantry-workers-shutdown"));
    stopped.await();
  }

  @Command(
      name = "token",
      description = "API tokens for the Workers API.",
      subcommands = {Token.Create.class})
  static final class Token implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
        name = "create",
        description =
            "Create an API token for an account (the account is created with it). The token is"
                + " shown once; only its hash is kept. Works whether or not the server is running.",
        footer = {
          "",
          "Examples:",
          "  gantry workers token create --account 0123456789abcdef",
          "  gantry workers token create --account acme --subdomain acme --data-dir /var/lib/gantry"
        })
    static final class Create implements Callable<Integer> {
      @Spec CommandSpec spec;

      @Option(
          names = "--account",
          required = true,
          description = "The account id (CLOUDFLARE_ACCOUNT_ID).")
      String account;

      @Option(
          names = "--subdomain",
          description =
              "The account's subdomain: workers answer at <script>.<subdomain>.<domain>."
                  + " Default: from the account id.")
      String subdomain;

      @Option(
          names = "--data-dir",
          defaultValue = "${env:GANTRY_WORKERS_DATA:-.gantry/workers}",
          description = "The server's data directory. Default: ${DEFAULT-VALUE}.")
      java.nio.file.Path dataDirectory;

      @Override
      public Integer call() {
        String token =
            dev.gantry.workers.Tokens.create(new MetadataStore(dataDirectory), account, subdomain);
        PrintWriter out = spec.commandLine().getOut();
        out.println(token);
        out.flush();
        spec.commandLine()
            .getErr()
            .println(
                "token for account "
                    + account
                    + " (shown once). Use it as CLOUDFLARE_API_TOKEN with CLOUDFLARE_ACCOUNT_ID="
                    + account);
        return 0;
      }
    }
  }
}
