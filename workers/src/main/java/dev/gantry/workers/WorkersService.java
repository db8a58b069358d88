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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workers as the API sees them: scripts, versions, deployments, secrets and settings of an account,
 * kept in the stores, with the runtime told whenever what a worker serves changes. It knows nothing
 * of HTTP; every method either does all it says or, throwing {@link ApiError}, nothing.
 */
public final class WorkersService {
  private static final Logger LOG = LoggerFactory.getLogger(WorkersService.class);
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
   * Stores an upload as a version (its modules in the object store, content-addressed), not yet
   * deployed. The same content gives the same version back; nothing is stored for an invalid
   * upload. Secrets sent with it are the worker's from now on (they are not a version's), so a
   * deployed worker is served with them at once, as after {@code secret put}; the version is
   * recorded only once that worked.
   */
  public Version createVersion(WorkerKey worker, Upload upload, Map<String, String> annotations) {
    synchronized (lock(worker)) {
      ScriptNames.check(worker.script());
      Map<String, String> secretsAfter = withChanges(secrets.of(worker), upload.secrets());
      refuseBindingsNamedLikeSecrets(worker, upload.bindings(), secretsAfter.keySet());
      Optional<Deployment> deployed = script(worker).flatMap(r -> lastDeployment(r));
      if (deployed.isPresent()) {
        refuseSecretsNamedLikeBindings(worker, upload.secrets().keySet(), servedVersions(worker));
      }
      Staged staged = stage(worker, upload, annotations);
      try {
        if (!upload.secrets().isEmpty() && deployed.isPresent()) {
          serve(worker, serving(worker, deployed.get(), List.of(), secretsAfter));
        }
      } catch (RuntimeException e) {
        discard(worker, staged);
        throw e;
      }
      return commit(worker, staged, null, upload.secrets());
    }
  }

  /**
   * An upload on its way to being a version: already in the metadata as the worker's pending upload
   * (so a server killed before it is acknowledged finds and removes it at start), not yet among its
   * versions.
   *
   * @param version the version it becomes
   * @param isNew whether it is new content, not a version the worker already has
   */
  private record Staged(Version version, boolean isNew) {}

  private Staged stage(WorkerKey worker, Upload upload, Map<String, String> annotations) {
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
    String id =
        UUID.nameUUIDFromBytes((worker + "\n" + identity).getBytes(StandardCharsets.UTF_8))
            .toString();
    Staged staged =
        metadata.write(
            s -> {
              AccountRecord a = s.accounts.get(worker.account());
              ScriptRecord script = a == null ? null : a.scripts.get(worker.script());
              Optional<Version> existing =
                  script == null
                      ? Optional.empty()
                      : script.versions.stream().filter(v -> v.id().equals(id)).findFirst();
              if (existing.isPresent()) {
                return new Staged(existing.get(), false);
              }
              Version version =
                  new Version(
                      id,
                      script == null ? 1 : script.versions.size() + 1,
                      now(),
                      upload.mainModule(),
                      upload.serviceWorker(),
                      upload.compatibilityDate(),
                      upload.compatibilityFlags(),
                      upload.bindings(),
                      List.copyOf(refs),
                      upload.metadata(),
                      annotations == null ? Map.of() : Map.copyOf(annotations));
              // Recorded before its modules are stored: whatever of it a crash leaves, the next
              // start knows of and removes.
              s.pending.put(worker.toString(), version);
              return new Staged(version, true);
            });
    if (staged.isNew()) {
      try {
        for (int i = 0; i < refs.size(); i++) {
          if (objects.get(refs.get(i).key()).isEmpty()) {
            objects.put(refs.get(i).key(), upload.modules().get(i).content());
          }
        }
      } catch (RuntimeException e) {
        discard(worker, staged);
        throw e;
      }
    }
    return staged;
  }

  /**
   * Makes a staged upload the worker's: its secret changes, then in one metadata write the version
   * among the worker's versions (the script made if it is its first) and the deployment, if any.
   * Only now is it listed.
   */
  private Version commit(
      WorkerKey worker, Staged staged, Deployment deployment, Map<String, String> secretChanges) {
    if (!secretChanges.isEmpty()) {
      secrets.change(worker, new HashMap<>(secretChanges));
    }
    return metadata.write(
        s -> {
          s.pending.remove(worker.toString());
          ScriptRecord script = scriptFor(s, worker);
          Version version =
              script.versions.stream()
                  .filter(v -> v.id().equals(staged.version().id()))
                  .findFirst()
                  .orElseGet(
                      () -> {
                        Version v = numbered(staged.version(), script.versions.size() + 1);
                        script.versions.add(v);
                        return v;
                      });
          if (deployment != null) {
            script.deployments.add(deployment);
          }
          script.modified = now();
          return version;
        });
  }

  private static Version numbered(Version v, int number) {
    return new Version(
        v.id(),
        number,
        v.created(),
        v.mainModule(),
        v.serviceWorker(),
        v.compatibilityDate(),
        v.compatibilityFlags(),
        v.bindings(),
        v.modules(),
        v.metadata(),
        v.annotations());
  }

  /** Drops a staged upload that was refused: its pending record and the modules only it used. */
  private void discard(WorkerKey worker, Staged staged) {
    if (staged.isNew()) {
      discardPending(worker.toString(), staged.version());
    }
  }

  private void discardPending(String key, Version version) {
    List<String> stillUsed =
        metadata.write(
            s -> {
              s.pending.remove(key);
              return s.accounts.values().stream()
                  .flatMap(a -> a.scripts.values().stream())
                  .flatMap(r -> r.versions.stream())
                  .flatMap(v -> v.modules().stream())
                  .map(ModuleRef::key)
                  .toList();
            });
    version.modules().stream()
        .map(ModuleRef::key)
        .distinct()
        .filter(k -> !stillUsed.contains(k))
        .forEach(objects::delete);
  }

  /**
   * Removes the uploads a previous run staged and never acknowledged (it was killed while the
   * worker started): they were never listed and are not kept. Call before serving anything.
   */
  public void discardUnacknowledged() {
    Map<String, Version> pending = metadata.read(s -> Map.copyOf(s.pending));
    pending.forEach(
        (worker, version) -> {
          LOG.warn(
              "discarding the upload of {} (version {}) that was never acknowledged: the server"
                  + " stopped before it was deployed",
              worker,
              version.id());
          discardPending(worker, version);
        });
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
   * An upload deployed at once to all traffic (wrangler's first deploy; every wrangler 3 deploy).
   * All or nothing: the version, the deployment and the secrets it sends are recorded only once the
   * worker has started; one that does not start is refused and leaves nothing behind (no version,
   * no new script, no modules only it used, no secret), as Cloudflare stores nothing of an upload
   * it refuses.
   */
  public Version uploadAndDeploy(WorkerKey worker, Upload upload, String source) {
    synchronized (lock(worker)) {
      ScriptNames.check(worker.script());
      Map<String, String> secretsAfter = withChanges(secrets.of(worker), upload.secrets());
      refuseBindingsNamedLikeSecrets(worker, upload.bindings(), secretsAfter.keySet());
      Staged staged = stage(worker, upload, Map.of());
      Deployment deployment =
          newDeployment(List.of(new Split(staged.version().id(), 100)), Map.of(), source);
      try {
        serve(worker, serving(worker, deployment, List.of(staged.version()), secretsAfter));
      } catch (RuntimeException e) {
        discard(worker, staged);
        throw e;
      }
      return commit(worker, staged, deployment, upload.secrets());
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
    List<Version> versions = new ArrayList<>();
    for (Split s : split) {
      Optional<Version> version =
          s.versionId() == null
              ? Optional.empty()
              : script.versions.stream().filter(v -> v.id().equals(s.versionId())).findFirst();
      if (version.isEmpty()) {
        throw ApiError.invalid(
            "deployment names version "
                + s.versionId()
                + ", which worker "
                + worker.script()
                + " does not have (see GET .../versions)");
      }
      versions.add(version.get());
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
    Map<String, String> current = secrets.of(worker);
    for (Version v : versions) {
      refuseBindingsNamedLikeSecrets(worker, v.bindings(), current.keySet());
    }
    Deployment deployment = newDeployment(split, annotations, source);
    // Serve it first, record it after: a deployment that cannot start is refused, not kept, and
    // the running one goes on serving.
    serve(worker, serving(worker, deployment, List.of(), current));
    metadata.update(
        s -> {
          ScriptRecord r = s.accounts.get(worker.account()).scripts.get(worker.script());
          r.deployments.add(deployment);
          r.modified = now();
        });
    return deployment;
  }

  private Deployment newDeployment(
      List<Split> split, Map<String, String> annotations, String source) {
    return new Deployment(
        UUID.randomUUID().toString(),
        now(),
        source,
        List.copyOf(split),
        annotations == null ? Map.of() : Map.copyOf(annotations));
  }

  // --- binding names: a secret and another binding of a served version never share one ---

  /**
   * Refuses bindings (of an upload, or of a version about to be deployed) named like one of the
   * worker's secrets, which would otherwise silently win over them.
   */
  private static void refuseBindingsNamedLikeSecrets(
      WorkerKey worker, List<BindingSpec> bindings, java.util.Set<String> secretNames) {
    for (BindingSpec b : bindings) {
      if (secretNames.contains(b.name())) {
        throw ApiError.bindingNameInUse(
            b.name(),
            b.name()
                + " is a secret of worker "
                + worker.script()
                + ", so it cannot also be a "
                + b.type()
                + " binding: rename the binding, or delete the secret first (wrangler secret"
                + " delete "
                + b.name()
                + ")");
      }
    }
  }

  /** Refuses secrets named like a binding of a version the worker serves. */
  private static void refuseSecretsNamedLikeBindings(
      WorkerKey worker, java.util.Set<String> secretNames, List<Version> served) {
    for (Version v : served) {
      for (BindingSpec b : v.bindings()) {
        if (secretNames.contains(b.name())) {
          throw ApiError.bindingNameInUse(
              b.name(),
              b.name()
                  + " is a "
                  + b.type()
                  + " binding of version "
                  + v.id()
                  + ", which worker "
                  + worker.script()
                  + " serves, so it cannot also be a secret: rename the secret, or deploy a"
                  + " version without that binding first");
        }
      }
    }
  }

  /** The versions of the worker's active deployment; none before its first. */
  private List<Version> servedVersions(WorkerKey worker) {
    return metadata.read(
        s -> {
          AccountRecord a = s.accounts.get(worker.account());
          ScriptRecord r = a == null ? null : a.scripts.get(worker.script());
          if (r == null || r.deployments.isEmpty()) {
            return List.of();
          }
          return r.deployments.get(r.deployments.size() - 1).versions().stream()
              .map(
                  split ->
                      r.versions.stream()
                          .filter(v -> v.id().equals(split.versionId()))
                          .findFirst()
                          .orElseThrow())
              .toList();
        });
  }

  private static Map<String, String> withChanges(
      Map<String, String> secrets, Map<String, String> changes) {
    Map<String, String> after = new HashMap<>(secrets);
    changes.forEach(
        (name, value) -> {
          if (value == null) {
            after.remove(name);
          } else {
            after.put(name, value);
          }
        });
    return after;
  }

  private void serve(WorkerKey worker, ActiveWorker desired) {
    serve(worker, Optional.of(desired));
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

  /**
   * Sets (value) or removes (null) secrets; a deployed worker is served with them at once. Served
   * first, stored after: a change the worker cannot start with is refused and not kept.
   */
  public void changeSecrets(WorkerKey worker, Map<String, String> changes) {
    synchronized (lock(worker)) {
      requireScript(worker);
      for (String name : changes.keySet()) {
        if (name == null || !name.matches("[A-Za-z_$][A-Za-z0-9_$]{0,127}")) {
          throw ApiError.invalid("secret name \"" + name + "\" is not a JavaScript identifier");
        }
      }
      java.util.Set<String> set = new java.util.HashSet<>();
      changes.forEach(
          (name, value) -> {
            if (value != null) {
              set.add(name);
            }
          });
      refuseSecretsNamedLikeBindings(worker, set, servedVersions(worker));
      Optional<Deployment> deployed = activeDeployment(worker);
      if (deployed.isPresent()) {
        serve(
            worker,
            serving(worker, deployed.get(), List.of(), withChanges(secrets.of(worker), changes)));
      }
      secrets.change(worker, changes);
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
    return script(worker)
        .flatMap(WorkersService::lastDeployment)
        .map(d -> serving(worker, d, List.of(), secrets.of(worker)));
  }

  private static Optional<Deployment> lastDeployment(ScriptRecord r) {
    return r.deployments.isEmpty()
        ? Optional.empty()
        : Optional.of(r.deployments.get(r.deployments.size() - 1));
  }

  /**
   * What a worker serves with {@code deployment} active and {@code secrets}; the deployment's
   * versions are the worker's, or among {@code staged} (an upload not recorded yet, whose worker
   * may not exist yet either).
   */
  private ActiveWorker serving(
      WorkerKey worker, Deployment deployment, List<Version> staged, Map<String, String> secrets) {
    return metadata.read(
        s -> {
          AccountRecord a = s.accounts.get(worker.account());
          ScriptRecord r = a.scripts.get(worker.script());
          List<Version> known = new ArrayList<>(staged);
          if (r != null) {
            known.addAll(r.versions);
          }
          List<Version> versions =
              deployment.versions().stream()
                  .map(
                      split ->
                          known.stream()
                              .filter(v -> v.id().equals(split.versionId()))
                              .findFirst()
                              .orElseThrow())
                  .toList();
          return new ActiveWorker(
              worker,
              a.subdomain,
              r != null && r.subdomainEnabled,
              deployment.versions(),
              versions,
              Map.copyOf(secrets),
              tails.tailed(worker));
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
