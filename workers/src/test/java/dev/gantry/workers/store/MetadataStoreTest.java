package dev.gantry.workers.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoreTest {
  @TempDir Path data;

  static MetadataStore.AccountRecord account(String id) {
    var a = new MetadataStore.AccountRecord();
    a.id = id;
    a.subdomain = id;
    return a;
  }

  private int stamps;

  /**
   * Gives the document a modification time no write made: two writes within one tick of a coarse
   * file system would otherwise look like one.
   */
  void distinctModificationTime() throws Exception {
    java.nio.file.Files.setLastModifiedTime(
        data.resolve("metadata.json"),
        java.nio.file.attribute.FileTime.from(java.time.Instant.EPOCH.plusSeconds(++stamps)));
  }

  @Test
  void aChangeByAnotherStoreOnTheSameDirectoryIsSeenAndNotOverwritten() throws Exception {
    var server = new MetadataStore(data);
    var cli = new MetadataStore(data);
    server.update(s -> s.accounts.put("a", account("a")));
    distinctModificationTime();
    cli.update(s -> s.accounts.put("b", account("b")));
    distinctModificationTime();
    server.update(s -> s.accounts.get("a").subdomain = "renamed");
    var reread = new MetadataStore(data);
    assertThat(reread.<java.util.List<String>>read(s -> java.util.List.copyOf(s.accounts.keySet())))
        .containsExactly("a", "b");
    assertThat(reread.<String>read(s -> s.accounts.get("a").subdomain)).isEqualTo("renamed");
  }

  @Test
  void aFailedChangeLeavesTheStoredDocumentAsItWas() {
    var store = new MetadataStore(data);
    store.update(s -> s.accounts.put("a", account("a")));
    assertThatThrownBy(
            () ->
                store.update(
                    s -> {
                      s.accounts.clear();
                      throw new IllegalStateException("boom");
                    }))
        .hasMessage("boom");
    assertThat(store.<java.util.List<String>>read(s -> java.util.List.copyOf(s.accounts.keySet())))
        .containsExactly("a");
    assertThat(
            new MetadataStore(data)
                .<java.util.List<String>>read(s -> java.util.List.copyOf(s.accounts.keySet())))
        .containsExactly("a");
  }
}
