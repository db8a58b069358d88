package dev.gantry.operator.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.api.provision.OutputFile;
import dev.gantry.api.provision.OutputsSpec;
import dev.gantry.api.provision.OutputsStatus;
import dev.gantry.api.provision.OutputsStatus.OutputItem;
import dev.gantry.api.provision.Provision;
import dev.gantry.operator.kube.OwnerReferences;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The outputs Secret a successful apply's files make: pure, from the spec and the files read off
 * the volume. Either the Secret with its listing for status, or a refusal that names the output,
 * the field and the fix, in which case nothing is published.
 */
public final class OutputsSecret {
  /** The API server refuses a Secret whose data exceed 1 MiB. */
  public static final long SECRET_LIMIT = 1024 * 1024;

  private static final Pattern KEY = Pattern.compile(OutputFile.KEY);
  private static final Set<String> TERRAFORM_OUTPUT_FIELDS = Set.of("value", "type", "sensitive");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** On the Secret: which file each key came from, for status. */
  static final String SOURCES_ANNOTATION = "gantry.dev/output-sources";

  /** On the outputs Secret: the keys whose values the tool marked sensitive (a JSON list). */
  public static final String SENSITIVE_ANNOTATION = "gantry.dev/sensitive-outputs";

  private OutputsSecret() {}

  /**
   * One output file to read, and where in the spec it was asked for.
   *
   * @param key the Secret key of a file published whole; null for a JSON file
   */
  public record Wanted(String path, String key, boolean optional, String field) {
    boolean json() {
      return key == null;
    }
  }

  /** A file as read off the volume: absent, over the read limit (content null), or whole. */
  public record ReadFile(String path, boolean present, long size, byte[] content) {
    public static ReadFile missing(String path) {
      return new ReadFile(path, false, 0, null);
    }
  }

  public sealed interface Result {}

  public record Publish(Secret secret, OutputsStatus status) implements Result {}

  /** Nothing to publish: no output was asked for, or the optional default file was not written. */
  public record Nothing() implements Result {}

  public record Refused(String reason, String message) implements Result {}

  /** The files a Provision's spec asks for, in the order their keys are taken. */
  public static List<Wanted> wanted(OutputsSpec spec) {
    List<Wanted> wanted = new ArrayList<>();
    List<String> json = spec.jsonOrDefault();
    for (int i = 0; i < json.size(); i++) {
      wanted.add(
          new Wanted(
              json.get(i),
              null,
              spec.jsonOptional(),
              spec.json == null ? "spec.outputs.json (default)" : "spec.outputs.json[" + i + "]"));
    }
    List<OutputFile> files = spec.filesOrEmpty();
    for (int i = 0; i < files.size(); i++) {
      OutputFile file = files.get(i);
      wanted.add(
          new Wanted(file.path, file.keyOrDefault(), false, "spec.outputs.files[" + i + "]"));
    }
    return wanted;
  }

  /**
   * A refusal decided by what the apply's file list already says (a named file absent, one over the
   * limit), before anything is read; empty when the files must be read to tell.
   */
  public static Optional<Refused> refusalFromListing(
      OutputsSpec spec, Map<String, ReadFile> listed) {
    for (Wanted wanted : wanted(spec)) {
      ReadFile file = listed.get(wanted.path());
      if (file == null) {
        continue;
      }
      if (!file.present() && !wanted.optional()) {
        return Optional.of(missing(wanted));
      }
      if (file.present() && file.size() > SECRET_LIMIT) {
        return Optional.of(tooLarge(wanted.field() + " (" + wanted.path() + ")", file.size()));
      }
    }
    return Optional.empty();
  }

  private static Refused missing(Wanted wanted) {
    return new Refused(
        "OutputMissing",
        wanted.field()
            + " names "
            + wanted.path()
            + ", which the apply did not leave on the deliverables volume: make the tool write"
            + " it, or remove it from "
            + wanted.field().replaceAll("\\[\\d+\\]$", ""));
  }

  public static Result build(Provision provision, RunId run, Map<String, ReadFile> read) {
    OutputsSpec spec = provision.getSpec().outputsOrDefault();
    Map<String, byte[]> data = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    Set<String> sensitive = new java.util.TreeSet<>();
    for (Wanted wanted : wanted(spec)) {
      ReadFile file = read.getOrDefault(wanted.path(), ReadFile.missing(wanted.path()));
      if (!file.present()) {
        if (wanted.optional()) {
          continue;
        }
        return missing(wanted);
      }
      if (file.content() == null || file.size() > SECRET_LIMIT) {
        return tooLarge(wanted.field() + " (" + wanted.path() + ")", file.size());
      }
      Map<String, byte[]> entries;
      if (wanted.json()) {
        Optional<Map<String, byte[]>> flat = flatten(file.content());
        if (flat.isEmpty()) {
          return new Refused(
              "OutputNotJson",
              wanted.field()
                  + " names "
                  + wanted.path()
                  + ", which is not a JSON object (write it with terraform output -json, or list"
                  + " the file under spec.outputs.files to publish it whole)");
        }
        entries = flat.get();
        sensitive.addAll(sensitiveKeys(file.content()));
      } else {
        entries = Map.of(wanted.key(), file.content());
      }
      for (var entry : entries.entrySet()) {
        String key = entry.getKey();
        if (!KEY.matcher(key).matches()) {
          return new Refused(
              "OutputKeyInvalid",
              "output \""
                  + key
                  + "\" from "
                  + wanted.path()
                  + " ("
                  + wanted.field()
                  + ") cannot be a Secret key: keys are letters, digits, '-', '_' and '.'; rename"
                  + " the output"
                  + (wanted.json() ? "" : " or set its key"));
        }
        if (sources.containsKey(key)) {
          return new Refused(
              "OutputKeyConflict",
              "output \""
                  + key
                  + "\" comes from both "
                  + sources.get(key)
                  + " and "
                  + wanted.path()
                  + "; give the file another key in "
                  + wanted.field());
        }
        data.put(key, entry.getValue());
        sources.put(key, wanted.path());
      }
    }
    if (data.isEmpty()) {
      return new Nothing();
    }
    long total = data.values().stream().mapToLong(v -> v.length).sum();
    if (total > SECRET_LIMIT) {
      String largest =
          data.entrySet().stream()
              .max((a, b) -> Integer.compare(a.getValue().length, b.getValue().length))
              .map(e -> e.getKey() + " (" + Sizes.human(e.getValue().length) + ")")
              .orElse("");
      return new Refused(
          "OutputTooLarge",
          "the outputs total "
              + Sizes.human(total)
              + ", over the "
              + Sizes.human(SECRET_LIMIT)
              + " a Secret holds (the largest is "
              + largest
              + "); the state and deliverables stay on the volume: publish fewer or smaller"
              + " outputs in spec.outputs");
    }
    sensitive.retainAll(data.keySet());
    return new Publish(
        secret(provision, run, data, sources, sensitive),
        status(
            ProvisionNames.outputsSecret(provision.getMetadata().getName()),
            run,
            data,
            sources,
            sensitive));
  }

  /**
   * The status listing of a Secret this class made, from its data and annotations: what a pass
   * whose cached status lags behind the Secret reports, without reading the volume again.
   */
  public static Optional<OutputsStatus> statusOf(Secret live, RunId run) {
    var annotations = live.getMetadata().getAnnotations();
    if (annotations == null
        || !run.toString().equals(annotations.get(ProvisionNames.RUN_ANNOTATION))
        || live.getData() == null) {
      return Optional.empty();
    }
    Map<String, String> sources = new LinkedHashMap<>();
    Set<String> sensitive = new java.util.TreeSet<>();
    try {
      String json = annotations.get(SOURCES_ANNOTATION);
      if (json != null) {
        JSON.readTree(json)
            .fields()
            .forEachRemaining(f -> sources.put(f.getKey(), f.getValue().asText()));
      }
      String marked = annotations.get(SENSITIVE_ANNOTATION);
      if (marked != null) {
        JSON.readTree(marked).forEach(k -> sensitive.add(k.asText()));
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    live.getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    List<String> order = new ArrayList<>(sources.keySet());
    data.keySet().stream().filter(k -> !order.contains(k)).forEach(order::add);
    Map<String, byte[]> ordered = new LinkedHashMap<>();
    order.stream().filter(data::containsKey).forEach(k -> ordered.put(k, data.get(k)));
    return Optional.of(status(live.getMetadata().getName(), run, ordered, sources, sensitive));
  }

  private static Refused tooLarge(String what, long size) {
    return new Refused(
        "OutputTooLarge",
        what
            + " is "
            + Sizes.human(size)
            + ", over the "
            + Sizes.human(SECRET_LIMIT)
            + " a Secret holds; it stays on the deliverables volume (gantry deliverables get"
            + " fetches it): remove it from spec.outputs or make it smaller");
  }

  /**
   * A JSON object's top-level keys. Terraform's output shape ({"name": {"value": v, "type": t,
   * "sensitive": s}}) gives each output's value; a string value is published as it is, any other
   * value as its JSON text.
   */
  static Optional<Map<String, byte[]>> flatten(byte[] content) {
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (root == null || !root.isObject()) {
      return Optional.empty();
    }
    Map<String, byte[]> flat = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
    while (fields.hasNext()) {
      var field = fields.next();
      JsonNode value = field.getValue();
      if (isTerraformOutput(value)) {
        value = value.get("value");
      }
      String text = value.isTextual() ? value.textValue() : value.toString();
      flat.put(field.getKey(), text.getBytes(StandardCharsets.UTF_8));
    }
    return Optional.of(flat);
  }

  private static boolean isTerraformOutput(JsonNode value) {
    if (!value.isObject() || !value.has("value")) {
      return false;
    }
    Iterator<String> names = value.fieldNames();
    while (names.hasNext()) {
      if (!TERRAFORM_OUTPUT_FIELDS.contains(names.next())) {
        return false;
      }
    }
    return true;
  }

  private static Secret secret(
      Provision provision,
      RunId run,
      Map<String, byte[]> data,
      Map<String, String> sources,
      Set<String> sensitive) {
    String name = provision.getMetadata().getName();
    Map<String, String> encoded = new LinkedHashMap<>();
    data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v)));
    String sourcesJson;
    String sensitiveJson;
    try {
      sourcesJson = JSON.writeValueAsString(sources);
      sensitiveJson = JSON.writeValueAsString(sensitive);
    } catch (IOException e) {
      throw new IllegalStateException("strings are JSON", e);
    }
    return new SecretBuilder()
        .withNewMetadata()
        .withName(ProvisionNames.outputsSecret(name))
        .withNamespace(provision.getMetadata().getNamespace())
        .withLabels(ProvisionLabels.of(name, ProvisionLabels.OUTPUTS))
        .withAnnotations(
            Map.of(
                ProvisionNames.RUN_ANNOTATION,
                run.toString(),
                SOURCES_ANNOTATION,
                sourcesJson,
                SENSITIVE_ANNOTATION,
                sensitiveJson))
        .withOwnerReferences(OwnerReferences.controllerOf(provision))
        .endMetadata()
        .withType("Opaque")
        .withData(encoded)
        .build();
  }

  /**
   * Names, sizes and digests, never values. A sensitive output gets no digest: an unsalted SHA-256
   * of a password lets anyone who may read the Provision confirm a guess of it.
   */
  private static OutputsStatus status(
      String secretName,
      RunId run,
      Map<String, byte[]> data,
      Map<String, String> sources,
      Set<String> sensitive) {
    OutputsStatus status = new OutputsStatus();
    status.secretName = secretName;
    status.generation = run.generation();
    status.run = run.toString();
    data.forEach(
        (k, v) -> {
          boolean secret = sensitive.contains(k);
          OutputItem item = new OutputItem(k, sources.get(k), v.length, secret ? null : sha256(v));
          item.sensitive = secret ? true : null;
          status.items.add(item);
        });
    return status;
  }

  /** The outputs Terraform's output -json marks sensitive. */
  static Set<String> sensitiveKeys(byte[] content) {
    Set<String> keys = new java.util.TreeSet<>();
    try {
      JsonNode root = JSON.readTree(content);
      if (root != null && root.isObject()) {
        root.fields()
            .forEachRemaining(
                f -> {
                  if (isTerraformOutput(f.getValue())
                      && f.getValue().path("sensitive").asBoolean(false)) {
                    keys.add(f.getKey());
                  }
                });
      }
    } catch (IOException e) {
      return keys;
    }
    return keys;
  }

  /**
   * Whether the live Secret is the desired one: data, type, labels, owner and the run and sources
   * annotations (OwnedSecret's whole-object comparison).
   */
  public static boolean matches(Secret live, Secret desired) {
    return dev.gantry.operator.kube.OwnedSecret.matches(live, desired);
  }

  static String sha256(byte[] value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
