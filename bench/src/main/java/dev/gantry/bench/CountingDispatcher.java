package dev.gantry.bench;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The mock API server's CRUD dispatcher, counting the writes it answers. */
final class CountingDispatcher extends KubernetesMixedDispatcher {
  private final AtomicLong writes = new AtomicLong();

  CountingDispatcher() {
    super(new HashMap<>());
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String method = request.getMethod();
    if (!"GET".equals(method)) {
      writes.incrementAndGet();
    }
    return super.dispatch(request);
  }

  long writes() {
    return writes.get();
  }
}
