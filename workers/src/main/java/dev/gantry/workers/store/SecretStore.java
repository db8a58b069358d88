package dev.gantry.workers.store;

import dev.gantry.workers.model.WorkerKey;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Worker secrets, apart from scripts and metadata: a file readable only by its owner. Values are
 * given to the runtime and never returned by the API.
 */
public final class SecretStore {
  public static final class State {
    /** "account/script" → name → value. */
    public Map<String, Map<String, String>> secrets = new TreeMap<>();
  }

  private final JsonFile<State> file;
  private State state;

  public SecretStore(Path dataDirectory) {
    this.file = new JsonFile<>(dataDirectory.resolve("secrets.json"), State.class, true);
    this.state = file.read(new State());
  }

  public synchronized Map<String, String> of(WorkerKey worker) {
    return Map.copyOf(state.secrets.getOrDefault(worker.toString(), Map.of()));
  }

  /** Sets (value non-null) or removes (null) secrets of a worker, all in one write. */
  public synchronized void change(WorkerKey worker, Map<String, String> changes) {
    State copy = JsonFile.MAPPER.convertValue(state, State.class);
    Map<String, String> secrets =
        copy.secrets.computeIfAbsent(worker.toString(), k -> new TreeMap<>());
    changes.forEach(
        (name, value) -> {
          if (value == null) {
            secrets.remove(name);
          } else {
            secrets.put(name, value);
          }
        });
    if (secrets.isEmpty()) {
      copy.secrets.remove(worker.toString());
    }
    file.write(copy);
    state = copy;
  }

  public synchronized void removeAll(WorkerKey worker) {
    State copy = JsonFile.MAPPER.convertValue(state, State.class);
    copy.secrets.remove(worker.toString());
    file.write(copy);
    state = copy;
  }
}
