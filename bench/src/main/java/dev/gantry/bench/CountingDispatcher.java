package dev.gantry.bench;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mock API server's CRUD dispatcher, counting the writes it answers. An access review is a
 * question, not a write: not counted.
 */
final class CountingDispatcher extends KubernetesMixedDispatcher {
  private final AtomicLong writes = new AtomicLong();
  private final java.util.Map<String, AtomicLong> byKind =
      new java.util.concurrent.ConcurrentHashMap<>();

  CountingDispatcher() {
    this(new HashMap<>());
  }

  /**
   * @param responses the expectations the server's {@code expect()} records: the same map as the
   *     server's, or those are never answered
   */
  CountingDispatcher(
      java.util.Map<
              io.fabric8.mockwebserver.ServerRequest,
              java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>
          responses) {
    super(responses);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String method = request.getMethod();
    if (!"GET".equals(method) && !request.getPath().contains("accessreviews")) {
      writes.incrementAndGet();
      byKind
          .computeIfAbsent(method + " " + kindOf(request.getPath()), k -> new AtomicLong())
          .incrementAndGet();
    }
    return super.dispatch(request);
  }

  long writes() {
    return writes.get();
  }

  /** The writes so far by method and resource ("PUT stacks/status"), for where they went. */
  java.util.Map<String, Long> writesByKind() {
    java.util.Map<String, Long> copy = new java.util.TreeMap<>();
    byKind.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  /** The resource of a request path: /apis/g/v/namespaces/ns/stacks/name/status → stacks/status. */
  private static String kindOf(String path) {
    String[] parts = path.split("\\?")[0].split("/");
    int ns = java.util.Arrays.asList(parts).indexOf("namespaces");
    if (ns < 0 || ns + 2 >= parts.length) {
      return parts.length > 0 ? parts[parts.length - 1] : path;
    }
    String kind = parts[ns + 2];
    return ns + 4 < parts.length ? kind + "/" + parts[ns + 4] : kind;
  }
}
