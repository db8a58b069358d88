package dev.gantry.workers.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.workers.ApiError;
import dev.gantry.workers.WorkersService;
import dev.gantry.workers.model.Deployment;
import dev.gantry.workers.model.Split;
import dev.gantry.workers.model.Version;
import dev.gantry.workers.model.WorkerKey;
import dev.gantry.workers.store.MetadataStore.ScriptRecord;
import dev.gantry.workers.tail.TailFilter;
import dev.gantry.workers.tail.TailSessions;
import dev.gantry.workers.upload.BindingSpec;
import dev.gantry.workers.upload.MultipartBody;
import dev.gantry.workers.upload.Part;
import dev.gantry.workers.upload.ScriptNames;
import dev.gantry.workers.upload.Upload;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cloudflare-compatible API under {@code /client/v4} that the real wrangler deploys to. Every
 * call is authenticated with a bearer token of the account in its path; every answer is in
 * Cloudflare's envelope, with Cloudflare's error codes where wrangler depends on them.
 */
public final class WorkersApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkersApi.class);
  static final String BASE = "/client/v4";
  private static final String WORKERS = BASE + "/accounts/{account}/workers";
  private static final String SCRIPT = WORKERS + "/scripts/{script}";
  private static final String ACCOUNT_ATTRIBUTE = "gantry.account";

  private final WorkersService workers;
  private final long maxUploadBytes;
  private final Javalin app;
  private final TailSocketServer tailSockets;

  public WorkersApi(
      WorkersService workers, String host, int port, int tailPort, long maxUploadBytes) {
    this.workers = workers;
    this.maxUploadBytes = maxUploadBytes;
    this.tailSockets = new TailSocketServer(host, tailPort, workers.tailSessions());
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jetty.host = host;
              config.jetty.port = port;
              // Our own limit, with a Cloudflare-shaped error; Jetty's is only a backstop.
              config.http.maxRequestSize = maxUploadBytes + 1024 * 1024;
              // What the HTTP server refuses before a route runs answers in the envelope too.
              config.jetty.modifyServer(
                  server -> server.setErrorHandler(new EnvelopeErrorHandler()));
              var r = config.routes;
              r.before(BASE + "/*", this::authenticate);
              r.exception(ApiError.class, (e, ctx) -> fail(ctx, e));
              // The HTTP library's own refusals (no such route, a body it will not read, ...).
              r.exception(HttpResponseException.class, (e, ctx) -> fail(ctx, libraryError(ctx, e)));
              r.exception(
                  Exception.class,
                  (e, ctx) -> {
                    LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                    fail(
                        ctx,
                        new ApiError(
                            EnvelopeErrorHandler.INTERNAL,
                            500,
                            "internal error: " + e.getMessage()));
                  });
              r.error(
                  404,
                  ctx -> {
                    // Our own 404s are already in the envelope; a path with no route is not,
                    // whatever the HTTP library wrote (JSON of its own when asked for JSON).
                    String result = ctx.result();
                    if (result == null || !result.startsWith("{\"success\"")) {
                      fail(ctx, noRoute(ctx));
                    }
                  });

              r.get(BASE + "/user", ctx -> ok(ctx, Map.of("id", account(ctx))));
              r.get(
                  BASE + "/user/tokens/verify",
                  ctx -> ok(ctx, Map.of("id", account(ctx), "status", "active")));
              r.get(
                  BASE + "/accounts",
                  ctx -> ok(ctx, List.of(Map.of("id", account(ctx), "name", account(ctx)))));
              r.get(
                  BASE + "/memberships",
                  ctx ->
                      ok(
                          ctx,
                          List.of(
                              Map.of(
                                  "id",
                                  account(ctx),
                                  "status",
                                  "accepted",
                                  "account",
                                  Map.of("id", account(ctx), "name", account(ctx))))));

              r.get(
                  WORKERS + "/subdomain",
                  ctx -> ok(ctx, Map.of("subdomain", workers.subdomain(account(ctx)))));
              r.get(WORKERS + "/services/{script}", this::getService);
              r.delete(WORKERS + "/services/{script}", this::deleteScript);
              // Gantry has no Durable Objects or KV: wrangler's delete asks, and finds none.
              r.get(WORKERS + "/durable_objects/namespaces", ctx -> ok(ctx, List.of()));
              r.get(BASE + "/accounts/{account}/storage/kv/namespaces", ctx -> ok(ctx, List.of()));
              r.get(WORKERS + "/workers/{script}", this::getWorker);
              r.patch(WORKERS + "/workers/{script}/versions/latest", this::patchLatestVersion);
              r.get(WORKERS + "/scripts", this::listScripts);
              r.get(SCRIPT, this::getScriptContent);
              r.get(SCRIPT + "/content/v2", this::getModules);
              r.get(
                  WORKERS + "/services/{script}/environments/{environment}/content/v2",
                  this::getModules);
              r.put(SCRIPT, this::putScript);
              r.delete(SCRIPT, this::deleteScript);
              r.get(SCRIPT + "/references", this::getReferences);
              // Gantry runs no tail workers, so no worker consumes another's events.
              r.get(WORKERS + "/tails/by-consumer/{script}", ctx -> ok(ctx, List.of()));
              r.get(SCRIPT + "/settings", this::getSettings);
              r.patch(SCRIPT + "/settings", this::patchSettings);
              r.get(SCRIPT + "/script-settings", this::getSettings);
              r.patch(SCRIPT + "/script-settings", this::patchSettings);
              r.post(SCRIPT + "/versions", this::postVersion);
              r.get(SCRIPT + "/versions", this::listVersions);
              r.get(SCRIPT + "/versions/{version}", this::getVersion);
              r.post(SCRIPT + "/deployments", this::postDeployment);
              r.get(SCRIPT + "/deployments", this::listDeployments);
              r.get(SCRIPT + "/secrets", this::listSecrets);
              r.put(SCRIPT + "/secrets", this::putSecret);
              r.get(SCRIPT + "/secrets/{secret}", this::getSecret);
              r.delete(SCRIPT + "/secrets/{secret}", this::deleteSecret);
              r.patch(SCRIPT + "/secrets-bulk", this::bulkSecrets);
              r.get(SCRIPT + "/subdomain", this::getSubdomain);
              r.post(SCRIPT + "/subdomain", this::postSubdomain);
              r.post(SCRIPT + "/tails", this::createTail);
              r.get(SCRIPT + "/tails", this::listTails);
              r.delete(SCRIPT + "/tails/{tail}", this::deleteTail);
            });
  }

  public WorkersApi start() {
    app.start();
    tailSockets.start();
    return this;
  }

  public int port() {
    return app.port();
  }

  /** The port {@code wrangler tail} reads events from. */
  public int tailPort() {
    return tailSockets.port();
  }

  @Override
  public void close() {
    app.stop();
    tailSockets.close();
  }

  private static ApiError libraryError(Context ctx, HttpResponseException e) {
    if (e.getStatus() == 404) {
      return noRoute(ctx);
    }
    return new ApiError(
        e.getStatus() >= 500 ? EnvelopeErrorHandler.INTERNAL : ApiError.MALFORMED,
        e.getStatus(),
        e.getMessage());
  }

  private static ApiError noRoute(Context ctx) {
    return new ApiError(7003, 404, "No route for " + ctx.method() + " " + ctx.path());
  }

  // --- authentication ---

  private void authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    String token =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : null;
    if (token == null) {
      throw ApiError.authentication("send an API token as Authorization: Bearer <token>");
    }
    String account =
        workers
            .authenticate(token)
            .orElseThrow(() -> ApiError.authentication("the API token is not valid"));
    String path = ctx.pathParamMap().getOrDefault("account", accountInPath(ctx.path()));
    if (path != null && !path.equals(account)) {
      throw ApiError.authentication("the API token does not belong to account " + path);
    }
    ctx.attribute(ACCOUNT_ATTRIBUTE, account);
  }

  private static String accountInPath(String path) {
    String prefix = BASE + "/accounts/";
    if (!path.startsWith(prefix)) {
      return null;
    }
    String rest = path.substring(prefix.length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  private static String account(Context ctx) {
    return ctx.attribute(ACCOUNT_ATTRIBUTE);
  }

  private static WorkerKey worker(Context ctx) {
    return new WorkerKey(account(ctx), ScriptNames.check(ctx.pathParam("script")));
  }

  // --- scripts and services ---

  private void getService(Context ctx) {
    WorkerKey worker = worker(ctx);
    ScriptRecord script =
        workers.script(worker).orElseThrow(() -> ApiError.serviceNotFound(worker.script()));
    ok(ctx, CloudflareShapes.service(script, latest(script), active(script)));
  }

  private void getWorker(Context ctx) {
    ScriptRecord script = workers.requireScript(worker(ctx));
    ObjectNode o = Envelope.JSON.createObjectNode();
    o.put("id", script.name);
    o.put("name", script.name);
    o.put("created_on", script.created);
    o.put("updated_on", script.modified);
    o.putObject("subdomain")
        .put("enabled", script.subdomainEnabled)
        .put("previews_enabled", script.previewsEnabled);
    o.putObject("observability").put("enabled", false);
    o.put("logpush", false);
    o.putArray("tags");
    ok(ctx, o);
  }

  private void listScripts(Context ctx) {
    ArrayNode out = Envelope.JSON.createArrayNode();
    for (ScriptRecord s : workers.scripts(account(ctx))) {
      out.add(CloudflareShapes.script(s, latest(s), active(s)));
    }
    ok(ctx, out);
  }

  /** The entry module's source, as Cloudflare returns a script's content. */
  private void getScriptContent(Context ctx) {
    WorkerKey worker = worker(ctx);
    ScriptRecord script = workers.requireScript(worker);
    Version v = activeVersion(script);
    if (v == null) {
      throw ApiError.scriptNotFound(worker.script());
    }
    ctx.contentType(v.modules().get(0).kind().contentType())
        .result(workers.moduleContent(v.modules().get(0)));
  }

  /**
   * Every module of a version ({@code ?version=}, else the active one) as {@code
   * multipart/form-data}.
   */
  private void getModules(Context ctx) {
    WorkerKey worker = worker(ctx);
    ScriptRecord script = workers.requireScript(worker);
    String id = ctx.queryParam("version");
    Version v = id == null ? activeVersion(script) : workers.version(worker, id);
    if (v == null) {
      throw ApiError.scriptNotFound(worker.script());
    }
    ModulesForm form = ModulesForm.of(v.modules(), workers::moduleContent);
    ctx.status(200)
        .header(ModulesForm.ENTRYPOINT_HEADER, v.mainModule())
        .contentType(form.contentType())
        .result(form.body());
  }

  /** wrangler's first deploy (and every wrangler 3 deploy): upload and deploy in one call. */
  private void putScript(Context ctx) {
    WorkerKey worker = worker(ctx);
    Upload upload = upload(ctx);
    Version version = workers.uploadAndDeploy(worker, upload, "wrangler");
    ScriptRecord script = workers.requireScript(worker);
    ObjectNode result = CloudflareShapes.script(script, version, active(script));
    result.put("deployment_id", version.id());
    ok(ctx, result);
  }

  /**
   * What depends on a worker, as wrangler's delete asks before it deletes: the workers that bind it
   * as a service (Gantry has no Durable Objects, Pages or dispatch namespaces).
   */
  private void getReferences(Context ctx) {
    WorkerKey worker = worker(ctx);
    ObjectNode result = Envelope.JSON.createObjectNode();
    ObjectNode services = result.putObject("services");
    ArrayNode incoming = services.putArray("incoming");
    for (WorkersService.ServiceReference ref : workers.incomingServiceBindings(worker)) {
      incoming
          .addObject()
          .put("service", ref.script())
          .put("environment", "production")
          .put("name", ref.binding());
    }
    services.putArray("outgoing");
    services.put("pages_function", false);
    result.putArray("durable_objects");
    result.putArray("dispatch_outbounds");
    ok(ctx, result);
  }

  /** Deleting a worker other workers bind as a service breaks them: only with {@code force}. */
  private void deleteScript(Context ctx) {
    WorkerKey worker = worker(ctx);
    if (!"true".equals(ctx.queryParam("force"))) {
      List<WorkersService.ServiceReference> dependents = workers.incomingServiceBindings(worker);
      if (!dependents.isEmpty()) {
        throw new ApiError(
            10064,
            400,
            "worker "
                + worker.script()
                + " is bound as a service by "
                + String.join(
                    ", ",
                    dependents.stream()
                        .map(d -> d.script() + " (binding " + d.binding() + ")")
                        .toList())
                + ": delete with force=true (wrangler delete --force) to delete it anyway");
      }
    }
    workers.delete(worker);
    ok(ctx, Map.of("id", worker.script()));
  }

  private Upload upload(Context ctx) {
    Upload.Limits limits =
        new Upload.Limits(maxUploadBytes, workers.runtime().newestCompatibilityDate());
    byte[] body = RequestBody.read(ctx, maxUploadBytes, size -> Upload.tooLarge(size, limits));
    return Upload.parse(ctx.contentType(), body, limits);
  }

  /** Any other request's body, within the same limit. */
  private byte[] body(Context ctx) {
    return RequestBody.read(
        ctx, maxUploadBytes, size -> RequestBody.tooLarge(size, maxUploadBytes));
  }

  // --- settings ---

  private void getSettings(Context ctx) {
    WorkerKey worker = worker(ctx);
    ScriptRecord script = workers.requireScript(worker);
    ok(ctx, CloudflareShapes.settings(script, activeVersion(script), workers.secretNames(worker)));
  }

  private void patchSettings(Context ctx) {
    WorkerKey worker = worker(ctx);
    JsonNode body = settingsPatch(ctx);
    if (!(body instanceof ObjectNode patch)) {
      throw ApiError.badRequest("settings must be a JSON object");
    }
    if (patch.has("bindings")) {
      workers.changeSecrets(
          worker,
          SettingsBindings.secretChanges(patch.get("bindings"), workers.secretNames(worker)));
    }
    // Other bindings and compatibility belong to versions; only the script-level settings are kept.
    ObjectNode kept = patch.deepCopy();
    kept.remove(List.of("bindings", "compatibility_date", "compatibility_flags"));
    workers.patchSettings(worker, kept);
    getSettings(ctx);
  }

  /**
   * A settings patch arrives as JSON, or (wrangler 3 and 4.86's {@code secret bulk}) as multipart
   * with the JSON in a part named {@code settings}.
   */
  private JsonNode settingsPatch(Context ctx) {
    String type = ctx.contentType();
    if (type == null
        || !type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
      return json(ctx);
    }
    Part settings =
        MultipartBody.parse(type, body(ctx)).stream()
            .filter(p -> p.name().equals("settings"))
            .findFirst()
            .orElseThrow(
                () ->
                    ApiError.badRequest("a multipart settings patch needs a part named settings"));
    return parseJson(settings.text());
  }

  // --- versions and deployments ---

  private void postVersion(Context ctx) {
    WorkerKey worker = worker(ctx);
    Upload upload = upload(ctx);
    Map<String, String> annotations = new LinkedHashMap<>();
    JsonNode a = upload.metadata().path("annotations");
    a.fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
    Version version = workers.createVersion(worker, upload, annotations);
    ObjectNode result =
        CloudflareShapes.version(version, account(ctx), workers.secretNames(worker));
    result.put("startup_time_ms", 0);
    ok(ctx, result);
  }

  /**
   * wrangler 4's {@code versions secret put/bulk/delete}: a merge patch of the newest version's
   * {@code env}. Gantry's secrets belong to the worker, so they change for it, and the version
   * (whose content is unchanged) comes back as it is.
   */
  private void patchLatestVersion(Context ctx) {
    WorkerKey worker = worker(ctx);
    ScriptRecord script = workers.requireScript(worker);
    Version latest = latest(script);
    if (latest == null) {
      throw new ApiError(10222, 404, "worker " + worker.script() + " has no uploaded versions");
    }
    JsonNode env = json(ctx).path("env");
    if (!env.isObject()) {
      throw ApiError.invalid(
          "a version patch takes {\"env\": {NAME: {type: secret_text, text} or null}}");
    }
    Map<String, String> change = new HashMap<>();
    env.fields()
        .forEachRemaining(
            e -> {
              JsonNode b = e.getValue();
              if (b.isNull()) {
                change.put(e.getKey(), null);
              } else if (BindingSpec.SECRET_TEXT.equals(b.path("type").asText())
                  && b.path("text").isTextual()) {
                change.put(e.getKey(), b.path("text").asText());
              } else {
                throw ApiError.invalid(
                    "env "
                        + e.getKey()
                        + ": a version patch can set secret_text bindings ({type: secret_text,"
                        + " text}) or remove them (null); other bindings change with an upload");
              }
            });
    workers.changeSecrets(worker, change);
    ok(ctx, CloudflareShapes.version(latest, account(ctx), workers.secretNames(worker)));
  }

  private void listVersions(Context ctx) {
    WorkerKey worker = worker(ctx);
    ArrayNode items = Envelope.JSON.createArrayNode();
    List<String> secrets = workers.secretNames(worker);
    workers.versions(worker).stream()
        .sorted(Comparator.comparingInt(Version::number).reversed())
        .forEach(v -> items.add(CloudflareShapes.version(v, account(ctx), secrets)));
    ObjectNode result = Envelope.JSON.createObjectNode();
    result.set("items", items);
    ok(ctx, result);
  }

  private void getVersion(Context ctx) {
    WorkerKey worker = worker(ctx);
    ok(
        ctx,
        CloudflareShapes.version(
            workers.version(worker, ctx.pathParam("version")),
            account(ctx),
            workers.secretNames(worker)));
  }

  private void postDeployment(Context ctx) {
    WorkerKey worker = worker(ctx);
    JsonNode body = json(ctx);
    String strategy = body.path("strategy").asText("percentage");
    if (!strategy.equals("percentage")) {
      throw ApiError.invalid(
          "deployment strategy \"" + strategy + "\" is not supported: use percentage");
    }
    if (!body.path("versions").isArray()) {
      throw ApiError.invalid("a deployment needs versions: [{version_id, percentage}, ...]");
    }
    List<Split> split = new ArrayList<>();
    for (JsonNode v : body.path("versions")) {
      if (!v.path("percentage").isNumber()) {
        throw ApiError.invalid("every deployment version needs a numeric percentage");
      }
      split.add(new Split(v.path("version_id").asText(null), v.path("percentage").asDouble()));
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    body.path("annotations")
        .fields()
        .forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
    Deployment d = workers.deploy(worker, split, annotations, "wrangler");
    ok(ctx, CloudflareShapes.deployment(d, account(ctx)));
  }

  private void listDeployments(Context ctx) {
    WorkerKey worker = worker(ctx);
    ArrayNode list = Envelope.JSON.createArrayNode();
    List<Deployment> all = new ArrayList<>(workers.deployments(worker));
    java.util.Collections.reverse(all);
    all.forEach(d -> list.add(CloudflareShapes.deployment(d, account(ctx))));
    ObjectNode result = Envelope.JSON.createObjectNode();
    result.set("deployments", list);
    ok(ctx, result);
  }

  // --- secrets ---

  private void listSecrets(Context ctx) {
    ArrayNode out = Envelope.JSON.createArrayNode();
    workers
        .secretNames(worker(ctx))
        .forEach(n -> out.addObject().put("name", n).put("type", "secret_text"));
    ok(ctx, out);
  }

  private void putSecret(Context ctx) {
    WorkerKey worker = worker(ctx);
    JsonNode body = json(ctx);
    String name = secret(body, true);
    Map<String, String> change = new HashMap<>();
    change.put(name, body.path("text").asText());
    workers.changeSecrets(worker, change);
    ok(ctx, Map.of("name", name, "type", "secret_text"));
  }

  /**
   * wrangler's {@code secret bulk}: a JSON merge patch {@code {"secrets": {NAME: {name, text, type}
   * | null}}}, null deleting; every change in one write.
   */
  private void bulkSecrets(Context ctx) {
    WorkerKey worker = worker(ctx);
    JsonNode secrets = json(ctx).path("secrets");
    if (!secrets.isObject()) {
      throw ApiError.invalid(
          "secrets-bulk takes {\"secrets\": {NAME: {name, text, type: secret_text} or null}}");
    }
    Map<String, String> change = new HashMap<>();
    secrets
        .fields()
        .forEachRemaining(
            e ->
                change.put(
                    e.getKey(), e.getValue().isNull() ? null : text(e.getKey(), e.getValue())));
    workers.changeSecrets(worker, change);
    ArrayNode out = Envelope.JSON.createArrayNode();
    workers
        .secretNames(worker)
        .forEach(n -> out.addObject().put("name", n).put("type", "secret_text"));
    ok(ctx, out);
  }

  private static String text(String name, JsonNode secret) {
    secret(secret, true);
    if (!name.equals(secret.path("name").asText())) {
      throw ApiError.invalid("secret " + name + " names itself " + secret.path("name").asText());
    }
    return secret.path("text").asText();
  }

  private static String secret(JsonNode body, boolean needsText) {
    String type = body.path("type").asText("secret_text");
    if (!type.equals("secret_text")) {
      throw ApiError.invalid("secret type \"" + type + "\" is not supported: use secret_text");
    }
    if (!body.path("name").isTextual()) {
      throw ApiError.invalid("a secret needs a name");
    }
    if (needsText && !body.path("text").isTextual()) {
      throw ApiError.invalid("secret " + body.path("name").asText() + " needs a text value");
    }
    return body.path("name").asText();
  }

  private void getSecret(Context ctx) {
    WorkerKey worker = worker(ctx);
    String name = existingSecret(worker, ctx.pathParam("secret"));
    ok(ctx, Map.of("name", name, "type", "secret_text"));
  }

  private void deleteSecret(Context ctx) {
    WorkerKey worker = worker(ctx);
    String name = existingSecret(worker, ctx.pathParam("secret"));
    Map<String, String> change = new HashMap<>();
    change.put(name, null);
    workers.changeSecrets(worker, change);
    ok(ctx, Map.of());
  }

  private String existingSecret(WorkerKey worker, String name) {
    if (!workers.secretNames(worker).contains(name)) {
      throw new ApiError(
          10056, 404, "secret " + name + " of worker " + worker.script() + " not found");
    }
    return name;
  }

  // --- subdomain ---

  private void getSubdomain(Context ctx) {
    ScriptRecord script = workers.requireScript(worker(ctx));
    ok(ctx, Map.of("enabled", script.subdomainEnabled, "previews_enabled", script.previewsEnabled));
  }

  private void postSubdomain(Context ctx) {
    WorkerKey worker = worker(ctx);
    JsonNode body = json(ctx);
    if (!body.path("enabled").isBoolean()) {
      throw ApiError.invalid("subdomain needs {\"enabled\": true|false}");
    }
    Boolean previews =
        body.path("previews_enabled").isBoolean()
            ? body.path("previews_enabled").asBoolean()
            : null;
    workers.setSubdomain(worker, body.path("enabled").asBoolean(), previews);
    getSubdomain(ctx);
  }

  // --- helpers ---

  private Deployment active(ScriptRecord script) {
    return script.deployments.isEmpty()
        ? null
        : script.deployments.get(script.deployments.size() - 1);
  }

  private Version latest(ScriptRecord script) {
    return script.versions.isEmpty() ? null : script.versions.get(script.versions.size() - 1);
  }

  /** The version with the largest share of the active deployment, else the newest. */
  private Version activeVersion(ScriptRecord script) {
    Deployment d = active(script);
    if (d == null) {
      return latest(script);
    }
    String id =
        d.versions().stream()
            .max(Comparator.comparingDouble(Split::percentage))
            .orElseThrow()
            .versionId();
    return script.versions.stream()
        .filter(v -> v.id().equals(id))
        .findFirst()
        .orElse(latest(script));
  }

  // --- tails ---

  private void createTail(Context ctx) {
    WorkerKey worker = worker(ctx);
    TailFilter filter;
    try {
      filter = TailFilter.parse(json(ctx), ctx.ip());
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("tail filters: " + e.getMessage());
    }
    ok(ctx, tailShape(ctx, workers.createTail(worker, filter)));
  }

  private void listTails(Context ctx) {
    ok(ctx, workers.tails(worker(ctx)).stream().map(t -> tailShape(ctx, t)).toList());
  }

  private void deleteTail(Context ctx) {
    workers.deleteTail(worker(ctx), ctx.pathParam("tail"));
    ok(ctx, Map.of());
  }

  /**
   * Where the session's events are read: the tail socket's port on the host the client reached this
   * API at.
   */
  private Map<String, Object> tailShape(Context ctx, TailSessions.Session tail) {
    String scheme = "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto")) ? "wss" : "ws";
    return Map.of(
        "id",
        tail.id(),
        "url",
        scheme + "://" + hostName(ctx.host()) + ":" + tailSockets.port() + "/tails/" + tail.id(),
        "expires_at",
        tail.expires().toString());
  }

  /** A Host header's name without its port ({@code [::1]:8787} → {@code [::1]}). */
  static String hostName(String host) {
    if (host == null || host.isBlank()) {
      return "127.0.0.1";
    }
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? host : host.substring(0, end + 1);
    }
    int colon = host.lastIndexOf(':');
    return colon < 0 || host.indexOf(':') != colon ? host : host.substring(0, colon);
  }

  private JsonNode json(Context ctx) {
    return parseJson(new String(body(ctx), java.nio.charset.StandardCharsets.UTF_8));
  }

  private static JsonNode parseJson(String body) {
    try {
      return body.isBlank() ? Envelope.JSON.createObjectNode() : Envelope.JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // The parser's own message without its source excerpt, which says nothing here.
      throw ApiError.badRequest("the request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static void ok(Context ctx, Object result) {
    ctx.status(200).contentType("application/json").result(Envelope.ok(result));
  }

  private static void fail(Context ctx, ApiError e) {
    ctx.status(e.status()).contentType("application/json").result(Envelope.error(e));
  }
}
