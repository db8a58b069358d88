package dev.gantry.workers.tail;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.workers.model.WorkerKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tail sessions: who gets which events, and when a session ends on its own. */
class TailSessionsTest {
  static final WorkerKey HELLO = new WorkerKey("acct", "hello");
  static final WorkerKey OTHER = new WorkerKey("acct", "other");

  /** A clock the test moves. */
  static final class Hands extends Clock {
    Instant now = Instant.parse("2026-12-01T10:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static final class Received implements TailSessions.Socket {
    final List<String> texts = new ArrayList<>();
    String closed;

    @Override
    public void send(String text) {
      texts.add(text);
    }

    @Override
    public void close(String reason) {
      closed = reason;
    }
  }

  @Test
  void eventsGoToTheWorkersClaimedSessionsNamedWithTheWorkerAndVersion() throws Exception {
    TailSessions sessions = new TailSessions(new Hands());
    var mine = sessions.create(HELLO, TailFilter.all());
    var theirs = sessions.create(OTHER, TailFilter.all());
    Received a = new Received();
    Received b = new Received();
    assertThat(sessions.attach(mine.id(), a)).isTrue();
    assertThat(sessions.attach(theirs.id(), b)).isTrue();
    assertThat(sessions.attach("no-such-id", new Received())).isFalse();

    sessions.publish(HELLO, "v1", "[{\"outcome\":\"ok\",\"scriptName\":null,\"logs\":[]}]");

    assertThat(a.texts).hasSize(1);
    var event = new ObjectMapper().readTree(a.texts.get(0));
    assertThat(event.get("scriptName").asText()).isEqualTo("hello");
    assertThat(event.get("scriptVersion").get("id").asText()).isEqualTo("v1");
    assertThat(event.get("outcome").asText()).isEqualTo("ok");
    assertThat(b.texts).isEmpty();
  }

  @Test
  void aSessionEndsWhenDeletedExpiredOrUnclaimedForAMinute() {
    Hands clock = new Hands();
    TailSessions sessions = new TailSessions(clock);
    var deleted = sessions.create(HELLO, TailFilter.all());
    Received socket = new Received();
    sessions.attach(deleted.id(), socket);
    assertThat(sessions.delete(OTHER, deleted.id())).as("not that worker's").isFalse();
    assertThat(sessions.delete(HELLO, deleted.id())).isTrue();
    assertThat(socket.closed).isEqualTo("the tail was deleted");
    assertThat(sessions.tailed(HELLO)).isFalse();

    var unclaimed = sessions.create(HELLO, TailFilter.all());
    var held = sessions.create(OTHER, TailFilter.all());
    Received holder = new Received();
    sessions.attach(held.id(), holder);
    clock.now = clock.now.plus(Duration.ofSeconds(59));
    assertThat(sessions.sweep()).isEmpty();
    clock.now = clock.now.plus(Duration.ofSeconds(2));
    assertThat(sessions.sweep()).containsExactly(HELLO);
    assertThat(sessions.find(unclaimed.id())).isEmpty();
    assertThat(sessions.tailed(OTHER)).isTrue();

    clock.now = held.expires();
    assertThat(sessions.sweep()).containsExactly(OTHER);
    assertThat(holder.closed).isEqualTo("the tail expired");
  }

  @Test
  void aDeletedWorkersSessionsAllEndAndOthersStay() {
    TailSessions sessions = new TailSessions(new Hands());
    Received first = new Received();
    Received second = new Received();
    sessions.attach(sessions.create(HELLO, TailFilter.all()).id(), first);
    sessions.attach(sessions.create(HELLO, TailFilter.all()).id(), second);
    sessions.create(OTHER, TailFilter.all());
    sessions.endAll(HELLO, "the worker was deleted");
    assertThat(first.closed).isEqualTo("the worker was deleted");
    assertThat(second.closed).isEqualTo("the worker was deleted");
    assertThat(sessions.tailed(HELLO)).isFalse();
    assertThat(sessions.tailed(OTHER)).isTrue();
  }
}
