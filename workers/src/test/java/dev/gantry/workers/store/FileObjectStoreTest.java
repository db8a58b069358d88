package dev.gantry.workers.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileObjectStoreTest {
  @TempDir Path root;

  @Test
  void objectsArePutReadListedAndDeletedAndSurviveANewStore() {
    var store = new FileObjectStore(root);
    store.put("scripts/a/one", "1".getBytes(StandardCharsets.UTF_8));
    store.put("scripts/a/two", "2".getBytes(StandardCharsets.UTF_8));
    store.put("scripts/b/one", "3".getBytes(StandardCharsets.UTF_8));
    var again = new FileObjectStore(root);
    assertThat(again.get("scripts/a/two"))
        .hasValueSatisfying(b -> assertThat(new String(b)).isEqualTo("2"));
    assertThat(again.list("scripts/a/")).containsExactly("scripts/a/one", "scripts/a/two");
    again.delete("scripts/a/one");
    again.delete("scripts/a/never");
    assertThat(again.get("scripts/a/one")).isEmpty();
  }

  @Test
  void keysThatWouldLeaveTheRootAreRefused() throws Exception {
    var store = new FileObjectStore(root.resolve("objects"));
    Files.writeString(root.resolve("secret"), "x");
    for (String key : new String[] {"../secret", "a/../../secret", "/etc/passwd", "a//b", ""}) {
      assertThatThrownBy(() -> store.get(key)).as(key).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
