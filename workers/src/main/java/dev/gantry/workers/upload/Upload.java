package dev.gantry.workers.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.workers.ApiError;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated wrangler upload: the metadata part mapped to what the runtime needs, and every
 * module. Built only through {@link #parse}, so an Upload that exists is one the runtime can serve;
 * anything else is an {@link ApiError} and nothing is stored.
 *
 * @param mainModule the entry module (ES modules format) or the body part (service-worker format)
 * @param serviceWorker whether the upload is in the service-worker format ({@code body_part})
 * @param compatibilityDate as uploaded
 * @param compatibilityFlags as uploaded
 * @param bindings the bindings the runtime provides, secrets excluded
 * @param secrets {@code secret_text} bindings sent with the upload, by name: stored apart
 * @param modules every module, the entry first
 * @param metadata the metadata as sent, minus secret values: returned to wrangler as it was
 */
public record Upload(
    String mainModule,
    boolean serviceWorker,
    String compatibilityDate,
    List<String> compatibilityFlags,
    List<BindingSpec> bindings,
    Map<String, String> secrets,
    List<Module> modules,
    ObjectNode metadata) {

  /** What the server accepts: the size limit and the newest compatibility date it can run. */
  public record Limits(long maxBytes, LocalDate newestCompatibilityDate) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  public static Upload parse(String contentType, byte[] body, Limits limits) {
    if (body.length > limits.maxBytes()) {
      throw tooLarge(body.length, limits);
    }
    List<Part> parts = MultipartBody.parse(contentType, body);
    if (parts.stream().filter(p -> p.name().equals("metadata")).count() > 1) {
      // Refused as a module sent twice is: which one the worker runs must not be a guess.
      throw ApiError.invalid(
          "part \"metadata\" is uploaded twice: send the worker's metadata in one part");
    }
    Part metadataPart =
        parts.stream()
            .filter(p -> p.name().equals("metadata"))
            .findFirst()
            .orElseThrow(
                () ->
                    ApiError.badRequest(
                        "the upload has no \"metadata\" part: send the worker's metadata (main_module,"
                            + " bindings, compatibility_date) as a JSON part named metadata"));
    ObjectNode metadata;
    try {
      JsonNode node = JSON.readTree(metadataPart.content());
      if (!(node instanceof ObjectNode object)) {
        throw ApiError.badRequest("the metadata part must be a JSON object");
      }
      metadata = object;
    } catch (java.io.IOException e) {
      throw ApiError.badRequest("the metadata part is not valid JSON: " + e.getMessage());
    }

    Map<String, Module> modules = new LinkedHashMap<>();
    for (Part part : parts) {
      if (part.name().equals("metadata")) {
        continue;
      }
      String name = ModuleNames.check(part.name());
      ModuleKind kind =
          ModuleKind.of(part.contentType())
              .orElseThrow(
                  () ->
                      ApiError.invalid(
                          "module \""
                              + name
                              + "\" has content type "
                              + (part.contentType() == null ? "(none)" : part.contentType())
                              + ", which is not a module type: use application/javascript+module,"
                              + " application/javascript, text/plain, application/octet-stream,"
                              + " application/wasm, application/json or application/source-map"));
      if (modules.put(name, new Module(name, kind, part.content())) != null) {
        throw ApiError.invalid("module \"" + name + "\" is uploaded twice");
      }
    }

    String mainModule = text(metadata, "main_module");
    String bodyPart = text(metadata, "body_part");
    if ((mainModule == null) == (bodyPart == null)) {
      throw ApiError.invalid(
          "metadata must name exactly one of main_module (ES modules) and body_part"
              + " (service worker)");
    }
    boolean serviceWorker = bodyPart != null;
    String entry = ModuleNames.normalize(serviceWorker ? bodyPart : mainModule);
    Module main = modules.get(entry);
    if (main == null) {
      throw ApiError.invalid(
          "metadata "
              + (serviceWorker ? "body_part" : "main_module")
              + " is \""
              + entry
              + "\", but no part of the upload has that name (parts: "
              + String.join(", ", modules.keySet())
              + ")");
    }
    if (serviceWorker ? main.kind() != ModuleKind.COMMONJS : !isScript(main.kind())) {
      throw ApiError.invalid(
          "the entry \""
              + entry
              + "\" is "
              + main.kind().contentType()
              + "; it must be "
              + (serviceWorker
                  ? "application/javascript"
                  : "application/javascript+module or application/javascript"));
    }

    String date = compatibilityDate(metadata, limits);
    List<String> flags = new ArrayList<>();
    JsonNode flagNode = metadata.path("compatibility_flags");
    if (!flagNode.isMissingNode() && !flagNode.isNull()) {
      if (!flagNode.isArray()) {
        throw ApiError.invalid("metadata compatibility_flags must be an array of strings");
      }
      flagNode.forEach(
          f -> {
            if (!f.isTextual() || !f.asText().matches("[a-z0-9_]{1,100}")) {
              throw ApiError.invalid(
                  "compatibility flag " + f + " is not a flag name (lowercase, digits, _)");
            }
            flags.add(f.asText());
          });
    }

    List<BindingSpec> bindings = new ArrayList<>();
    Map<String, String> secrets = new LinkedHashMap<>();
    JsonNode bindingNode = metadata.path("bindings");
    if (!bindingNode.isMissingNode() && !bindingNode.isArray()) {
      throw ApiError.invalid("metadata bindings must be an array");
    }
    Set<String> names = new HashSet<>();
    for (JsonNode b : bindingNode) {
      String name = text(b, "name");
      String type = text(b, "type");
      if (name == null || !name.matches("[A-Za-z_$][A-Za-z0-9_$]{0,127}")) {
        throw ApiError.invalid(
            "binding name " + b.path("name") + " is not a JavaScript identifier");
      }
      if (!names.add(name)) {
        throw ApiError.invalid("binding " + name + " is declared twice");
      }
      switch (type == null ? "" : type) {
        case BindingSpec.PLAIN_TEXT ->
            bindings.add(new BindingSpec(name, type, required(b, "text", name), null));
        case BindingSpec.JSON -> {
          if (!b.has("json")) {
            throw ApiError.invalid("json binding " + name + " has no json value");
          }
          bindings.add(new BindingSpec(name, type, b.get("json").toString(), null));
        }
        case BindingSpec.SECRET_TEXT -> secrets.put(name, required(b, "text", name));
        case BindingSpec.SERVICE -> {
          String service = required(b, "service", name);
          ScriptNames.check(service);
          bindings.add(new BindingSpec(name, type, null, service));
        }
        default ->
            throw ApiError.invalid(
                "binding "
                    + name
                    + " has type \""
                    + type
                    + "\", which this runtime does not provide: use plain_text, json, secret_text"
                    + " or service");
      }
    }

    // Secret values never stay in the metadata that versions keep and return.
    if (bindingNode.isArray()) {
      for (JsonNode b : (ArrayNode) bindingNode) {
        if (BindingSpec.SECRET_TEXT.equals(text(b, "type")) && b instanceof ObjectNode o) {
          o.remove("text");
        }
      }
    }
    List<Module> ordered = new ArrayList<>();
    ordered.add(main);
    modules.values().stream().filter(m -> m != main).forEach(ordered::add);
    return new Upload(
        entry,
        serviceWorker,
        date,
        List.copyOf(flags),
        List.copyOf(bindings),
        Map.copyOf(secrets),
        List.copyOf(ordered),
        metadata);
  }

  /** An upload over the limit; {@code size} is -1 when the sender did not say (chunked). */
  public static ApiError tooLarge(long size, Limits limits) {
    return new ApiError(
        ApiError.TOO_LARGE,
        413,
        "the upload is "
            + (size < 0 ? "more than " + limits.maxBytes() : String.valueOf(size))
            + " bytes, over this server's limit of "
            + limits.maxBytes()
            + " bytes (gantry workers serve --max-upload-bytes)");
  }

  private static boolean isScript(ModuleKind kind) {
    return kind == ModuleKind.ES_MODULE || kind == ModuleKind.COMMONJS;
  }

  /** The date an upload without one runs at. */
  public static final String OLDEST_COMPATIBILITY_DATE = "2021-11-02";

  private static String compatibilityDate(ObjectNode metadata, Limits limits) {
    String date = text(metadata, "compatibility_date");
    if (date == null) {
      // As Cloudflare: no date means the oldest behaviour. wrangler's placeholder upload (secret
      // put on a worker that does not exist yet) sends none.
      return OLDEST_COMPATIBILITY_DATE;
    }
    LocalDate parsed;
    try {
      parsed = LocalDate.parse(date);
    } catch (DateTimeParseException e) {
      throw ApiError.invalid(
          "compatibility_date \"" + date + "\" is not a date of the form YYYY-MM-DD");
    }
    if (parsed.isAfter(limits.newestCompatibilityDate())) {
      throw ApiError.invalid(
          "compatibility_date "
              + date
              + " is later than this runtime supports ("
              + limits.newestCompatibilityDate()
              + "): set compatibility_date in wrangler.toml to "
              + limits.newestCompatibilityDate()
              + " or earlier, or update the workerd package");
    }
    return date;
  }

  private static String required(JsonNode binding, String field, String name) {
    String value = text(binding, field);
    if (value == null) {
      throw ApiError.invalid(
          text(binding, "type") + " binding " + name + " has no \"" + field + "\"");
    }
    return value;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() || !v.isTextual() ? null : v.asText();
  }
}
