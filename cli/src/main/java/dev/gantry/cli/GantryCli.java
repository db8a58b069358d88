package dev.gantry.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gantry} command. */
@Command(
    name = "gantry",
    mixinStandardHelpOptions = true,
    // --help and --version on every subcommand, as kubectl has.
    scope = CommandLine.ScopeType.INHERIT,
    // Paragraphs fill the terminal's width instead of breaking at fixed places.
    usageHelpAutoWidth = true,
    versionProvider = GantryCli.Version.class,
    description = "Gantry: declarative infrastructure resources with operators behind them.",
    subcommands = {
      VersionCommand.class,
      DevCommand.class,
      OperatorCommand.class,
      InstallCommand.class,
      ApplyCommand.class,
      GetCommand.class,
      DescribeCommand.class,
      LogsCommand.class,
      WaitCommand.class,
      DeleteCommand.class,
      DeliverablesCommand.class,
      PlanCommand.class,
      ApproveCommand.class,
      DestroyPreviewCommand.class,
      WorkersCommand.class,
      WranglerCommand.class,
      StackCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  gantry dev                                   run the operator and the Workers API here",
      "  gantry apply -f examples/provision/hello/provision.yaml",
      "  gantry get provisions -n infra",
      "  gantry wait provision/hello --for=ready --timeout=10m",
      "  gantry deliverables get provision/hello -o ~/hello",
      "  gantry workers token create --account acme   a token for wrangler",
      "  gantry wrangler deploy                       the tested wrangler, pointed at gantry dev"
    })
public final class GantryCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(commandLine(new KubeClients()).execute(GlobalFlags.afterCommand(args)));
  }

  /** The command line with its collaborators; tests pass their own client factory. */
  public static CommandLine commandLine(KubeClients clients) {
    CommandLine cli = new CommandLine(new GantryCli(), new Factory(clients));
    WranglerCommand.passEverythingThrough(cli.getSubcommands().get("wrangler"));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + Errors.describe(e, clients.server()));
          return e instanceof UserError u ? u.exitCode() : 1;
        });
    return cli;
  }

  public static String version() {
    Properties properties = new Properties();
    try (InputStream in = GantryCli.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // fall through to "unknown"
    }
    return properties.getProperty("version", "unknown");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"gantry " + version()};
    }
  }

  /** Gives every command the shared client factory through its constructor. */
  static final class Factory implements CommandLine.IFactory {
    private final KubeClients clients;

    Factory(KubeClients clients) {
      this.clients = clients;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        return type.getDeclaredConstructor(KubeClients.class).newInstance(clients);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }
}
