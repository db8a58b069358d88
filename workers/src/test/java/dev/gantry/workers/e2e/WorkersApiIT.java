package dev.gantry.workers.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workers.ApiError;
import dev.gantry.workers.model.WorkerKey;
import dev.gantry.workers.upload.Multipart;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API without wrangler: every module kind and binding type served by the real workerd, service
 * bindings between workers, authentication, and bad input answered in Cloudflare's envelope with
 * nothing stored.
 */
class WorkersApiIT {
  /** (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)) */
  static final byte[] ADD_WASM = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01,
    0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09,
    0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b
  };

  static final String ENTRY =
      """
      import util from "./lib/util.cjs";
      import page from "./page.html";
      import blob from "./blob.bin";
      import add from "./add.wasm";
      import data from "./data.json";
      export default {
        async fetch(request, env) {
          const sum = new WebAssembly.Instance(add).exports.add(2, 3);
          const auth = await env.AUTH.fetch("http://auth/check");
          return new Response([util.name, page.trim(), new Uint8Array(blob).join(","), sum,
            data.answer, env.CONF.mode, env.GREETING, await auth.text(),
            request.headers.get("cf-connecting-ip")].join(" | "));
        },
      };
      """;

  @TempDir Path temp;
  WorkersHarness workers;
  Api api;

  @BeforeEach
  void start() {
    workers = new WorkersHarness(temp.resolve("data"), null);
    api = new Api(workers.apiBase(), WorkersHarness.ACCOUNT, workers.token);
  }

  @AfterEach
  void stop() {
    workers.close();
  }

  static String metadata(String main, String bindings) {
    return "{\"main_module\":\""
        + main
        + "\",\"compatibility_date\":\"2024-09-23\",\"compatibility_flags\":[],\"bindings\":["
        + bindings
        + "]}";
  }

  void deploy(String script, Multipart upload) throws Exception {
    var put =
        api.send(
            "PUT",
            "/accounts/{account}/workers/scripts/" + script,
            Multipart.CONTENT_TYPE,
            upload.build());
    assertThat(put.status()).as(put.body().toString()).isEqualTo(200);
    assertThat(put.body().path("result").path("deployment_id").asText()).isNotBlank();
    var on =
        api.json(
            "POST",
            "/accounts/{account}/workers/scripts/" + script + "/subdomain",
            "{\"enabled\":true}");
    assertThat(on.status()).isEqualTo(200);
  }

  @Test
  void everyModuleKindJsonAndServiceBindingsAndTheClientAddressReachTheWorker() throws Exception {
    deploy(
        "auth",
        new Multipart()
            .metadata(metadata("index.js", ""))
            .file(
                "index.js",
                "application/javascript+module",
                "export default { fetch(r) { return new Response('auth ok via ' + new URL(r.url).pathname) } }"));
    deploy(
        "main",
        new Multipart()
            .metadata(
                metadata(
                    "index.js",
                    "{\"name\":\"GREETING\",\"type\":\"plain_text\",\"text\":\"hi\"},"
                        + "{\"name\":\"CONF\",\"type\":\"json\",\"json\":{\"mode\":\"strict\"}},"
                        + "{\"name\":\"AUTH\",\"type\":\"service\",\"service\":\"auth\"}"))
            .file("index.js", "application/javascript+module", ENTRY)
            .file("lib/util.cjs", "application/javascript", "module.exports = { name: 'cjs' };")
            .file("page.html", "text/plain", "<p>text</p>\n")
            .part("blob.bin", "blob.bin", "application/octet-stream", new byte[] {7, 8, 9})
            .part("add.wasm", "add.wasm", "application/wasm", ADD_WASM)
            .file("data.json", "application/json", "{\"answer\": 42}"));
    var response = workers.get("main", "/");
    assertThat(response.body())
        .isEqualTo(
            "cjs | <p>text</p> | 7,8,9 | 5 | 42 | strict | hi | auth ok via /check | 127.0.0.1");
  }

  @Test
  void callsWithoutAValidTokenOfTheAccountGetAnAuthenticationErrorAndTouchNothing()
      throws Exception {
    byte[] upload =
        new Multipart()
            .metadata(metadata("index.js", ""))
            .file("index.js", "application/javascript+module", "export default {}")
            .build();
    String path = "/accounts/{account}/workers/scripts/intruder";
    for (Api caller :
        new Api[] {
          api.as(WorkersHarness.ACCOUNT, null),
          api.as(WorkersHarness.ACCOUNT, "gantry_not-a-token"),
          api.as(WorkersHarness.ACCOUNT, workers.server.service().createToken("other", "other"))
        }) {
      var answer = caller.send("PUT", path, Multipart.CONTENT_TYPE, upload);
      assertThat(answer.status()).isEqualTo(403);
      assertThat(answer.code()).isEqualTo(10000);
      assertThat(answer.body().path("success").asBoolean()).isFalse();
    }
    assertThat(workers.server.service().script(new WorkerKey(WorkersHarness.ACCOUNT, "intruder")))
        .isEmpty();
  }

  @Test
  void badUploadsAndDeploymentsGetCloudflareErrorsNamingTheProblemAndStoreNothing()
      throws Exception {
    String path = "/accounts/{account}/workers/scripts/bad";
    record Case(String name, String contentType, byte[] body, String message, int code) {
      int status() {
        return code == ApiError.TOO_LARGE ? 413 : 400;
      }
    }
    byte[] entry = "export default {}".getBytes();
    var cases =
        new Case[] {
          new Case(
              "malformed",
              Multipart.CONTENT_TYPE,
              "garbage".getBytes(),
              "malformed multipart body",
              ApiError.MALFORMED),
          new Case(
              "no metadata",
              Multipart.CONTENT_TYPE,
              new Multipart()
                  .part("index.js", "index.js", "application/javascript+module", entry)
                  .build(),
              "no \"metadata\" part",
              ApiError.MALFORMED),
          new Case(
              "main module missing",
              Multipart.CONTENT_TYPE,
              new Multipart()
                  .metadata(metadata("worker.js", ""))
                  .part("index.js", "index.js", "application/javascript+module", entry)
                  .build(),
              "no part of the upload has that name",
              ApiError.INVALID),
          new Case(
              "escaping module name",
              Multipart.CONTENT_TYPE,
              new Multipart()
                  .metadata(metadata("index.js", ""))
                  .part("index.js", "index.js", "application/javascript+module", entry)
                  .part("../../etc/x.js", "x.js", "application/javascript+module", entry)
                  .build(),
              "would escape the worker's root",
              ApiError.INVALID),
          new Case(
              "unknown binding",
              Multipart.CONTENT_TYPE,
              new Multipart()
                  .metadata(metadata("index.js", "{\"name\":\"DB\",\"type\":\"d1\",\"id\":\"x\"}"))
                  .part("index.js", "index.js", "application/javascript+module", entry)
                  .build(),
              "binding DB has type \"d1\"",
              ApiError.INVALID),
          new Case(
              "too large",
              Multipart.CONTENT_TYPE,
              new Multipart()
                  .metadata(metadata("index.js", ""))
                  .part(
                      "index.js",
                      "index.js",
                      "application/javascript+module",
                      new byte[11 * 1024 * 1024])
                  .build(),
              "over this server's limit",
              ApiError.TOO_LARGE),
        };
    for (Case c : cases) {
      var answer = api.send("PUT", path, c.contentType(), c.body());
      assertThat(answer.status()).as(c.name()).isEqualTo(c.status());
      assertThat(answer.code()).as(c.name()).isEqualTo(c.code());
      assertThat(answer.body().path("success").asBoolean()).as(c.name()).isFalse();
      assertThat(answer.message()).as(c.name()).contains(c.message());
    }
    var badName =
        api.send(
            "PUT",
            "/accounts/{account}/workers/scripts/Bad_Name",
            Multipart.CONTENT_TYPE,
            new Multipart()
                .metadata(metadata("index.js", ""))
                .part("index.js", "index.js", "application/javascript+module", entry)
                .build());
    assertThat(badName.message()).contains("script name \"Bad_Name\" is not valid");
    assertThat(workers.server.service().script(new WorkerKey(WorkersHarness.ACCOUNT, "bad")))
        .isEmpty();
    try (var objects = Files.walk(workers.data.resolve("objects"))) {
      assertThat(objects.filter(Files::isRegularFile)).isEmpty();
    }

    // Deployments: percentages must sum to 100 and name versions the worker has.
    deploy(
        "good",
        new Multipart()
            .metadata(metadata("index.js", ""))
            .part("index.js", "index.js", "application/javascript+module", entry));
    String version =
        workers
            .server
            .service()
            .versions(new WorkerKey(WorkersHarness.ACCOUNT, "good"))
            .get(0)
            .id();
    String deployments = "/accounts/{account}/workers/scripts/good/deployments";
    var notHundred =
        api.json(
            "POST",
            deployments,
            "{\"strategy\":\"percentage\",\"versions\":[{\"version_id\":\""
                + version
                + "\",\"percentage\":60}]}");
    assertThat(notHundred.status()).isEqualTo(400);
    assertThat(notHundred.message()).contains("sum to 60.0, not 100");
    var unknown =
        api.json(
            "POST",
            deployments,
            "{\"strategy\":\"percentage\",\"versions\":[{\"version_id\":\""
                + version
                + "\",\"percentage\":50},{\"version_id\":\"nope\",\"percentage\":50}]}");
    assertThat(unknown.message()).contains("names version nope, which worker good does not have");
    assertThat(workers.server.service().deployments(new WorkerKey(WorkersHarness.ACCOUNT, "good")))
        .hasSize(1);
  }

  @Test
  void unknownScriptsAndServicesAreNotFoundWithTheCodesWranglerExpects() throws Exception {
    var script = api.json("GET", "/accounts/{account}/workers/scripts/ghost/settings", null);
    assertThat(script.status()).isEqualTo(404);
    assertThat(script.code()).isEqualTo(10007);
    var worker = api.json("GET", "/accounts/{account}/workers/workers/ghost", null);
    assertThat(worker.code()).isEqualTo(10007);
    var service = api.json("GET", "/accounts/{account}/workers/services/ghost", null);
    assertThat(service.status()).isEqualTo(404);
    assertThat(service.code()).isEqualTo(10090);
  }

  @Test
  void aRouteGantryDoesNotServeAnswersInCloudflaresEnvelopeAlsoWhenJsonIsAsked() throws Exception {
    // wrangler 4 sends Accept: application/json (seen on `wrangler kv namespace create`).
    var request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(
                    workers.apiBase()
                        + "/accounts/"
                        + WorkersHarness.ACCOUNT
                        + "/storage/kv/namespaces/abc/keys"))
            .header("Authorization", "Bearer " + workers.token)
            .header("Accept", "application/json")
            .build();
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body())
        .startsWith("{\"success\":false")
        .contains("\"code\":7003")
        .contains("No route for GET /client/v4/accounts/" + WorkersHarness.ACCOUNT + "/storage/kv");
  }

  @Test
  void aWorkerThatDoesNotStartIsRefusedWithWorkerdsErrorAndTheRunningOneKeepsServing()
      throws Exception {
    deploy(
        "steady",
        new Multipart()
            .metadata(metadata("index.js", ""))
            .file(
                "index.js",
                "application/javascript+module",
                "export default { fetch() { return new Response('still here') } }"));
    var broken =
        api.send(
            "PUT",
            "/accounts/{account}/workers/scripts/steady",
            Multipart.CONTENT_TYPE,
            new Multipart()
                .metadata(metadata("index.js", ""))
                .file("index.js", "application/javascript+module", "export default { fetch( {")
                .build());
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.code()).isEqualTo(10021);
    assertThat(broken.message())
        .contains("worker steady did not start")
        .containsIgnoringCase("syntax");
    assertThat(workers.get("steady", "/").body()).isEqualTo("still here");
    assertThat(
            workers.server.service().deployments(new WorkerKey(WorkersHarness.ACCOUNT, "steady")))
        .hasSize(1);
  }

  @Test
  void aWorkerWhoseStartUpRunsLongThenThrowsIsRefusedAndTheRunningOneKeepsServing()
      throws Exception {
    deploy(
        "patient",
        new Multipart()
            .metadata(metadata("index.js", ""))
            .file(
                "index.js",
                "application/javascript+module",
                "export default { fetch() { return new Response('first') } }"));
    // About 1.5 s of top-level work here before the throw: workerd listens at once and exits only
    // when the throw comes, so the deployment must wait for the workers to start, not for a moment.
    var slow =
        api.send(
            "PUT",
            "/accounts/{account}/workers/scripts/patient",
            Multipart.CONTENT_TYPE,
            new Multipart()
                .metadata(metadata("index.js", ""))
                .file(
                    "index.js",
                    "application/javascript+module",
                    "let x = 0;\nfor (let i = 0; i < 4e8; i++) x = (x * 31 + i) % 1000003;\n"
                        + "throw new Error('gave up after ' + x);\n"
                        + "export default { fetch() { return new Response('never') } }")
                .build());
    assertThat(slow.status()).isEqualTo(400);
    assertThat(slow.code()).isEqualTo(10021);
    assertThat(slow.message()).contains("worker patient did not start").contains("gave up after");
    assertThat(workers.get("patient", "/").body()).isEqualTo("first");
  }

  @Test
  void tailsAreMadeListedAndDeletedWithClearErrorsForWhatIsNotThere() throws Exception {
    deploy(
        "watched",
        new Multipart()
            .metadata(metadata("index.js", ""))
            .file(
                "index.js",
                "application/javascript+module",
                "export default { fetch() { return new Response('watched') } }"));
    var missing = api.json("POST", "/accounts/{account}/workers/scripts/ghost/tails", "{}");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.code()).isEqualTo(10007);
    var badFilter =
        api.json(
            "POST",
            "/accounts/{account}/workers/scripts/watched/tails",
            "{\"filters\":[{\"colour\":\"red\"}]}");
    assertThat(badFilter.status()).isEqualTo(400);
    assertThat(badFilter.message()).contains("unknown tail filter");

    var made = api.json("POST", "/accounts/{account}/workers/scripts/watched/tails", "{}");
    assertThat(made.status()).isEqualTo(200);
    String id = made.body().get("result").get("id").asText();
    assertThat(made.body().get("result").get("url").asText())
        .isEqualTo("ws://127.0.0.1:" + workers.server.tailPort() + "/tails/" + id);
    var listed = api.json("GET", "/accounts/{account}/workers/scripts/watched/tails", null);
    assertThat(listed.body().get("result").get(0).get("id").asText()).isEqualTo(id);
    // Tailed, the worker runs in a new process, switched to like a deployment: it answers.
    assertThat(workers.get("watched", "/").body()).isEqualTo("watched");

    var deleted =
        api.json("DELETE", "/accounts/{account}/workers/scripts/watched/tails/" + id, null);
    assertThat(deleted.status()).isEqualTo(200);
    var again = api.json("DELETE", "/accounts/{account}/workers/scripts/watched/tails/" + id, null);
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.message()).contains("has no tail " + id);
    assertThat(workers.get("watched", "/").body()).isEqualTo("watched");
  }

  static Multipart hello(String text) {
    return new Multipart()
        .metadata(metadata("index.js", ""))
        .file(
            "index.js",
            "application/javascript+module",
            "export default { fetch() { return new Response('" + text + "') } }");
  }

  @Test
  void aWorkerBoundAsAServiceIsListedAsReferencedAndDeletedOnlyWithForce() throws Exception {
    deploy("target", hello("target"));
    deploy(
        "caller",
        new Multipart()
            .metadata(
                metadata(
                    "index.js", "{\"name\":\"T\",\"type\":\"service\",\"service\":\"target\"}"))
            .file(
                "index.js",
                "application/javascript+module",
                "export default { fetch(r, env) { return env.T.fetch(r) } }"));
    String scripts = "/accounts/{account}/workers/scripts/";
    var refs = api.send("GET", scripts + "target/references", null, null);
    assertThat(refs.status()).isEqualTo(200);
    assertThat(refs.body().path("result").path("services").path("incoming").toString())
        .isEqualTo("[{\"service\":\"caller\",\"environment\":\"production\",\"name\":\"T\"}]");
    assertThat(
            api.send("GET", scripts + "caller/references", null, null)
                .body()
                .path("result")
                .path("services")
                .path("incoming")
                .size())
        .isZero();
    var consumers =
        api.send("GET", "/accounts/{account}/workers/tails/by-consumer/target", null, null);
    assertThat(consumers.status()).isEqualTo(200);
    assertThat(consumers.body().path("result").isArray()).isTrue();

    var refused = api.send("DELETE", scripts + "target", null, null);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.message())
        .contains("worker target is bound as a service by caller (binding T)")
        .contains("force=true");
    assertThat(workers.get("caller", "/").body()).isEqualTo("target");

    var forced = api.send("DELETE", scripts + "target?force=true", null, null);
    assertThat(forced.status()).isEqualTo(200);
    assertThat(workers.server.service().script(new WorkerKey(WorkersHarness.ACCOUNT, "target")))
        .isEmpty();
  }

  @Test
  void contentV2ReturnsEveryModuleOfAVersionAsMultipartWithItsEntrypoint() throws Exception {
    deploy(
        "mods",
        new Multipart()
            .metadata(metadata("index.js", ""))
            .file(
                "index.js",
                "application/javascript+module",
                "import x from './lib/x.js'; export default { fetch() { return new Response(x) } }")
            .file("lib/x.js", "application/javascript+module", "export default 'x';"));
    WorkerKey key = new WorkerKey(WorkersHarness.ACCOUNT, "mods");
    String version = workers.server.service().versions(key).get(0).id();
    HttpResponse<byte[]> response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            workers.apiBase()
                                + "/accounts/"
                                + WorkersHarness.ACCOUNT
                                + "/workers/scripts/mods/content/v2?version="
                                + version))
                    .header("Authorization", "Bearer " + workers.token)
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("cf-entrypoint")).hasValue("index.js");
    String type = response.headers().firstValue("Content-Type").orElseThrow();
    assertThat(type).startsWith("multipart/form-data; boundary=");
    var parts = dev.gantry.workers.upload.MultipartBody.parse(type, response.body());
    assertThat(parts)
        .extracting(p -> p.name() + " " + p.contentType() + " " + p.text())
        .containsExactly(
            "index.js application/javascript+module import x from './lib/x.js'; export default { fetch() { return new Response(x) } }",
            "lib/x.js application/javascript+module export default 'x';");
    var unknown =
        api.send(
            "GET", "/accounts/{account}/workers/scripts/mods/content/v2?version=nope", null, null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo(10220);
  }

  @Test
  void aMultipartSettingsPatchSetsKeepsAndDeletesSecretsAsItsBindingsList() throws Exception {
    deploy(
        "sec",
        new Multipart()
            .metadata(metadata("index.js", ""))
            .file(
                "index.js",
                "application/javascript+module",
                "export default { fetch(r, env) { return new Response([env.KEEP, env.NEW, env.GONE ?? 'none'].join(' ')) } }"));
    WorkerKey key = new WorkerKey(WorkersHarness.ACCOUNT, "sec");
    workers.server.service().changeSecrets(key, java.util.Map.of("KEEP", "k", "GONE", "g"));
    byte[] patch =
        new Multipart()
            .part(
                "settings",
                null,
                null,
                ("{\"bindings\":[{\"type\":\"secret_text\",\"name\":\"KEEP\"},"
                        + "{\"type\":\"secret_text\",\"name\":\"NEW\",\"text\":\"n\"}]}")
                    .getBytes())
            .build();
    var answer =
        api.send(
            "PATCH",
            "/accounts/{account}/workers/scripts/sec/settings",
            Multipart.CONTENT_TYPE,
            patch);
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    assertThat(workers.server.service().secretNames(key)).containsExactly("KEEP", "NEW");
    assertThat(workers.get("sec", "/").body()).isEqualTo("k n none");
    assertThat(answer.body().toString()).doesNotContain("\"n\"").doesNotContain("\"k\"");

    byte[] unknownKept =
        new Multipart()
            .part(
                "settings",
                null,
                null,
                "{\"bindings\":[{\"type\":\"secret_text\",\"name\":\"NEVER\"}]}".getBytes())
            .build();
    var refused =
        api.send(
            "PATCH",
            "/accounts/{account}/workers/scripts/sec/settings",
            Multipart.CONTENT_TYPE,
            unknownKept);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.message()).contains("secret_text binding NEVER has no text");
    assertThat(workers.server.service().secretNames(key)).containsExactly("KEEP", "NEW");
  }

  @Test
  void aFirstUploadThatDoesNotStartLeavesNoScriptVersionModuleOrSecret() throws Exception {
    var broken =
        api.send(
            "PUT",
            "/accounts/{account}/workers/scripts/never",
            Multipart.CONTENT_TYPE,
            new Multipart()
                .metadata(
                    metadata(
                        "index.js", "{\"name\":\"S\",\"type\":\"secret_text\",\"text\":\"s\"}"))
                .file("index.js", "application/javascript+module", "export default { fetch( {")
                .build());
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.code()).isEqualTo(ApiError.INVALID);
    assertThat(workers.server.service().script(new WorkerKey(WorkersHarness.ACCOUNT, "never")))
        .isEmpty();
    try (var objects = Files.walk(workers.data.resolve("objects"))) {
      assertThat(objects.filter(Files::isRegularFile)).isEmpty();
    }
    // the secret it sent was never written (nor is the file, when it is the first)
    Path secrets = workers.data.resolve("secrets.json");
    assertThat(Files.exists(secrets) ? Files.readString(secrets) : "").doesNotContain("never");

    // on a worker that runs: the refused upload's version, modules and secrets are not kept
    deploy("kept", hello("kept"));
    WorkerKey kept = new WorkerKey(WorkersHarness.ACCOUNT, "kept");
    var again =
        api.send(
            "PUT",
            "/accounts/{account}/workers/scripts/kept",
            Multipart.CONTENT_TYPE,
            new Multipart()
                .metadata(
                    metadata(
                        "index.js", "{\"name\":\"S\",\"type\":\"secret_text\",\"text\":\"s\"}"))
                .file("index.js", "application/javascript+module", "export default { fetch( {")
                .build());
    assertThat(again.status()).isEqualTo(400);
    assertThat(workers.server.service().versions(kept)).hasSize(1);
    assertThat(workers.server.service().secretNames(kept)).isEmpty();
    try (var objects = Files.walk(workers.data.resolve("objects"))) {
      assertThat(objects.filter(Files::isRegularFile)).hasSize(1);
    }
    assertThat(workers.get("kept", "/").body()).isEqualTo("kept");
  }

  @Test
  void aVersionPatchOfEnvChangesTheWorkersSecretsAndRefusesOtherBindings() throws Exception {
    deploy("vp", hello("vp"));
    WorkerKey key = new WorkerKey(WorkersHarness.ACCOUNT, "vp");
    String path = "/accounts/{account}/workers/workers/vp/versions/latest";
    var set =
        api.json("PATCH", path, "{\"env\":{\"A\":{\"type\":\"secret_text\",\"text\":\"a\"}}}");
    assertThat(set.status()).as(set.body().toString()).isEqualTo(200);
    assertThat(set.body().path("result").path("id").asText())
        .isEqualTo(workers.server.service().versions(key).get(0).id());
    assertThat(workers.server.service().secretNames(key)).containsExactly("A");
    var removed = api.json("PATCH", path, "{\"env\":{\"A\":null}}");
    assertThat(removed.status()).isEqualTo(200);
    assertThat(workers.server.service().secretNames(key)).isEmpty();
    var other =
        api.json("PATCH", path, "{\"env\":{\"P\":{\"type\":\"plain_text\",\"text\":\"p\"}}}");
    assertThat(other.status()).isEqualTo(400);
    assertThat(other.message()).contains("env P").contains("secret_text");
  }

  @Test
  void anOversizedChunkedUploadGetsCloudflaresTooLargeErrorAndStoresNothing() throws Exception {
    byte[] body =
        new Multipart()
            .metadata(metadata("index.js", ""))
            .part(
                "index.js", "index.js", "application/javascript+module", new byte[11 * 1024 * 1024])
            .build();
    // an input stream of unknown length: the client sends it chunked, without Content-Length
    HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            workers.apiBase()
                                + "/accounts/"
                                + WorkersHarness.ACCOUNT
                                + "/workers/scripts/chunky"))
                    .header("Authorization", "Bearer " + workers.token)
                    .header("Content-Type", Multipart.CONTENT_TYPE)
                    .PUT(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () -> new java.io.ByteArrayInputStream(body)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body())
        .startsWith("{\"success\":false")
        .contains("\"code\":10027")
        .contains("more than 10485760 bytes, over this server's limit");
    assertThat(workers.server.service().script(new WorkerKey(WorkersHarness.ACCOUNT, "chunky")))
        .isEmpty();
  }

  /**
   * Sends {@code head} and {@code body} on a raw socket, ends its sending side, reads the answer.
   */
  String halfClosed(String head, byte[] body) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", workers.server.apiPort())) {
      socket.setSoTimeout(10_000);
      var out = socket.getOutputStream();
      out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      socket.shutdownOutput(); // the client gives up sending, and waits for the answer
      return new String(
          socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** The status and the envelope of a raw HTTP/1.1 answer. */
  static Api.Answer answer(String raw) throws Exception {
    assertThat(raw).as("an HTTP answer").startsWith("HTTP/1.1 ");
    int status = Integer.parseInt(raw.substring(9, 12));
    String body = raw.substring(raw.indexOf("\r\n\r\n") + 4);
    if (raw.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
      // one chunk: its size line, the JSON, then the last chunk
      body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0\r\n"));
    }
    return new Api.Answer(status, Api.body(body));
  }

  static void assertEnvelope(Api.Answer answer, int status, int code, String message) {
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(status);
    assertThat(answer.body().path("success").isBoolean()).isTrue();
    assertThat(answer.body().path("success").asBoolean()).isFalse();
    assertThat(answer.code()).as(answer.body().toString()).isEqualTo(code);
    assertThat(answer.message()).contains(message);
    assertThat(answer.body().path("messages").isArray()).isTrue();
    assertThat(answer.body().path("messages")).isEmpty();
    assertThat(answer.body().path("result").isNull()).isTrue();
  }

  @Test
  void anUploadCutShortOfItsContentLengthGetsTheSame400AsACutShortChunkedOne() throws Exception {
    byte[] body = hello("cut").build();
    byte[] half = java.util.Arrays.copyOf(body, body.length / 2);
    String head =
        "PUT /client/v4/accounts/"
            + WorkersHarness.ACCOUNT
            + "/workers/scripts/cut HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + workers.token
            + "\r\nContent-Type: "
            + Multipart.CONTENT_TYPE
            + "\r\n";
    var sized = answer(halfClosed(head + "Content-Length: " + body.length + "\r\n\r\n", half));
    assertEnvelope(sized, 400, ApiError.MALFORMED, "ended before");
    assertThat(sized.message()).doesNotContain("internal error");

    String chunk = Integer.toHexString(half.length) + "\r\n";
    byte[] chunked = new byte[chunk.length() + half.length + 2];
    System.arraycopy(
        chunk.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, chunked, 0, chunk.length());
    System.arraycopy(half, 0, chunked, chunk.length(), half.length);
    chunked[chunked.length - 2] = '\r';
    chunked[chunked.length - 1] = '\n';
    var unsized = answer(halfClosed(head + "Transfer-Encoding: chunked\r\n\r\n", chunked));
    assertEnvelope(unsized, 400, ApiError.MALFORMED, "ended before");
    assertThat(workers.server.service().script(new WorkerKey(WorkersHarness.ACCOUNT, "cut")))
        .isEmpty();
  }

  @Test
  void anOversizedSecretANulInThePathAndAnUnreadableHeadAreAnsweredInCloudflaresEnvelope()
      throws Exception {
    deploy("env", hello("env"));
    byte[] big = new byte[12 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) 'x');
    String secret =
        "{\"name\":\"BIG\",\"type\":\"secret_text\",\"text\":\"" + new String(big) + "\"}";
    var tooLarge = api.json("PUT", "/accounts/{account}/workers/scripts/env/secrets", secret);
    assertEnvelope(tooLarge, 413, ApiError.TOO_LARGE, "over this server's limit");
    assertThat(workers.server.service().secretNames(new WorkerKey(WorkersHarness.ACCOUNT, "env")))
        .isEmpty();

    var nul = api.json("GET", "/accounts/{account}/workers/scripts/e%00v/settings", null);
    assertEnvelope(nul, 400, ApiError.MALFORMED, "could not be read");

    // a head the HTTP server cannot parse
    var head =
        answer(
            halfClosed(
                "GET /client/v4/user HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\n\r\n",
                new byte[0]));
    assertEnvelope(head, 400, ApiError.MALFORMED, "could not be read");
  }

  @Test
  void aSecondMetadataPartIsRefusedAsASecondModulePartIs() throws Exception {
    String path = "/accounts/{account}/workers/scripts/twice";
    byte[] entry = "export default {}".getBytes();
    var module =
        api.send(
            "PUT",
            path,
            Multipart.CONTENT_TYPE,
            new Multipart()
                .metadata(metadata("index.js", ""))
                .part("index.js", "index.js", "application/javascript+module", entry)
                .part("index.js", "index.js", "application/javascript+module", entry)
                .build());
    assertEnvelope(module, 400, ApiError.INVALID, "is uploaded twice");
    var metadata =
        api.send(
            "PUT",
            path,
            Multipart.CONTENT_TYPE,
            new Multipart()
                .metadata(metadata("index.js", ""))
                .part("index.js", "index.js", "application/javascript+module", entry)
                .metadata(metadata("other.js", ""))
                .build());
    assertEnvelope(metadata, 400, ApiError.INVALID, "\"metadata\" is uploaded twice");
    assertThat(workers.server.service().script(new WorkerKey(WorkersHarness.ACCOUNT, "twice")))
        .isEmpty();
  }

  @Test
  void aSecretAndAnotherBindingCannotShareANameWhicheverComesFirst() throws Exception {
    String source =
        "export default { fetch(r, env) { return new Response(env.GREETING + ' ' + (env.TOKEN ?? '-')) } }";
    deploy(
        "clash",
        new Multipart()
            .metadata(
                metadata(
                    "index.js", "{\"name\":\"GREETING\",\"type\":\"plain_text\",\"text\":\"hi\"}"))
            .file("index.js", "application/javascript+module", source));
    WorkerKey key = new WorkerKey(WorkersHarness.ACCOUNT, "clash");
    String script = "/accounts/{account}/workers/scripts/clash";

    // a secret named like a var: refused, by every route that sets secrets
    var put =
        api.json(
            "PUT",
            script + "/secrets",
            "{\"name\":\"GREETING\",\"text\":\"secret\",\"type\":\"secret_text\"}");
    assertEnvelope(put, 400, 10053, "Binding name 'GREETING' already in use");
    assertThat(put.message()).contains("plain_text");
    var bulk =
        api.json(
            "PATCH",
            script + "/secrets-bulk",
            "{\"secrets\":{\"GREETING\":{\"name\":\"GREETING\",\"text\":\"s\",\"type\":\"secret_text\"}}}");
    assertEnvelope(bulk, 400, 10053, "Binding name 'GREETING' already in use");
    var patch =
        api.json(
            "PATCH",
            "/accounts/{account}/workers/workers/clash/versions/latest",
            "{\"env\":{\"GREETING\":{\"type\":\"secret_text\",\"text\":\"s\"}}}");
    assertEnvelope(patch, 400, 10053, "Binding name 'GREETING' already in use");
    assertThat(workers.server.service().secretNames(key)).isEmpty();
    assertThat(workers.get("clash", "/").body()).isEqualTo("hi -");

    // a var named like a secret: refused, whether deployed at once or uploaded as a version
    assertThat(
            api.json(
                    "PUT",
                    script + "/secrets",
                    "{\"name\":\"TOKEN\",\"text\":\"t\",\"type\":\"secret_text\"}")
                .status())
        .isEqualTo(200);
    byte[] varNamedLikeTheSecret =
        new Multipart()
            .metadata(
                metadata(
                    "index.js",
                    "{\"name\":\"GREETING\",\"type\":\"plain_text\",\"text\":\"hi\"},"
                        + "{\"name\":\"TOKEN\",\"type\":\"plain_text\",\"text\":\"plain\"}"))
            .file("index.js", "application/javascript+module", source + "\n// v2")
            .build();
    var deployed = api.send("PUT", script, Multipart.CONTENT_TYPE, varNamedLikeTheSecret);
    assertEnvelope(deployed, 400, 10053, "Binding name 'TOKEN' already in use");
    assertThat(deployed.message()).contains("secret");
    var uploaded =
        api.send("POST", script + "/versions", Multipart.CONTENT_TYPE, varNamedLikeTheSecret);
    assertEnvelope(uploaded, 400, 10053, "Binding name 'TOKEN' already in use");
    assertThat(workers.server.service().versions(key)).hasSize(1);
    assertThat(workers.get("clash", "/").body()).isEqualTo("hi t");

    // a version that binds a name uploaded before the secret took it is not deployed with it
    var json =
        api.send(
            "POST",
            script + "/versions",
            Multipart.CONTENT_TYPE,
            new Multipart()
                .metadata(
                    metadata(
                        "index.js",
                        "{\"name\":\"GREETING\",\"type\":\"plain_text\",\"text\":\"hi\"},"
                            + "{\"name\":\"LATER\",\"type\":\"json\",\"json\":1}"))
                .file("index.js", "application/javascript+module", source + "\n// v3")
                .build());
    assertThat(json.status()).as(json.body().toString()).isEqualTo(200);
    String v3 = json.body().path("result").path("id").asText();
    assertThat(
            api.json(
                    "PUT",
                    script + "/secrets",
                    "{\"name\":\"LATER\",\"text\":\"l\",\"type\":\"secret_text\"}")
                .status())
        .isEqualTo(200);
    var rollout =
        api.json(
            "POST",
            script + "/deployments",
            "{\"strategy\":\"percentage\",\"versions\":[{\"version_id\":\""
                + v3
                + "\",\"percentage\":100}]}");
    assertEnvelope(rollout, 400, 10053, "Binding name 'LATER' already in use");
    assertThat(workers.server.service().deployments(key)).hasSize(1);
    assertThat(workers.get("clash", "/").body()).isEqualTo("hi t");
  }

  @Test
  void aSecretSentWithAVersionUploadReachesTheRunningWorkerAtOnce() throws Exception {
    String source =
        "export default { fetch(r, env) { return new Response(env.API_KEY ?? 'none') } }";
    deploy(
        "secretive",
        new Multipart()
            .metadata(metadata("index.js", ""))
            .file("index.js", "application/javascript+module", source));
    assertThat(workers.get("secretive", "/").body()).isEqualTo("none");
    var upload =
        api.send(
            "POST",
            "/accounts/{account}/workers/scripts/secretive/versions",
            Multipart.CONTENT_TYPE,
            new Multipart()
                .metadata(
                    metadata(
                        "index.js",
                        "{\"type\":\"secret_text\",\"name\":\"API_KEY\",\"text\":\"s3cr3t\"}"))
                .file("index.js", "application/javascript+module", source + "\n// v2")
                .build());
    assertThat(upload.status()).as(upload.body().toString()).isEqualTo(200);
    assertThat(upload.body().toString()).doesNotContain("s3cr3t");
    // not deployed, yet the secret is the worker's: the running version answers with it now
    assertThat(workers.get("secretive", "/").body()).isEqualTo("s3cr3t");
  }
}
