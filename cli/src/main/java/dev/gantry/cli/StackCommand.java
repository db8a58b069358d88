package dev.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.api.stack.Stack;
import dev.gantry.api.stack.StackSpec;
import dev.gantry.operator.stack.ExpressionEnvironment;
import dev.gantry.operator.stack.NetworkRules;
import dev.gantry.operator.stack.StackCompiler;
import dev.gantry.operator.stack.StackDefinition;
import dev.gantry.operator.stack.StackDefinition.Component;
import dev.gantry.operator.stack.StackNames;
import dev.gantry.operator.stack.StackObservation;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "stack",
    description = "Work with Stacks: check one before it runs, see what an edit would change.",
    subcommands = {StackCommand.Plan.class, StackCommand.Diff.class, StackCommand.Graph.class},
    footer = {
      "",
      "Examples:",
      "  gantry stack plan -f examples/stack/hello/stack.yaml",
      "  gantry stack diff -f examples/stack/hello/stack.yaml",
      "  gantry stack graph stack/hello --dot | dot -Tsvg > hello.svg"
    })
final class StackCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "plan",
      description = {
        "Check a Stack offline, as the operator would, and print the order it would create the"
            + " components in: waves, each created once everything it depends on is Ready; what"
            + " each reads of the others; the network rules; the order of teardown.",
        "No cluster is needed. Exits 1, naming each field, when the Stack would be refused."
      },
      footer = {"", "Examples:", "  gantry stack plan -f examples/stack/hello/stack.yaml"})
  static final class Plan implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = {"-f", "--filename"},
        required = true,
        paramLabel = "FILE",
        description = "A file holding one Stack.")
    Path file;

    @Option(
        names = {"-n", "--namespace"},
        paramLabel = "NAMESPACE",
        defaultValue = "default",
        description = "The namespace it would run in (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Override
    public Integer call() {
      Stack stack = read(file);
      if (stack.getMetadata().getNamespace() != null) {
        namespace = stack.getMetadata().getNamespace();
      }
      StackDefinition def = StackCompiler.compile(stack.getSpec(), namespace);
      PrintWriter out = spec.commandLine().getOut();
      if (!def.valid()) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("Stack " + stack.getMetadata().getName() + " would be refused:");
        def.problems().forEach(p -> err.println("  " + p));
        err.flush();
        return 1;
      }
      print(stack, def, out);
      out.flush();
      return 0;
    }

    private static Stack read(Path file) {
      String yaml;
      try {
        yaml = Files.readString(file);
      } catch (IOException e) {
        throw new UserError("cannot read " + file + ": " + e.getMessage());
      }
      Stack stack;
      try {
        stack = Serialization.unmarshal(yaml, Stack.class);
      } catch (RuntimeException e) {
        throw new UserError(file + " is not a Stack: " + firstLine(e.getMessage()));
      }
      if (stack == null || !"Stack".equals(stack.getKind()) || stack.getSpec() == null) {
        throw new UserError(
            file + " holds no Stack (apiVersion: gantry.dev/v1alpha1, kind: Stack, with a spec)");
      }
      return stack;
    }

    private static String firstLine(String message) {
      return message == null ? "" : message.lines().findFirst().orElse("");
    }

    static void print(Stack stack, StackDefinition def, PrintWriter out) {
      String name = stack.getMetadata().getName();
      List<List<String>> waves = def.graph().waves();
      out.printf(
          "Stack %s: %d components in %d waves; each wave is created once everything before it is"
              + " Ready.%n",
          name, def.components().size(), waves.size());
      boolean rules = stack.getSpec().networkPoliciesEnabled();
      for (int i = 0; i < waves.size(); i++) {
        out.printf("%nwave %d%n", i + 1);
        Table table = new Table(List.of("  COMPONENT", "OBJECT", "AFTER", "NETWORK"));
        List<String> reads = new ArrayList<>();
        for (String c : waves.get(i)) {
          Component component = def.components().get(c);
          table.row(
              List.of(
                  "  " + c,
                  component.kind() + " " + objectName(name, component),
                  component.dependsOn().isEmpty() ? "-" : String.join(", ", component.dependsOn()),
                  rules ? network(def, component) : "-"));
          for (var field : component.fields()) {
            for (ExpressionEnvironment.Compiled e : field.expressions()) {
              if (!e.components().isEmpty()) {
                reads.add(
                    "  " + c + " reads ${" + e.source() + "} at " + field.pointer().toString());
              }
            }
          }
        }
        table.print(out);
        reads.forEach(out::println);
      }
      out.printf(
          "%nTeardown (on delete, each once what depends on it is gone; Provisions last): %s%n",
          String.join(", ", def.graph().teardownOrder()));
      if (!rules) {
        out.println("Network rules: off (spec.networkPolicies: Disabled).");
      }
    }

    private static String objectName(String stack, Component c) {
      JsonNode literal = c.body().path("metadata").path("name");
      if (c.type() != dev.gantry.api.stack.StackComponent.Kind.TEMPLATE) {
        return StackNames.child(stack, c.name());
      }
      return literal.isTextual() && !literal.asText().contains("${")
          ? literal.asText()
          : "(named by an expression)";
    }

    /** Who may reach the component's pods, as its NetworkPolicy will say. */
    private static String network(StackDefinition def, Component c) {
      if (!NetworkRules.runsPods(c.apiVersion(), c.kind())) {
        return "-";
      }
      if (c.ports().isEmpty()) {
        return "accepts nothing (no ports)";
      }
      String ports =
          String.join(
              ",",
              c.ports().stream()
                  .map(p -> p.port + "/" + (p.protocol == null ? "TCP" : p.protocol))
                  .toList());
      List<String> from = new ArrayList<>(NetworkRules.peers(def, c.name()));
      if (c.exposed()) {
        return ports + " from anywhere";
      }
      return from.isEmpty()
          ? ports + " from nobody (nothing uses it)"
          : ports + " from " + String.join(", ", from);
    }
  }

  @Command(
      name = "diff",
      description = {
        "Show what applying a Stack's file would change in the running Stack of that name, now,"
            + " component by component: the objects the operator would create, update (each"
            + " changed field, old -> new; secret values are never shown), delete or let go. The"
            + " operator's own planner decides from the live objects and the file's spec, and"
            + " every create and update is tried on the API server as a dry run (checked,"
            + " admitted, defaulted; nothing stored).",
        "The dry runs are made as you; the operator writes as the Stack's ServiceAccount, whose"
            + " rights may differ. A component that reads one not Ready is not rendered again"
            + " until it is Ready, as in the operator: it is marked ?."
      },
      exitCodeListHeading = "%nExit codes (as diff and kubectl diff):%n",
      exitCodeList = {
        "0:nothing would change",
        "1:something would change",
        "2:something would be refused or could not be looked at (an invalid spec, a dry run the"
            + " API server refused, a kind it does not serve or you may not list, a component"
            + " that cannot be rendered), or the diff itself failed"
      },
      footer = {
        "",
        "Examples:",
        "  gantry stack diff -f examples/stack/hello/stack.yaml",
        "  gantry stack diff -f shop.yaml -n shop && echo 'nothing to apply'"
      })
  static final class Diff implements Callable<Integer> {
    static final int SAME = 0;
    static final int CHANGES = 1;
    static final int TROUBLE = 2;

    private final KubeClients clients;

    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin KubeOptions kube;

    @Option(
        names = {"-f", "--filename"},
        required = true,
        paramLabel = "FILE",
        description = "A file holding one Stack, as it would be applied.")
    Path file;

    Diff(KubeClients clients) {
      this.clients = clients;
    }

    @Override
    public Integer call() {
      // 1 means "would change" here, so every failure exits 2 or more, a UserError's too.
      try {
        return diff();
      } catch (UserError e) {
        throw e.exitCode() >= TROUBLE ? e : new UserError(e.getMessage(), TROUBLE);
      } catch (RuntimeException e) {
        throw new UserError(Errors.describe(e, clients.server()), TROUBLE);
      }
    }

    private int diff() {
      Stack edited = Plan.read(file);
      String name = edited.getMetadata() == null ? null : edited.getMetadata().getName();
      if (name == null || name.isBlank()) {
        throw new UserError(file + ": the Stack has no metadata.name");
      }
      try (var client = clients.forContext(kube.context)) {
        String namespace = namespace(edited, client);
        StackDefinition def = StackCompiler.compile(edited.getSpec(), namespace);
        if (!def.valid()) {
          PrintWriter err = spec.commandLine().getErr();
          err.println("Stack " + name + " would be refused:");
          def.problems().forEach(p -> err.println("  " + p));
          err.flush();
          return TROUBLE;
        }
        Stack live = client.resources(Stack.class).inNamespace(namespace).withName(name).get();
        if (live == null) {
          throw new UserError(
              "stack/"
                  + name
                  + " does not exist in namespace "
                  + namespace
                  + ": nothing to diff against; gantry stack plan -f "
                  + file
                  + " shows what it would make, gantry apply -f "
                  + file
                  + " makes it");
        }
        if (live.getMetadata().getDeletionTimestamp() != null) {
          throw new UserError(
              "stack/"
                  + name
                  + " is being deleted in namespace "
                  + namespace
                  + ": nothing to diff"
                  + " against");
        }
        ServedKinds kinds = new ServedKinds(client);
        StackObservation observed =
            LiveStackReads.observe(client, kinds, tried(live, edited), def, Instant.now());
        String account = account(namespace, edited);
        StackDiff.Result result = new StackDiff(client, kinds, account).run(observed, def);
        PrintWriter out = spec.commandLine().getOut();
        StackDiffText.print(name, namespace, CurrentUser.of(client), account, result, out);
        out.flush();
        return result.trouble() ? TROUBLE : result.changes() ? CHANGES : SAME;
      }
    }

    /** The file's namespace, else -n, else the context's; a file and -n that disagree stop it. */
    private String namespace(Stack edited, KubernetesClient client) {
      String inFile = edited.getMetadata().getNamespace();
      if (inFile != null && kube.namespace != null && !inFile.equals(kube.namespace)) {
        throw new UserError(
            "the namespace in "
                + file
                + " ("
                + inFile
                + ") does not match --namespace "
                + kube.namespace);
      }
      return inFile != null ? inFile : kube.namespace(client);
    }

    /**
     * The Stack the operator would plan once the file is applied: the live one (its uid, status
     * rows and what it last wrote) with the file's spec.
     */
    private static Stack tried(Stack live, Stack edited) {
      Stack tried = new Stack();
      tried.setMetadata(
          new ObjectMetaBuilder(live.getMetadata()).withDeletionTimestamp(null).build());
      tried.setSpec(edited.getSpec());
      tried.setStatus(live.getStatus());
      return tried;
    }

    private static String account(String namespace, Stack edited) {
      String named = edited.getSpec().serviceAccountName;
      return named == null || named.isBlank()
          ? namespace
              + "/"
              + StackSpec.DEFAULT_SERVICE_ACCOUNT
              + " (unless the operator's --stack-service-account names another)"
          : namespace + "/" + named;
    }
  }

  @Command(
      name = "graph",
      description = {
        "Print a running Stack's components and what each depends on, with where each stands:"
            + " as text, or as Graphviz dot (--dot)."
      },
      footer = {
        "",
        "Examples:",
        "  gantry stack graph stack/hello",
        "  gantry stack graph stack/hello --dot | dot -Tsvg > hello.svg"
      })
  static final class Graph implements Callable<Integer> {
    private final KubeClients clients;

    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin KubeOptions kube;

    @picocli.CommandLine.Parameters(
        arity = "1..2",
        paramLabel = "TYPE/NAME",
        description = "The Stack (stack/NAME or NAME).")
    List<String> what;

    @Option(names = "--dot", description = "Graphviz dot instead of text.")
    boolean dot;

    Graph(KubeClients clients) {
      this.clients = clients;
    }

    @Override
    public Integer call() {
      List<String> words =
          what.size() == 1 && !what.get(0).contains("/") ? List.of("stack", what.get(0)) : what;
      ResourceRef ref = ResourceRef.parse(words);
      if (ref.kind() != ResourceKind.STACK) {
        throw new UserError("stack graph draws Stacks; " + ref + " is not one");
      }
      try (var client = clients.forContext(kube.context)) {
        String namespace = kube.namespace(client);
        Stack stack =
            client.resources(Stack.class).inNamespace(namespace).withName(ref.name()).get();
        if (stack == null) {
          throw new UserError(ref + " not found in namespace " + namespace);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(dot ? StackGraphText.dot(stack) : StackGraphText.text(stack));
        out.flush();
        return 0;
      }
    }
  }
}
