package dev.gantry.workers.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.workers.model.Deployment;
import dev.gantry.workers.model.Version;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Accounts, tokens (hashed), scripts, versions, deployments and settings: the embedded default
 * keeps them in one JSON document under the data directory, held in memory and written through on
 * every change. Callers read and change it only inside {@link #read} and {@link #write}, which
 * serialise access; a write that throws leaves the stored document as it was.
 */
public final class MetadataStore {
  /** The whole document. */
  public static final class State {
    public Map<String, AccountRecord> accounts = new TreeMap<>();

    /**
     * "account/script" → the upload being deployed, not yet acknowledged (nor listed): one a server
     * was killed during is removed at its next start.
     */
    public Map<String, Version> pending = new TreeMap<>();
  }

  public static final class AccountRecord {
    public String id;
    public String subdomain;
    public String created;
    public List<TokenRecord> tokens = new ArrayList<>();
    public Map<String, ScriptRecord> scripts = new TreeMap<>();
  }

  /**
   * @param id shown to the user, never secret
   * @param sha256 of the token; the token itself is not kept
   * @param created ISO-8601
   */
  public record TokenRecord(String id, String sha256, String created) {}

  public static final class ScriptRecord {
    public String name;
    public String created;
    public String modified;
    public boolean subdomainEnabled;
    public boolean previewsEnabled;
    public List<Version> versions = new ArrayList<>();
    public List<Deployment> deployments = new ArrayList<>();

    /** observability, tags, logpush, tail_consumers: kept and returned as patched. */
    public ObjectNode settings;
  }

  private final JsonFile<State> file;
  private State state;
  private FileTime loaded;

  public MetadataStore(Path dataDirectory) {
    this.file = new JsonFile<>(dataDirectory.resolve("metadata.json"), State.class, false);
    refresh();
  }

  private void refresh() {
    FileTime modified = file.modified();
    if (state == null || (modified != null && !modified.equals(loaded))) {
      state = file.read(new State());
      loaded = modified;
    }
  }

  public synchronized <T> T read(Function<State, T> reader) {
    refresh();
    return reader.apply(state);
  }

  /** Applies {@code change} to a copy and stores it; the copy becomes the state once written. */
  public synchronized <T> T write(Function<State, T> change) {
    return file.locked(
        () -> {
          refresh();
          State copy = JsonFile.MAPPER.convertValue(state, State.class);
          T result = change.apply(copy);
          file.write(copy);
          state = copy;
          loaded = file.modified();
          return result;
        });
  }

  public void update(Consumer<State> change) {
    write(
        s -> {
          change.accept(s);
          return null;
        });
  }
}
