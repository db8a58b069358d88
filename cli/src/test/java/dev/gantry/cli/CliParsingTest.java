package dev.gantry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliParsingTest {
  @Test
  void resourceRefsTakeKubectlForms() {
    assertThat(ResourceRef.parse(List.of("provision/rancher")).name()).isEqualTo("rancher");
    assertThat(ResourceRef.parse(List.of("prov", "rancher")).kind())
        .isEqualTo(ResourceKind.PROVISION);
    assertThat(ResourceRef.parse(List.of("provisions.gantry.dev/x")).name()).isEqualTo("x");
    assertThatThrownBy(() -> ResourceRef.parse(List.of("provision/")))
        .hasMessageContaining("missing name");
    assertThatThrownBy(() -> ResourceRef.parse(List.of("pods/x")))
        .hasMessageContaining("unknown resource type \"pods\"");
  }

  @Test
  void namespaceAndContextBeforeTheCommandReachItAsKubectlTakesThem() {
    var parsed =
        GantryCli.commandLine(new KubeClients())
            .parseArgs(
                GlobalFlags.afterCommand(
                    new String[] {"-n", "infra", "--context=lab", "get", "provisions"}));
    GetCommand get = (GetCommand) parsed.subcommand().commandSpec().userObject();
    assertThat(get.kube.namespace).isEqualTo("infra");
    assertThat(get.kube.context).isEqualTo("lab");

    assertThat(
            GlobalFlags.afterCommand(
                new String[] {"-ninfra", "deliverables", "get", "provision/x", "-o", "out"}))
        .containsExactly("deliverables", "get", "provision/x", "-o", "out", "-ninfra");
    assertThat(GlobalFlags.afterCommand(new String[] {"get", "provisions", "-n", "a"}))
        .containsExactly("get", "provisions", "-n", "a");
  }

  @Test
  void aFailedRunsOutputStaysInItsOneLineView() {
    assertThat(
            OneLine.of(
                "apply failed: exit code 3; last output:\nError: bad thing\n  at main.tf:3\n"))
        .isEqualTo("apply failed: exit code 3; last output: Error: bad thing / at main.tf:3");
    assertThat(OneLine.of("x".repeat(300), 20)).hasSize(20).endsWith("…");
  }

  @Test
  void anErrorsMessageIsShownWithoutItsClassName() {
    assertThat(Errors.describe(new IllegalStateException("account acme has no token")))
        .isEqualTo("account acme has no token");
    assertThat(Errors.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
  }

  @Test
  void durationsTakeKubectlForms() {
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("45")).isEqualTo(Duration.ofSeconds(45));
    assertThatThrownBy(() -> Durations.parse("5 minutes")).hasMessageContaining("invalid duration");
  }

  @Test
  void operatorOptionsParseNamespacesAndLeaderElection() {
    var cli = GantryCli.commandLine(new KubeClients());
    var parsed =
        cli.parseArgs(
            "operator",
            "--namespace",
            "a,b",
            "--namespace",
            "c",
            "--leader-election",
            "--http-port",
            "9090");
    OperatorCommand command = (OperatorCommand) parsed.subcommand().commandSpec().userObject();
    var options = command.options();
    assertThat(options.namespaces()).containsExactly("a", "b", "c");
    assertThat(options.leaderElection()).isTrue();
    assertThat(options.httpPort()).isEqualTo(9090);
    assertThat(options.provision().toolsImage()).isEqualTo("busybox:1.36");
  }

  @Test
  void operatorDefaultsWatchAllNamespacesWithoutLeaderElection() {
    var cli = GantryCli.commandLine(new KubeClients());
    var parsed = cli.parseArgs("operator");
    var options = ((OperatorCommand) parsed.subcommand().commandSpec().userObject()).options();
    assertThat(options.namespaces()).isEmpty();
    assertThat(options.leaderElection()).isFalse();
    assertThat(options.httpPort()).isEqualTo(8080);
    assertThat(options.stackServiceAccount()).isEqualTo("default");
  }

  @Test
  void theAccountStacksWriteAsByDefaultIsAnOperatorSetting() {
    var cli = GantryCli.commandLine(new KubeClients());
    var parsed = cli.parseArgs("operator", "--stack-service-account", "stack-writer");
    var options = ((OperatorCommand) parsed.subcommand().commandSpec().userObject()).options();
    assertThat(options.stackServiceAccount()).isEqualTo("stack-writer");
  }

  @Test
  void webhookNeedsExactlyOneWayForTheApiServerToReachIt() {
    var cli = GantryCli.commandLine(new KubeClients());
    OperatorCommand off =
        (OperatorCommand) cli.parseArgs("operator").subcommand().commandSpec().userObject();
    assertThat(off.webhook("ns")).isNull();

    OperatorCommand inCluster =
        (OperatorCommand)
            GantryCli.commandLine(new KubeClients())
                .parseArgs(
                    "operator",
                    "--webhook-port",
                    "9443",
                    "--webhook-service",
                    "gantry-operator-webhook",
                    "--webhook-namespace",
                    "gantry-system")
                .subcommand()
                .commandSpec()
                .userObject();
    var settings = inCluster.webhook("ignored");
    assertThat(settings.port()).isEqualTo(9443);
    assertThat(settings.namespace()).isEqualTo("gantry-system");
    assertThat(settings.dnsNames()).contains("gantry-operator-webhook.gantry-system.svc");
    assertThat(settings.target().serviceName()).isEqualTo("gantry-operator-webhook");

    OperatorCommand both =
        (OperatorCommand)
            GantryCli.commandLine(new KubeClients())
                .parseArgs("operator", "--webhook-port", "9443")
                .subcommand()
                .commandSpec()
                .userObject();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> both.webhook("ns"))
        .hasMessageContaining("exactly one of --webhook-service");
  }

  @Test
  void versionAndHelpPrintAndExitZero() {
    StringWriter out = new StringWriter();
    var cli = GantryCli.commandLine(new KubeClients());
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute("version")).isZero();
    assertThat(out.toString()).startsWith("gantry ").doesNotContain("${");
    assertThat(cli.execute("--help")).isZero();
    assertThat(out.toString()).contains("deliverables").contains("Examples:");
  }

  @Test
  void everySubcommandAnswersHelpWithItsExamples() {
    for (String command :
        List.of(
            "get",
            "describe",
            "apply",
            "logs",
            "wait",
            "delete",
            "operator",
            "dev",
            "install",
            "workers",
            "workers serve",
            "workers token create")) {
      StringWriter out = new StringWriter();
      var cli = GantryCli.commandLine(new KubeClients());
      cli.setOut(new PrintWriter(out, true));
      List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
      args.add("--help");
      assertThat(cli.execute(args.toArray(String[]::new))).as(command).isZero();
      assertThat(out.toString())
          .as(command)
          .contains("Usage: gantry " + command)
          .contains("Examples:");
    }
  }

  @Test
  void unknownCommandExitsNonZero() {
    var cli = GantryCli.commandLine(new KubeClients());
    cli.setErr(new PrintWriter(new StringWriter(), true));
    assertThat(cli.execute("frobnicate")).isNotZero();
  }

  @Test
  void packagedCrdListMatchesDeployCrds() throws Exception {
    try (var files = Files.list(Path.of("..", "deploy", "crds"))) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
          .containsExactlyElementsOf(Manifests.CRDS.stream().sorted().toList());
    }
  }

  @Test
  void installWithImageAddsRbacAndTheDeploymentWithThatImage() {
    var items = InstallCommand.manifests("registry.example/gantry:1.2");
    assertThat(items)
        .extracting(i -> i.getKind())
        .containsSubsequence(
            "CustomResourceDefinition",
            "Namespace",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Deployment",
            "Service");
    var deployment =
        (io.fabric8.kubernetes.api.model.apps.Deployment)
            items.stream().filter(i -> i.getKind().equals("Deployment")).findFirst().orElseThrow();
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example/gantry:1.2");
    assertThat(InstallCommand.manifests(null))
        .extracting(i -> i.getKind())
        .containsOnly("CustomResourceDefinition");
  }

  @Test
  void everyCommandHasExamples() {
    var cli = GantryCli.commandLine(new KubeClients());
    for (var sub : cli.getSubcommands().entrySet()) {
      if (List.of("help", "version", "deliverables").contains(sub.getKey())) {
        continue;
      }
      assertThat(String.join("\n", sub.getValue().getCommandSpec().usageMessage().footer()))
          .as(sub.getKey())
          .contains("Examples:");
    }
  }

  static CommandLine.ParseResult parse(String... args) {
    return GantryCli.commandLine(new KubeClients()).parseArgs(args);
  }

  @Test
  void workersTokenCreatePrintsATokenThatTheStoreAuthenticatesAndKeepsOnlyItsHash(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path data) throws Exception {
    StringWriter out = new StringWriter();
    var cli = GantryCli.commandLine(new KubeClients());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    assertThat(
            cli.execute(
                "workers", "token", "create", "--account", "acme", "--data-dir", data.toString()))
        .isZero();
    String token = out.toString().trim();
    assertThat(token).startsWith("gantry_");
    var store = new dev.gantry.workers.store.MetadataStore(data);
    assertThat(dev.gantry.workers.Tokens.authenticate(store, token)).contains("acme");
    assertThat(java.nio.file.Files.readString(data.resolve("metadata.json"))).doesNotContain(token);
  }

  @Test
  void aTokenForAnInvalidAccountIdIsRefusedNamingTheRule(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path data) {
    StringWriter err = new StringWriter();
    var cli = GantryCli.commandLine(new KubeClients());
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    assertThat(
            cli.execute(
                "workers", "token", "create", "--account", "a b", "--data-dir", data.toString()))
        .isNotZero();
    assertThat(err.toString()).contains("account id \"a b\" must be 1 to 64 letters");
  }

  @Test
  void aBadSubdomainIsRefusedAsASubdomainNotAsAScriptName(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path data) {
    StringWriter err = new StringWriter();
    var cli = GantryCli.commandLine(new KubeClients());
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    assertThat(
            cli.execute(
                "workers",
                "token",
                "create",
                "--account",
                "acme",
                "--subdomain",
                "..",
                "--data-dir",
                data.toString()))
        .isNotZero();
    assertThat(err.toString())
        .contains("subdomain \"..\" is not valid")
        .doesNotContain("script name")
        .doesNotContain("dev.gantry");
  }

  @Test
  void helpTextsAreParagraphsThatFillTheTerminalNotFixedLines() {
    var cli = GantryCli.commandLine(new KubeClients());
    assertThat(cli.getCommandSpec().usageMessage().autoWidth()).isTrue();
    java.util.List<CommandLine> all = new java.util.ArrayList<>(List.of(cli));
    for (int i = 0; i < all.size(); i++) {
      all.addAll(all.get(i).getSubcommands().values());
    }
    for (CommandLine c : all) {
      String name = c.getCommandSpec().qualifiedName();
      java.util.List<String> texts =
          new java.util.ArrayList<>(List.of(c.getCommandSpec().usageMessage().description()));
      c.getCommandSpec().options().forEach(o -> texts.addAll(List.of(o.description())));
      for (String text : texts) {
        // an element is a paragraph; one that stops mid-sentence was a hard line break
        assertThat(text.replace("%n", "").strip())
            .as(name + ": " + text)
            .matches("(?s).*[.:)!]$|^$");
      }
    }
  }
}
