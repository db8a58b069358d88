package dev.gantry.workers.tail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.workers.model.WorkerKey;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open tail sessions ({@code wrangler tail}) and the sockets that take their events. A session is
 * made by the API, claimed by a WebSocket that names its id (the id is the capability, as with
 * Cloudflare's tail URLs), and ends when it is deleted, when it expires, or when no socket has held
 * it for a minute (a wrangler that died without deleting it). Sessions are not kept across a
 * restart: wrangler makes a new one when its socket drops.
 */
public final class TailSessions {
  private static final Logger LOG = LoggerFactory.getLogger(TailSessions.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration LIFETIME = Duration.ofHours(6);
  static final Duration UNCLAIMED = Duration.ofMinutes(1);

  /** Where a session's events go: the API's WebSocket, as seen from here. */
  public interface Socket {
    void send(String text);

    void close(String reason);
  }

  /**
   * A tail session.
   *
   * @param id its id, which is also the secret in its WebSocket address
   * @param worker the worker it tails
   * @param expires when it ends
   */
  public record Session(String id, WorkerKey worker, Instant expires) {}

  private static final class Entry {
    final Session session;
    final TailFilter filter;
    final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    volatile Instant unclaimedSince;

    Entry(Session session, TailFilter filter, Instant now) {
      this.session = session;
      this.filter = filter;
      this.unclaimedSince = now;
    }
  }

  private final Map<String, Entry> byId = new ConcurrentHashMap<>();
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public TailSessions(Clock clock) {
    this.clock = clock;
  }

  public Session create(WorkerKey worker, TailFilter filter) {
    byte[] id = new byte[16];
    random.nextBytes(id);
    Instant now = clock.instant();
    Session session = new Session(HexFormat.of().formatHex(id), worker, now.plus(LIFETIME));
    byId.put(session.id(), new Entry(session, filter, now));
    return session;
  }

  public List<Session> list(WorkerKey worker) {
    return byId.values().stream()
        .map(e -> e.session)
        .filter(s -> s.worker().equals(worker))
        .toList();
  }

  /** Ends a session and closes its sockets; false when the worker has no such session. */
  public boolean delete(WorkerKey worker, String id) {
    Entry e = byId.get(id);
    if (e == null || !e.session.worker().equals(worker)) {
      return false;
    }
    end(e, "the tail was deleted");
    return true;
  }

  /** Ends every session of a worker (it was deleted), closing their sockets with the reason. */
  public void endAll(WorkerKey worker, String reason) {
    for (Entry e : List.copyOf(byId.values())) {
      if (e.session.worker().equals(worker)) {
        end(e, reason);
      }
    }
  }

  public boolean tailed(WorkerKey worker) {
    return byId.values().stream().anyMatch(e -> e.session.worker().equals(worker));
  }

  /** The live session with this id, if any. */
  public Optional<Session> find(String id) {
    Entry e = byId.get(id);
    return e == null || !clock.instant().isBefore(e.session.expires())
        ? Optional.empty()
        : Optional.of(e.session);
  }

  /** Gives the session's events to {@code socket}; false when there is no such live session. */
  public boolean attach(String id, Socket socket) {
    Entry e = byId.get(id);
    if (e == null || find(id).isEmpty()) {
      return false;
    }
    e.sockets.add(socket);
    if (byId.get(id) != e) {
      // Ended while this socket came in: it would wait for events that never come.
      e.sockets.remove(socket);
      return false;
    }
    e.unclaimedSince = null;
    return true;
  }

  public void detach(String id, Socket socket) {
    Entry e = byId.get(id);
    if (e != null && e.sockets.remove(socket) && e.sockets.isEmpty()) {
      e.unclaimedSince = clock.instant();
    }
  }

  /**
   * Sends a batch of trace items from one version of a worker to the sockets whose filter takes
   * each; every item gets the worker's name and the version, which workerd does not know.
   */
  public void publish(WorkerKey worker, String versionId, String traceItemsJson) {
    List<Entry> sessions =
        byId.values().stream()
            .filter(e -> e.session.worker().equals(worker) && !e.sockets.isEmpty())
            .toList();
    if (sessions.isEmpty()) {
      return;
    }
    JsonNode items;
    try {
      items = JSON.readTree(traceItemsJson);
    } catch (IOException e) {
      LOG.warn("trace events for {} are not JSON: {}", worker, e.getMessage());
      return;
    }
    for (JsonNode item : items) {
      if (!(item instanceof ObjectNode event)) {
        continue;
      }
      event.put("scriptName", worker.script());
      if (versionId != null) {
        event.putObject("scriptVersion").put("id", versionId);
      }
      String text = event.toString();
      for (Entry e : sessions) {
        if (e.filter.matches(event, () -> ThreadLocalRandom.current().nextDouble())) {
          e.sockets.forEach(s -> s.send(text));
        }
      }
    }
  }

  /**
   * Ends expired sessions and those no socket has held for a minute.
   *
   * @return the workers that no longer have any session
   */
  public Set<WorkerKey> sweep() {
    Instant now = clock.instant();
    Set<WorkerKey> touched = new HashSet<>();
    for (Entry e : List.copyOf(byId.values())) {
      Instant unclaimed = e.unclaimedSince;
      if (!now.isBefore(e.session.expires())) {
        end(e, "the tail expired");
        touched.add(e.session.worker());
      } else if (unclaimed != null && !now.isBefore(unclaimed.plus(UNCLAIMED))) {
        end(e, "no client");
        touched.add(e.session.worker());
      }
    }
    touched.removeIf(this::tailed);
    return touched;
  }

  private void end(Entry e, String reason) {
    if (byId.remove(e.session.id(), e)) {
      e.sockets.forEach(s -> s.close(reason));
      e.sockets.clear();
    }
  }
}
