package dev.gantry.workers.runtime;

import dev.gantry.workers.model.ModuleRef;
import dev.gantry.workers.model.Version;
import dev.gantry.workers.upload.BindingSpec;
import dev.gantry.workers.upload.ModuleKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders the workerd configuration (Cap'n Proto text) for one worker: a service per version of its
 * active deployment, each on its own loopback socket, with the modules, compatibility date and
 * flags exactly as uploaded and the bindings the upload declared. Service bindings go to the
 * router's internal socket, which sends them on to the bound worker's active deployment. A worker
 * of Gantry's own on one more socket tells when the process has started ({@link #READY_SERVICE}).
 * Pure.
 */
public final class WorkerdConfig {
  /** Header the router's internal socket reads to know which worker a service binding calls. */
  public static final String BINDING_HEADER = "X-Gantry-Worker";

  /**
   * A worker of Gantry's own in every workerd, on its own socket: workerd answers no request until
   * it has compiled and started every worker in its configuration, and exits if one fails, so an
   * answer from this one says the user's workers have started, without running their code.
   */
  static final String READY_SERVICE = "gantry-ready";

  static final String READY_ANSWER = "ready";

  /**
   * Where a tailed worker's trace events go: each version gets a tail worker of Gantry's own that
   * posts them, with the key and the worker and version they come from, to the runtime's sink.
   *
   * @param worker the worker, as account/script
   * @param address the sink's loopback address
   * @param key the sink's key
   */
  public record Tracing(String worker, String address, String key) {}

  /**
   * The tail worker's code. workerd's trace items serialize to what wrangler tail shows. It posts
   * them in batches, gathered for 20 ms: one post per request halved a tailed worker's throughput
   * again (hello worker, two cores: 29k req/s untailed, 16.6k with a tail worker doing nothing, 7k
   * posting each event, 14k batching). A sink that falls behind loses the oldest events, not
   * memory.
   */
  static final String TAIL_WORKER =
      """
      let queue = [];
      let flushing = null;
      async function flush() {
        while (queue.length > 0) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          const batch = queue;
          queue = [];
          await fetch("http://sink/", { method: "POST", body: JSON.stringify(batch) });
        }
        flushing = null;
      }
      export default {
        tail(events, env, ctx) {
          queue.push(...events);
          if (queue.length > 10000) queue.splice(0, queue.length - 10000);
          if (flushing === null) {
            flushing = flush();
            ctx.waitUntil(flushing);
          }
        },
      };
      """;

  private WorkerdConfig() {}

  /**
   * One version and the loopback port its socket listens on.
   *
   * @param version the version
   * @param port its socket's port
   */
  public record Served(Version version, int port) {}

  /**
   * The configuration and the files it embeds.
   *
   * @param text the config.capnp text
   * @param files path relative to the config file → the module it holds
   */
  public record Rendered(String text, Map<String, ModuleRef> files) {}

  /**
   * @param account the worker's account (service bindings stay within it)
   * @param served the versions to serve, each on its port
   * @param secrets the worker's secrets, bound into every version
   * @param bindingAddress the router's socket for service bindings
   * @param readyPort the port of the readiness socket ({@link #READY_SERVICE})
   * @param tracing where trace events go while the worker is tailed; null when it is not
   */
  public static Rendered render(
      String account,
      List<Served> served,
      Map<String, String> secrets,
      String bindingAddress,
      int readyPort,
      Tracing tracing) {
    Map<String, ModuleRef> files = new LinkedHashMap<>();
    Map<String, String> boundWorkers = new TreeMap<>();
    StringBuilder out = new StringBuilder();
    out.append("# Rendered by Gantry: one service and socket per served version.\n");
    out.append("using Workerd = import \"/workerd/workerd.capnp\";\n\n");
    out.append("const config :Workerd.Config = (\n  services = [\n");
    for (int i = 0; i < served.size(); i++) {
      Version v = served.get(i).version();
      out.append("    (name = ").append(quote(service(v))).append(", worker = (\n");
      out.append("      compatibilityDate = ").append(quote(v.compatibilityDate())).append(",\n");
      out.append("      compatibilityFlags = [")
          .append(
              String.join(", ", v.compatibilityFlags().stream().map(WorkerdConfig::quote).toList()))
          .append("],\n");
      if (v.serviceWorker()) {
        ModuleRef body = v.modules().get(0);
        String path = file(i, body);
        files.put(path, body);
        out.append("      serviceWorkerScript = embed ").append(quote(path)).append(",\n");
      } else {
        out.append("      modules = [\n");
        for (ModuleRef m : v.modules()) {
          String field = moduleField(m.kind());
          if (field == null) {
            continue; // source maps are kept, not loaded
          }
          String path = file(i, m);
          files.put(path, m);
          out.append("        (name = ")
              .append(quote(m.name()))
              .append(", ")
              .append(field)
              .append(" = embed ")
              .append(quote(path))
              .append("),\n");
        }
        out.append("      ],\n");
      }
      List<String> bindings = new ArrayList<>();
      for (BindingSpec b : v.bindings()) {
        switch (b.type()) {
          case BindingSpec.PLAIN_TEXT ->
              bindings.add("(name = " + quote(b.name()) + ", text = " + quote(b.text()) + ")");
          case BindingSpec.JSON ->
              bindings.add("(name = " + quote(b.name()) + ", json = " + quote(b.text()) + ")");
          case BindingSpec.SERVICE -> {
            String name = "bind-" + b.service();
            boundWorkers.put(name, account + "/" + b.service());
            bindings.add("(name = " + quote(b.name()) + ", service = " + quote(name) + ")");
          }
          default -> throw new IllegalArgumentException("binding type " + b.type());
        }
      }
      // Secrets are the worker's, not a version's: every version gets the current ones.
      new TreeMap<>(secrets)
          .forEach(
              (name, value) ->
                  bindings.add("(name = " + quote(name) + ", text = " + quote(value) + ")"));
      out.append("      bindings = [\n");
      bindings.forEach(b -> out.append("        ").append(b).append(",\n"));
      out.append("      ],\n");
      if (tracing != null) {
        out.append("      tails = [").append(quote("gantry-tail-" + i)).append("],\n");
      }
      out.append("    )),\n");
    }
    if (tracing != null) {
      for (int i = 0; i < served.size(); i++) {
        out.append("    (name = ")
            .append(quote("gantry-tail-" + i))
            .append(
                ", worker = (compatibilityDate = \"2024-01-01\", modules = [(name = \"tail.js\",")
            .append(" esModule = ")
            .append(quote(TAIL_WORKER))
            .append(")], globalOutbound = ")
            .append(quote("gantry-trace-" + i))
            .append(")),\n");
        out.append("    (name = ")
            .append(quote("gantry-trace-" + i))
            .append(", external = (address = ")
            .append(quote(tracing.address()))
            .append(", http = (injectRequestHeaders = [")
            .append(header(TraceSink.KEY_HEADER, tracing.key()))
            .append(", ")
            .append(header(BINDING_HEADER, tracing.worker()))
            .append(", ")
            .append(header(TraceSink.VERSION_HEADER, served.get(i).version().id()))
            .append("]))),\n");
      }
    }
    boundWorkers.forEach(
        (name, target) ->
            out.append("    (name = ")
                .append(quote(name))
                .append(", external = (address = ")
                .append(quote(bindingAddress))
                .append(", http = (injectRequestHeaders = [(name = ")
                .append(quote(BINDING_HEADER))
                .append(", value = ")
                .append(quote(target))
                .append(")]))),\n"));
    out.append("    (name = ")
        .append(quote(READY_SERVICE))
        .append(", worker = (compatibilityDate = \"2024-01-01\", modules = [(name = \"ready.js\",")
        .append(" esModule = ")
        .append(
            quote("export default { fetch() { return new Response(\"" + READY_ANSWER + "\") } }"))
        .append(")])),\n");
    out.append("  ],\n  sockets = [\n");
    for (Served s : served) {
      out.append("    (name = ")
          .append(quote("s-" + s.version().id()))
          .append(", address = ")
          .append(quote("127.0.0.1:" + s.port()))
          .append(", http = (), service = ")
          .append(quote(service(s.version())))
          .append("),\n");
    }
    out.append("    (name = ")
        .append(quote(READY_SERVICE))
        .append(", address = ")
        .append(quote("127.0.0.1:" + readyPort))
        .append(", http = (), service = ")
        .append(quote(READY_SERVICE))
        .append("),\n");
    out.append("  ],\n);\n");
    return new Rendered(out.toString(), files);
  }

  private static String header(String name, String value) {
    return "(name = " + quote(name) + ", value = " + quote(value) + ")";
  }

  static String service(Version v) {
    return "v-" + v.id();
  }

  private static String file(int index, ModuleRef m) {
    return "v" + index + "/" + m.name();
  }

  private static String moduleField(ModuleKind kind) {
    return switch (kind) {
      case ES_MODULE -> "esModule";
      case COMMONJS -> "commonJsModule";
      case TEXT -> "text";
      case DATA -> "data";
      case WASM -> "wasm";
      case JSON -> "json";
      case SOURCE_MAP -> null;
    };
  }

  /** A Cap'n Proto text string literal. */
  static String quote(String value) {
    StringBuilder b = new StringBuilder("\"");
    for (byte raw : value.getBytes(StandardCharsets.UTF_8)) {
      int c = raw & 0xff;
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c >= 0x7f) {
            b.append(String.format("\\x%02x", c));
          } else {
            b.append((char) c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
