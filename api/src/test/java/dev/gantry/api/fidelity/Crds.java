package dev.gantry.api.fidelity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The committed CRDs, by group/version and kind, and YAML documents read from files. */
final class Crds {
  static final Path COMMITTED = Path.of("..", "deploy", "crds");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Map<String, JsonNode> byFile = new LinkedHashMap<>();

  private Crds() {}

  static Crds committed() {
    Crds crds = new Crds();
    try (var files = Files.list(COMMITTED)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
        crds.byFile.put(f.getFileName().toString(), YAML.readTree(f.toFile()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return crds;
  }

  Map<String, JsonNode> byFile() {
    return byFile;
  }

  /** The schema for a manifest's apiVersion and kind, when one of the CRDs serves it. */
  Optional<JsonNode> schemaFor(String apiVersion, String kind) {
    for (JsonNode crd : byFile.values()) {
      String group = crd.path("spec").path("group").asText();
      if (!crd.path("spec").path("names").path("kind").asText().equals(kind)) {
        continue;
      }
      for (JsonNode version : crd.path("spec").path("versions")) {
        if ((group + "/" + version.path("name").asText()).equals(apiVersion)) {
          return Optional.of(version.path("schema").path("openAPIV3Schema"));
        }
      }
    }
    return Optional.empty();
  }

  /** Every YAML document of a text (several may be separated by ---). */
  static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(yaml)) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }
}
