# Rendered by Gantry: one service and socket per served version.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "v-aaaaaaaa-0000-0000-0000-000000000000", worker = (
      compatibilityDate = "2024-09-23",
      compatibilityFlags = ["nodejs_compat"],
      modules = [
        (name = "index.js", esModule = embed "v0/index.js"),
      ],
      bindings = [
      ],
      tails = ["gantry-tail-0"],
    )),
    (name = "v-bbbbbbbb-0000-0000-0000-000000000000", worker = (
      compatibilityDate = "2024-09-23",
      compatibilityFlags = ["nodejs_compat"],
      serviceWorkerScript = embed "v1/script",
      bindings = [
      ],
      tails = ["gantry-tail-1"],
    )),
    (name = "gantry-tail-0", worker = (compatibilityDate = "2024-01-01", modules = [(name = "tail.js", esModule = "let queue = [];\nlet flushing = null;\nasync function flush() {\n  while (queue.length > 0) {\n    await new Promise((resolve) => setTimeout(resolve, 20));\n    const batch = queue;\n    queue = [];\n    await fetch(\"http://sink/\", { method: \"POST\", body: JSON.stringify(batch) });\n  }\n  flushing = null;\n}\nexport default {\n  tail(events, env, ctx) {\n    queue.push(...events);\n    if (queue.length > 10000) queue.splice(0, queue.length - 10000);\n    if (flushing === null) {\n      flushing = flush();\n      ctx.waitUntil(flushing);\n    }\n  },\n};\n")], globalOutbound = "gantry-trace-0")),
    (name = "gantry-trace-0", external = (address = "127.0.0.1:40010", http = (injectRequestHeaders = [(name = "X-Gantry-Trace-Key", value = "k3y"), (name = "X-Gantry-Worker", value = "acct/hello"), (name = "X-Gantry-Version", value = "aaaaaaaa-0000-0000-0000-000000000000")]))),
    (name = "gantry-tail-1", worker = (compatibilityDate = "2024-01-01", modules = [(name = "tail.js", esModule = "let queue = [];\nlet flushing = null;\nasync function flush() {\n  while (queue.length > 0) {\n    await new Promise((resolve) => setTimeout(resolve, 20));\n    const batch = queue;\n    queue = [];\n    await fetch(\"http://sink/\", { method: \"POST\", body: JSON.stringify(batch) });\n  }\n  flushing = null;\n}\nexport default {\n  tail(events, env, ctx) {\n    queue.push(...events);\n    if (queue.length > 10000) queue.splice(0, queue.length - 10000);\n    if (flushing === null) {\n      flushing = flush();\n      ctx.waitUntil(flushing);\n    }\n  },\n};\n")], globalOutbound = "gantry-trace-1")),
    (name = "gantry-trace-1", external = (address = "127.0.0.1:40010", http = (injectRequestHeaders = [(name = "X-Gantry-Trace-Key", value = "k3y"), (name = "X-Gantry-Worker", value = "acct/hello"), (name = "X-Gantry-Version", value = "bbbbbbbb-0000-0000-0000-000000000000")]))),
    (name = "gantry-ready", worker = (compatibilityDate = "2024-01-01", modules = [(name = "ready.js", esModule = "export default { fetch() { return new Response(\"ready\") } }")])),
  ],
  sockets = [
    (name = "s-aaaaaaaa-0000-0000-0000-000000000000", address = "127.0.0.1:40001", http = (), service = "v-aaaaaaaa-0000-0000-0000-000000000000"),
    (name = "s-bbbbbbbb-0000-0000-0000-000000000000", address = "127.0.0.1:40002", http = (), service = "v-bbbbbbbb-0000-0000-0000-000000000000"),
    (name = "gantry-ready", address = "127.0.0.1:40009", http = (), service = "gantry-ready"),
  ],
);
