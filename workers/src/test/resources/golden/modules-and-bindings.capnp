# Rendered by Gantry: one service and socket per served version.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "v-11111111-1111-1111-1111-111111111111", worker = (
      compatibilityDate = "2024-09-23",
      compatibilityFlags = ["nodejs_compat"],
      modules = [
        (name = "index.js", esModule = embed "v0/index.js"),
        (name = "lib/util.cjs", commonJsModule = embed "v0/lib/util.cjs"),
        (name = "page.html", text = embed "v0/page.html"),
        (name = "blob.bin", data = embed "v0/blob.bin"),
        (name = "add.wasm", wasm = embed "v0/add.wasm"),
        (name = "data.json", json = embed "v0/data.json"),
      ],
      bindings = [
        (name = "GREETING", text = "say \"hi\"\n"),
        (name = "CONF", json = "{\"a\":1}"),
        (name = "AUTH", service = "bind-auth"),
        (name = "API_KEY", text = "s3cr3t"),
      ],
    )),
    (name = "bind-auth", external = (address = "127.0.0.1:40000", http = (injectRequestHeaders = [(name = "X-Gantry-Worker", value = "acct/auth")]))),
    (name = "gantry-ready", worker = (compatibilityDate = "2024-01-01", modules = [(name = "ready.js", esModule = "export default { fetch() { return new Response(\"ready\") } }")])),
  ],
  sockets = [
    (name = "s-11111111-1111-1111-1111-111111111111", address = "127.0.0.1:40001", http = (), service = "v-11111111-1111-1111-1111-111111111111"),
    (name = "gantry-ready", address = "127.0.0.1:40009", http = (), service = "gantry-ready"),
  ],
);
