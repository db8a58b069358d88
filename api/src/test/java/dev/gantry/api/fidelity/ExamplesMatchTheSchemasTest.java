package dev.gantry.api.fidelity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Gantry resource in examples/, docs/ and the README is accepted by the generated schemas as
 * {@code kubectl apply} sends it (strict: unknown fields refused), with defaults and CEL rules
 * applied as the API server applies them. The mock server would store any of them unchecked.
 */
class ExamplesMatchTheSchemasTest {
  private static final Pattern YAML_BLOCK = Pattern.compile("```ya?ml\\n(.*?)```", Pattern.DOTALL);
  private final Crds crds = Crds.committed();

  @Test
  void everyGantryManifestInExamplesAndDocsIsAcceptedStrictly() throws IOException {
    Map<String, List<JsonNode>> manifests = manifests();
    Map<String, Integer> kinds = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    manifests.forEach(
        (where, docs) -> {
          for (JsonNode doc : docs) {
            String apiVersion = doc.path("apiVersion").asText();
            String kind = doc.path("kind").asText();
            crds.schemaFor(apiVersion, kind)
                .ifPresent(
                    schema -> {
                      kinds.merge(kind, 1, Integer::sum);
                      ManifestValidation.problems(schema, doc)
                          .forEach(
                              p ->
                                  problems.add(
                                      where
                                          + " "
                                          + kind
                                          + "/"
                                          + doc.path("metadata").path("name").asText()
                                          + ": "
                                          + p));
                    });
          }
        });
    assertThat(problems).isEmpty();
    // Each capability's examples were found, so an empty problem list means something.
    assertThat(kinds).containsKeys("Provision", "MiniCluster", "Relation");
    assertThat(kinds.get("MiniCluster")).isGreaterThanOrEqualTo(3);
  }

  @Test
  void anUnknownFieldIsRefusedAsKubectlDoes() throws IOException {
    JsonNode schema = crds.schemaFor("flux-framework.org/v1alpha2", "MiniCluster").orElseThrow();
    JsonNode manifest =
        Crds.documents(
                """
                apiVersion: flux-framework.org/v1alpha2
                kind: MiniCluster
                metadata: {name: typo}
                spec:
                  size: 2
                  containers:
                  - image: busybox
                    comand: echo hello
                """)
            .get(0);
    assertThat(ManifestValidation.problems(schema, manifest))
        .containsExactly(
            "strict decoding error: unknown field \"spec.containers[0].comand\" (kubectl apply"
                + " refuses it)");
  }

  @Test
  void theSchemasCelRulesRunWithDefaultsApplied() throws IOException {
    JsonNode schema = crds.schemaFor("flux-framework.org/v1alpha2", "MiniCluster").orElseThrow();
    JsonNode twoRunners =
        Crds.documents(
                """
                apiVersion: flux-framework.org/v1alpha2
                kind: MiniCluster
                metadata: {name: two}
                spec:
                  maxSize: 1
                  containers:
                  - {image: a, name: a, runFlux: true}
                  - {image: b, name: b, runFlux: true}
                """)
            .get(0);
    // size defaults to 1, so maxSize 1 passes; two runners do not.
    assertThat(ManifestValidation.problems(schema, twoRunners))
        .singleElement()
        .asString()
        .startsWith("spec: exactly one container must run Flux");
  }

  @Test
  void aFluxOperatorManifestWithServicesArchAndLifeCycleIsAccepted() throws IOException {
    JsonNode schema = crds.schemaFor("flux-framework.org/v1alpha2", "MiniCluster").orElseThrow();
    JsonNode upstream =
        Crds.documents(
                """
                apiVersion: flux-framework.org/v1alpha2
                kind: MiniCluster
                metadata: {name: upstream}
                spec:
                  size: 2
                  services:
                  - {image: redis, name: redis}
                  archive: {path: /state/archive.tar.gz}
                  flux:
                    arch: arm
                    bursting:
                      leadBroker: {address: 10.0.0.1, name: lead, size: 2}
                      clusters: [{size: 4}]
                  containers:
                  - image: busybox
                    command: echo hello
                    lifeCycle: {postStartExec: /bin/true, preStopExec: /bin/true}
                    volumes:
                      data: {csiDriver: csi.example.com, csiDriverAttributes: {a: b}, path: /data}
                """)
            .get(0);
    assertThat(ManifestValidation.problems(schema, upstream)).isEmpty();
  }

  /** YAML files under examples/, and YAML blocks of the Markdown pages, by where they are. */
  private static Map<String, List<JsonNode>> manifests() throws IOException {
    Map<String, List<JsonNode>> found = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> examples = Files.walk(Path.of("..", "examples"));
        Stream<Path> docs = Files.walk(Path.of("..", "docs"))) {
      files =
          Stream.concat(Stream.concat(examples, docs), Stream.of(Path.of("..", "README.md")))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    }
    for (Path f : files) {
      String name = f.toString();
      String text = Files.readString(f);
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        found.put(name, Crds.documents(text));
      } else if (name.endsWith(".md")) {
        Matcher m = YAML_BLOCK.matcher(text);
        int block = 0;
        while (m.find()) {
          found.put(name + " (yaml block " + ++block + ")", Crds.documents(m.group(1)));
        }
      }
    }
    return found;
  }
}
