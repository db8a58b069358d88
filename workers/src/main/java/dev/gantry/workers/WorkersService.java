package dev.gantry.workers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.workers.model.Deployment;
import dev.gantry.workers.model.ModuleRef;
import dev.gantry.workers.model.Split;
import dev.gantry.workers.model.Version;
import dev.gantry.workers.model.WorkerKey;
import dev.gantry.workers.runtime.ActiveWorker;
import dev.gantry.workers.runtime.WorkerRuntime;
import dev.gantry.workers.runtime.WorkerStartException;
import dev.gantry.workers.store.MetadataStore;
import dev.gantry.workers.store.MetadataStore.AccountRecord;
import dev.gantry.workers.store.MetadataStore.ScriptRecord;
import dev.gantry.workers.store.ObjectStore;
import dev.gantry.workers.store.SecretStore;
import dev.gantry.workers.tail.TailFilter;
import dev.gantry.workers.tail.TailSessions;
import dev.gantry.workers.upload.BindingSpec;
import dev.gantry.workers.upload.Module;
import dev.gantry.workers.upload.ScriptNames;
import dev.gantry.workers.upload.Upload;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Workers as the API sees them: scripts, versions, deployments, secrets and settings of an account,
 * kept in the stores, with the runtime told whenever what a worker serves changes. It knows nothing
 * of HTTP; every method either does all it says or, throwing {@link ApiError}, nothing.
 */
public final class WorkersService {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MetadataStore metadata;
  private final SecretStore secrets;
  private final ObjectStore objects;
  private final WorkerRuntime runtime;
  private final Clock clock;

  /**
   * One lock per worker around "serve, then record": without it two deployments (or a deployment
   * and a secret change) of one worker could reach the runtime in one order and the metadata in the
   * other, leaving it serving what the record does not say, and serving otherwise after a restart.
   */
  private final Map<WorkerKey, Object> workerLocks = new ConcurrentHashMap<>();

  private final TailSessions tails;

  public WorkersService(
      MetadataStore metadata,
      SecretStore secrets,
      ObjectStore objects,
      WorkerRuntime runtime,
      Clock clock) {
    this.metadata = metadata;
    this.secrets = secrets;
    this.objects = objects;
    this.runtime = runtime;
    this.clock = clock;
    this.tails = new TailSessions(clock);
    runtime.onTraceEvents(tails::publish);
  }

  public WorkerRuntime runtime() {
    return runtime;
  }

  private String now() {
    return clock.instant().toString();
  }

  // --- accounts and tokens ---

  /** Creates the account if needed and a token for it; the token is returned once. */
  public String createToken(String account, String subdomain) {
    return Tokens.create(metadata, account, subdomain, clock);
  }

  /** The account a bearer token belongs to. */
  public Optional<String> authenticate(String token) {
    return Tokens.authenticate(metadata, token);
  }

  public String subdomain(String account) {
    return metadata.read(s -> s.accounts.get(account).subdomain);
  }

  // --- scripts ---

  public Optional<ScriptRecord> script(WorkerKey worker) {
    return metadata.read(
        s -> {
          AccountRecord a = s.accounts.get(worker.account());
          ScriptRecord r = a == null ? null : a.scripts.get(worker.script());
          return Optional.ofNullable(r == null ? null : JSON.convertValue(r, ScriptRecord.class));
        });
  }

  public ScriptRecord requireScript(WorkerKey worker) {
    return script(worker).orElseThrow(() -> ApiError.scriptNotFound(worker.script()));
  }

  public List<ScriptRecord> scripts(String account) {
    return metadata.read(
        s ->
            s.accounts.get(account).scripts.values().stream()
                .map(r -> JSON.convertValue(r, ScriptRecord.class))
                .toList());
  }

  /**
   * Stores an upload as a version (its modules in the object store, content-addressed). The same
   * content gives the same version back; nothing is stored for an invalid upload.
   */
  public Version createVersion(WorkerKey worker, Upload upload, Map<String, String> annotations) {
    Version recorded = recordVersion(worker, upload, annotations);
    // Secrets are the worker's, not a version's: ones sent with an upload are the worker's from
    // now on, and a deployed worker is served with them at once, as after `secret put`.
    if (!upload.secrets().isEmpty()) {
      changeSecrets(worker, new HashMap<>(upload.secrets()));
    }
    return recorded;
  }

  private Version recordVersion(WorkerKey worker, Upload upload, Map<String, String> annotations) {
    ScriptNames.check(worker.script());
    List<ModuleRef> refs = new ArrayList<>();
    StringBuilder identity = new StringBuilder();
    identity
        .append(upload.mainModule())
        .append('\n')
        .append(upload.serviceWorker())
        .append('\n')
        .append(upload.compatibilityDate())
        .append('\n')
        .append(upload.compatibilityFlags())
        .append('\n')
        .append(upload.bindings())
        .append('\n');
    for (Module m : upload.modules()) {
      String digest = Sha256.hex(m.content());
      String key = "scripts/" + worker.account() + "/" + worker.script() + "/" + digest;
      refs.add(new ModuleRef(m.name(), m.kind(), key, digest, m.content().length));
      identity
          .append(m.name())
          .append('|')
          .append(m.kind())
          .append('|')
          .append(digest)
          .append('\n');
    }
    // Blobs first: a version is recorded only once everything it names is stored.
    for (int i = 0; i < refs.size(); i++) {
      if (objects.get(refs.get(i).key()).isEmpty()) {
        objects.put(refs.get(i).key(), upload.modules().get(i).content());
      }
    }
    String id =
        UUID.nameUUIDFromBytes((worker + "\n" + identity).getBytes(StandardCharsets.UTF_8))
            .toString();
    Version recorded =
        metadata.write(
            s -> {
              ScriptRecord script = scriptFor(s, worker);
              Optional<Version> existing =
                  script.versions.stream().filter(v -> v.id().equals(id)).findFirst();
              if (existing.isPresent()) {
                return existing.get();
              }
              Version version =
                  new Version(
                      id,
                      script.versions.size() + 1,
                      now(),
                      upload.mainModule(),
                      upload.serviceWorker(),
                      upload.compatibilityDate(),
                      upload.compatibilityFlags(),
                      upload.bindings(),
                      List.copyOf(refs),
                      upload.metadata(),
                      annotations == null ? Map.of() : Map.copyOf(annotations));
              script.versions.add(version);
              script.modified = now();
              return version;
            });
    return recorded;
  }

  private ScriptRecord scriptFor(MetadataStore.State s, WorkerKey worker) {
    AccountRecord account = s.accounts.get(worker.account());
    return account.scripts.computeIfAbsent(
        worker.script(),
        name -> {
          ScriptRecord r = new ScriptRecord();
          r.name = name;
          r.created = now();
          r.modified = r.created;
          return r;
        });
  }

  public List<Version> versions(WorkerKey worker) {
    return requireScript(worker).versions;
  }

  public Version version(WorkerKey worker, String id) {
    return versions(worker).stream()
        .filter(v -> v.id().equals(id))
        .findFirst()
        .orElseThrow(
            () ->
                new ApiError(
                    10220, 404, "version " + id + " of worker " + worker.script() + " not found"));
  }

  /**
   * An upload deployed at once to all traffic (wrangler's first deploy; every wrangler 3 deploy). A
   * worker that does not start is refused and leaves nothing behind: no version, no new script, no
   * modules only it used, as Cloudflare stores nothing of an upload it refuses.
   */
  public Version uploadAndDeploy(WorkerKey worker, Upload upload, String source) {
    synchronized (lock(worker)) {
      boolean newScript = script(worker).isEmpty();
      java.util.Set<String> before =
          newScript
              ? java.util.Set.of()
              : versions(worker).stream()
                  .map(Version::id)
                  .collect(java.util.stream.Collectors.toSet());
      Map<String, String> secretsBefore = secrets.of(worker);
      Version version = recordVersion(worker, upload, Map.of());
      try {
        // stored, not yet served: the deployment serves the worker with them
        secrets.change(worker, new HashMap<>(upload.secrets()));
        deployLocked(worker, List.of(new Split(version.id(), 100)), Map.of(), source);
        return version;
      } catch (RuntimeException e) {
        restoreSecrets(worker, secretsBefore);
        if (!before.contains(version.id())) {
          forget(worker, version, newScript);
        }
        throw e;
      }
    }
  }

  private void restoreSecrets(WorkerKey worker, Map<String, String> before) {
    Map<String, String> restore = new HashMap<>(before);
    secrets.of(worker).keySet().stream()
        .filter(k -> !before.containsKey(k))
        .forEach(k -> restore.put(k, null));
    secrets.change(worker, restore);
  }

  /** Undoes {@link #recordVersion} of a version nothing uses. */
  private void forget(WorkerKey worker, Version version, boolean newScript) {
    List<String> stillUsed =
        metadata.write(
            s -> {
              ScriptRecord r = s.accounts.get(worker.account()).scripts.get(worker.script());
              r.versions.removeIf(v -> v.id().equals(version.id()));
              if (newScript) {
                s.accounts.get(worker.account()).scripts.remove(worker.script());
                return List.of();
              }
              return r.versions.stream()
                  .flatMap(v -> v.modules().stream())
                  .map(ModuleRef::key)
                  .toList();
            });
    version.modules().stream()
        .map(ModuleRef::key)
        .distinct()
        .filter(k -> !stillUsed.contains(k))
        .forEach(objects::delete);
    if (newScript) {
      secrets.removeAll(worker);
    }
  }

  /** Makes a split of existing versions the active deployment and has the runtime serve it. */
  public Deployment deploy(
      WorkerKey worker, List<Split> split, Map<String, String> annotations, String source) {
    synchronized (lock(worker)) {
      return deployLocked(worker, split, annotations, source);
    }
  }

  private Object lock(WorkerKey worker) {
    return workerLocks.computeIfAbsent(worker, k -> new Object());
  }

  private Deployment deployLocked(
      WorkerKey worker, List<Split> split, Map<String, String> annotations, String source) {
    ScriptRecord script = requireScript(worker);
    if (split == null || split.isEmpty()) {
      throw ApiError.invalid("a deployment needs versions: [{version_id, percentage}, ...]");
    }
    double total = 0;
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Split s : split) {
      if (s.versionId() == null
          || script.versions.stream().noneMatch(v -> v.id().equals(s.versionId()))) {
        throw ApiError.invalid(
            "deployment names version "
                + s.versionId()
                + ", which worker "
                + worker.script()
                + " does not have (see GET .../versions)");
      }
      if (!seen.add(s.versionId())) {
        throw ApiError.invalid("deployment names version " + s.versionId() + " twice");
      }
      if (!(s.percentage() > 0) || s.percentage() > 100) {
        throw ApiError.invalid(
            "version "
                + s.versionId()
                + " has percentage "
                + s.percentage()
                + "; use 0 < p <= 100");
      }
      total += s.percentage();
    }
    if (Math.abs(total - 100) > 1e-6) {
      throw ApiError.invalid(
          "deployment percentages sum to " + total + ", not 100: give every version its share");
    }
    Deployment deployment =
        new Deployment(
            UUID.randomUUID().toString(),
            now(),
            source,
            List.copyOf(split),
            annotations == null ? Map.of() : Map.copyOf(annotations));
    // Serve it first, record it after: a deployment that cannot start is refused, not kept, and
    // the running one goes on serving.
    serve(worker, active(worker, Optional.of(deployment)));
    metadata.update(
        s -> {
          ScriptRecord r = s.accounts.get(worker.account()).scripts.get(worker.script());
          r.deployments.add(deployment);
          r.modified = now();
        });
    return deployment;
  }

  /** Has the runtime serve {@code desired}; a worker that does not start is the user's error. */
  private void serve(WorkerKey worker, Optional<ActiveWorker> desired) {
    try {
      runtime.apply(worker, desired);
    } catch (WorkerStartException e) {
      throw ApiError.invalid(
          "worker "
              + worker.script()
              + " did not start, so it was not deployed: "
              + e.getMessage());
    }
  }

  public List<Deployment> deployments(WorkerKey worker) {
    return requireScript(worker).deployments;
  }

  public Optional<Deployment> activeDeployment(WorkerKey worker) {
    List<Deployment> all = deployments(worker);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /**
   * The workers of the same account whose active deployment binds {@code worker} as a service, with
   * the binding's name: deleting {@code worker} would break them.
   */
  public List<ServiceReference> incomingServiceBindings(WorkerKey worker) {
    requireScript(worker);
    return allActive().stream()
        .filter(a -> a.key().account().equals(worker.account()) && !a.key().equals(worker))
        .flatMap(
            a ->
                a.versions().stream()
                    .flatMap(v -> v.bindings().stream())
                    .filter(
                        b ->
                            BindingSpec.SERVICE.equals(b.type())
                                && worker.script().equals(b.service()))
                    .map(b -> new ServiceReference(a.key().script(), b.name())))
        .distinct()
        .sorted(java.util.Comparator.comparing(ServiceReference::script))
        .toList();
  }

  /** A worker that binds another as a service, under {@code binding}. */
  public record ServiceReference(String script, String binding) {}

  /**
   * Deletes a worker: it stops serving, its tails end, then its metadata, secrets and modules go.
   */
  public void delete(WorkerKey worker) {
    synchronized (lock(worker)) {
      ScriptRecord script = requireScript(worker);
      runtime.apply(worker, Optional.empty());
      tails.endAll(worker, "the worker was deleted");
      metadata.update(s -> s.accounts.get(worker.account()).scripts.remove(worker.script()));
      secrets.removeAll(worker);
      script.versions.stream()
          .flatMap(v -> v.modules().stream())
          .map(ModuleRef::key)
          .distinct()
          .forEach(objects::delete);
    }
  }

  // --- secrets ---

  public List<String> secretNames(WorkerKey worker) {
    requireScript(worker);
    return List.copyOf(new java.util.TreeSet<>(secrets.of(worker).keySet()));
  }

  /** Sets (value) or removes (null) secrets; a deployed worker is served with them at once. */
  public void changeSecrets(WorkerKey worker, Map<String, String> changes) {
    synchronized (lock(worker)) {
      requireScript(worker);
      for (String name : changes.keySet()) {
        if (name == null || !name.matches("[A-Za-z_$][A-Za-z0-9_$]{0,127}")) {
          throw ApiError.invalid("secret name \"" + name + "\" is not a JavaScript identifier");
        }
      }
      secrets.change(worker, changes);
      if (activeDeployment(worker).isPresent()) {
        serve(worker, active(worker));
      }
    }
  }

  // --- settings and subdomain ---

  public ObjectNode patchSettings(WorkerKey worker, ObjectNode patch) {
    requireScript(worker);
    return metadata.write(
        s -> {
          ScriptRecord r = s.accounts.get(worker.account()).scripts.get(worker.script());
          ObjectNode settings = r.settings == null ? JSON.createObjectNode() : r.settings;
          patch.fields().forEachRemaining(e -> settings.set(e.getKey(), e.getValue()));
          r.settings = settings;
          return settings.deepCopy();
        });
  }

  public void setSubdomain(WorkerKey worker, boolean enabled, Boolean previews) {
    synchronized (lock(worker)) {
      requireScript(worker);
      metadata.update(
          s -> {
            ScriptRecord r = s.accounts.get(worker.account()).scripts.get(worker.script());
            r.subdomainEnabled = enabled;
            if (previews != null) {
              r.previewsEnabled = previews;
            }
          });
      serve(worker, active(worker));
    }
  }

  // --- tails (wrangler tail) ---

  /**
   * Opens a tail session. The worker's first one has its runtime send trace events from now on (a
   * new process, switched to like a deployment); they cost on every request, so only then.
   */
  public TailSessions.Session createTail(WorkerKey worker, TailFilter filter) {
    synchronized (lock(worker)) {
      requireScript(worker);
      boolean wasTailed = tails.tailed(worker);
      TailSessions.Session session = tails.create(worker, filter);
      if (!wasTailed && activeDeployment(worker).isPresent()) {
        try {
          serve(worker, active(worker));
        } catch (RuntimeException e) {
          tails.delete(worker, session.id());
          throw e;
        }
      }
      return session;
    }
  }

  public List<TailSessions.Session> tails(WorkerKey worker) {
    requireScript(worker);
    return tails.list(worker);
  }

  /** Ends a tail session; the worker's last one stops its trace events. */
  public void deleteTail(WorkerKey worker, String id) {
    synchronized (lock(worker)) {
      requireScript(worker);
      if (!tails.delete(worker, id)) {
        throw new ApiError(
            ApiError.SCRIPT_NOT_FOUND, 404, "worker " + worker.script() + " has no tail " + id);
      }
      untailIfDone(worker);
    }
  }

  /** The sessions and their sockets, for the API's WebSocket. */
  public TailSessions tailSessions() {
    return tails;
  }

  /** Ends expired and abandoned tail sessions; workers left with none stop sending events. */
  public void sweepTails() {
    for (WorkerKey worker : tails.sweep()) {
      synchronized (lock(worker)) {
        if (script(worker).isPresent()) {
          untailIfDone(worker);
        }
      }
    }
  }

  private void untailIfDone(WorkerKey worker) {
    if (!tails.tailed(worker) && activeDeployment(worker).isPresent()) {
      serve(worker, active(worker));
    }
  }

  // --- what the runtime serves ---

  /** What a worker should serve: its active deployment, when it has one and its route is on. */
  public Optional<ActiveWorker> active(WorkerKey worker) {
    return active(worker, Optional.empty());
  }

  /** What a worker would serve with {@code candidate} (else its newest deployment) active. */
  private Optional<ActiveWorker> active(WorkerKey worker, Optional<Deployment> candidate) {
    return metadata.read(
        s -> {
          AccountRecord a = s.accounts.get(worker.account());
          ScriptRecord r = a == null ? null : a.scripts.get(worker.script());
          if (r == null || (r.deployments.isEmpty() && candidate.isEmpty())) {
            return Optional.empty();
          }
          Deployment d = candidate.orElseGet(() -> r.deployments.get(r.deployments.size() - 1));
          List<Version> versions =
              d.versions().stream()
                  .map(
                      split ->
                          r.versions.stream()
                              .filter(v -> v.id().equals(split.versionId()))
                              .findFirst()
                              .orElseThrow())
                  .toList();
          return Optional.of(
              new ActiveWorker(
                  worker,
                  a.subdomain,
                  r.subdomainEnabled,
                  d.versions(),
                  versions,
                  secrets.of(worker),
                  tails.tailed(worker)));
        });
  }

  /** Every worker with a deployment, for a runtime starting up. */
  public List<ActiveWorker> allActive() {
    List<WorkerKey> keys =
        metadata.read(
            s ->
                s.accounts.values().stream()
                    .flatMap(a -> a.scripts.keySet().stream().map(n -> new WorkerKey(a.id, n)))
                    .toList());
    return keys.stream().map(this::active).flatMap(Optional::stream).toList();
  }

  /** The bytes of a module. */
  public byte[] moduleContent(ModuleRef module) {
    return objects.require(module.key());
  }
}
