package dev.gantry.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The router reads heads and finds where bodies end; these are the rules it follows. */
class HttpFramingTest {
  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static HttpHead request(String text) throws Exception {
    byte[] b = bytes(text);
    return HttpHead.parse(b, 0, b.length, true);
  }

  @Test
  void aRequestHeadGivesItsLengthHostAndBodyFraming() throws Exception {
    String head =
        "POST /echo HTTP/1.1\r\nHost: hello.acme.workers.localhost\r\nContent-Length: 5\r\n\r\n";
    HttpHead h = request(head + "hello");
    assertThat(h.length).isEqualTo(head.length());
    assertThat(h.method).isEqualTo("POST");
    assertThat(h.host).isEqualTo("hello.acme.workers.localhost");
    assertThat(h.contentLength).isEqualTo(5);
    assertThat(h.close).isFalse();
    assertThat(request("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").close).isTrue();
    assertThat(request("GET / HTTP/1.0\r\nHost: x\r\n\r\n").close).isTrue();
    assertThat(request("GET / HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n").close)
        .isFalse();
  }

  @Test
  void anIncompleteHeadWaitsAndAHugeOneIsRefused() throws Exception {
    assertThat(request("GET / HTTP/1.1\r\nHost: x\r\n")).isNull();
    byte[] huge = bytes("GET / HTTP/1.1\r\nX: " + "a".repeat(HttpHead.MAX) + "\r\n");
    assertThatThrownBy(() -> HttpHead.parse(huge, 0, huge.length, true))
        .isInstanceOf(HttpHead.Malformed.class);
  }

  @Test
  void theHeadLimitHoldsWhetherTheWholeHeadArrivedAtOnceOrInPieces() throws Exception {
    // complete (blank line included) and over the limit, in one buffer: refused as in pieces
    String head = "GET / HTTP/1.1\r\nHost: x\r\nX: " + "a".repeat(33_000) + "\r\n\r\n";
    byte[] whole = bytes(head);
    assertThatThrownBy(() -> HttpHead.parse(whole, 0, whole.length, true))
        .isInstanceOf(HttpHead.Malformed.class)
        .hasMessageContaining("request head over 32768 bytes");
    for (int end = 1000; end < whole.length; end += 1000) {
      int upTo = end;
      if (upTo < HttpHead.MAX) {
        assertThat(HttpHead.parse(whole, 0, upTo, true)).isNull();
      } else {
        assertThatThrownBy(() -> HttpHead.parse(whole, 0, upTo, true))
            .isInstanceOf(HttpHead.Malformed.class);
      }
    }
    // exactly at the limit is forwarded
    String filler = "GET / HTTP/1.1\r\nHost: x\r\nX: ";
    int room = HttpHead.MAX - filler.length() - 4;
    byte[] atLimit = bytes(filler + "a".repeat(room) + "\r\n\r\n");
    assertThat(atLimit).hasSize(HttpHead.MAX);
    assertThat(HttpHead.parse(atLimit, 0, atLimit.length, true).length).isEqualTo(HttpHead.MAX);
  }

  @Test
  void smugglingShapedHeadsAreRefused() {
    assertThatThrownBy(
            () ->
                request(
                    "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"))
        .hasMessageContaining("both Transfer-Encoding and Content-Length");
    assertThatThrownBy(
            () -> request("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n"))
        .hasMessageContaining("Content-Length");
    assertThatThrownBy(() -> request("GARBAGE\r\n\r\n")).isInstanceOf(HttpHead.Malformed.class);
    assertThatThrownBy(
            () ->
                request(
                    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                        + "Transfer-Encoding: identity\r\n\r\n"))
        .hasMessageContaining("does not end with chunked");
    assertThatThrownBy(() -> request("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"))
        .hasMessageContaining("\"gzip\" does not end with chunked");
    assertThatThrownBy(() -> request("POST / HTTP/1.1\r\nTransfer-Encoding : chunked\r\n\r\n"))
        .hasMessageContaining("white space between the header name and the colon");
    assertThatThrownBy(() -> request("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  folded\r\n\r\n"))
        .hasMessageContaining("folded header line");
    assertThatThrownBy(() -> request("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"))
        .hasMessageContaining("more than one Host header");
  }

  @Test
  void transferEncodingLinesAreOneListWhoseLastCodingDecides() throws Exception {
    assertThat(
            request(
                    "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n"
                        + "Transfer-Encoding: Chunked\r\n\r\n")
                .chunked)
        .isTrue();
    byte[] gzipped = bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n");
    HttpHead get = request("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(HttpHead.parse(gzipped, 0, gzipped.length, false).body(get).endsWithConnection())
        .isTrue();
  }

  @Test
  void responsesToHeadAndWithoutContentHaveNoBodyAndOthersFollowTheirHeaders() throws Exception {
    HttpHead head = request("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
    byte[] ok = bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
    assertThat(HttpHead.parse(ok, 0, ok.length, false).body(head).done()).isTrue();
    HttpHead get = request("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(HttpHead.parse(ok, 0, ok.length, false).body(get).done()).isFalse();
    byte[] noContent = bytes("HTTP/1.1 204 No Content\r\n\r\n");
    assertThat(HttpHead.parse(noContent, 0, noContent.length, false).body(get).done()).isTrue();
    byte[] unframed = bytes("HTTP/1.1 200 OK\r\n\r\n");
    assertThat(HttpHead.parse(unframed, 0, unframed.length, false).body(get).endsWithConnection())
        .isTrue();
  }

  @Test
  void aChunkedBodyEndsAfterItsLastChunkAndTrailerEvenWhenSplitAnywhere() throws Exception {
    String body =
        "5\r\nhello\r\n1a;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\n";
    String next = "GET / HTTP/1.1\r\n";
    byte[] all = bytes(body + next);
    for (int split = 1; split < body.length(); split++) {
      BodyFraming framing = BodyFraming.chunked();
      int taken = framing.consume(all, 0, split);
      assertThat(taken).isEqualTo(split);
      assertThat(framing.done()).isFalse();
      taken += framing.consume(all, split, all.length - split);
      assertThat(framing.done()).isTrue();
      assertThat(taken).as("split at " + split).isEqualTo(body.length());
    }
  }

  @Test
  void aMalformedChunkIsRefused() {
    byte[] bad = bytes("zz\r\n");
    assertThatThrownBy(() -> BodyFraming.chunked().consume(bad, 0, bad.length))
        .isInstanceOf(HttpHead.Malformed.class);
    byte[] noCrlf = bytes("1\r\nab");
    assertThatThrownBy(() -> BodyFraming.chunked().consume(noCrlf, 0, noCrlf.length))
        .hasMessageContaining("CRLF");
  }

  @Test
  void aLengthBodyTakesExactlyItsBytes() throws Exception {
    BodyFraming framing = BodyFraming.length(4);
    byte[] b = bytes("abcdefg");
    assertThat(framing.consume(b, 0, 3)).isEqualTo(3);
    assertThat(framing.consume(b, 3, 4)).isEqualTo(1);
    assertThat(framing.done()).isTrue();
  }
}
