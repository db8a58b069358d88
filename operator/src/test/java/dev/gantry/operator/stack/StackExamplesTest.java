package dev.gantry.operator.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.stack.Stack;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Stack in examples/ and docs/ compiles without a problem: its references resolve, its
 * expressions type-check, it has no cycle. (The schema test checks the same manifests' shape.)
 */
class StackExamplesTest {
  private static final Pattern YAML_BLOCK = Pattern.compile("```ya?ml\\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyStackInExamplesAndDocsCompiles() throws Exception {
    List<String> documents = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("..", "examples"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        documents.addAll(List.of(Files.readString(f).split("(?m)^---\\s*$")));
      }
    }
    Matcher blocks = YAML_BLOCK.matcher(Files.readString(Path.of("..", "docs", "stack.md")));
    while (blocks.find()) {
      documents.add(blocks.group(1));
    }
    int stacks = 0;
    for (String document : documents) {
      if (!document.contains("kind: Stack")) {
        continue;
      }
      Stack stack = Serialization.unmarshal(document, Stack.class);
      StackDefinition definition = StackCompiler.compile(stack.getSpec(), "examples");
      assertThat(definition.problems()).as(stack.getMetadata().getName()).isEmpty();
      stacks++;
    }
    assertThat(stacks).isGreaterThanOrEqualTo(2);
  }
}
