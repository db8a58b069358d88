package dev.gantry.workers.runtime;

/**
 * Where an HTTP/1.1 body ends: after Content-Length bytes, after the last chunk and its trailer, or
 * when the connection closes. The router feeds it the bytes it forwards and learns how many of them
 * are still this message's. Pure.
 */
final class BodyFraming {
  private enum Chunk {
    SIZE,
    EXTENSION,
    SIZE_LF,
    DATA,
    DATA_CR,
    DATA_LF,
    TRAILER_START,
    TRAILER_LINE,
    TRAILER_LF,
    END_LF,
    DONE
  }

  private final boolean chunked;
  private final boolean untilClose;
  private long remaining;
  private Chunk state = Chunk.SIZE;
  private long size;
  private int sizeDigits;

  private BodyFraming(boolean chunked, boolean untilClose, long remaining) {
    this.chunked = chunked;
    this.untilClose = untilClose;
    this.remaining = remaining;
  }

  static BodyFraming length(long bytes) {
    return new BodyFraming(false, false, bytes);
  }

  static BodyFraming chunked() {
    return new BodyFraming(true, false, 0);
  }

  static BodyFraming untilClose() {
    return new BodyFraming(false, true, 0);
  }

  boolean endsWithConnection() {
    return untilClose;
  }

  boolean done() {
    return chunked ? state == Chunk.DONE : !untilClose && remaining == 0;
  }

  /**
   * Takes up to {@code len} bytes at {@code off}; returns how many belong to this body (the rest
   * belong to the next message).
   */
  int consume(byte[] b, int off, int len) throws HttpHead.Malformed {
    if (untilClose) {
      return len;
    }
    if (!chunked) {
      int n = (int) Math.min(remaining, len);
      remaining -= n;
      return n;
    }
    int i = off;
    int end = off + len;
    while (i < end && state != Chunk.DONE) {
      byte c = b[i];
      switch (state) {
        case SIZE -> {
          int digit = Character.digit(c, 16);
          if (digit >= 0) {
            if (++sizeDigits > 15) {
              throw new HttpHead.Malformed("chunk size too large");
            }
            size = size * 16 + digit;
          } else if (c == ';' && sizeDigits > 0) {
            state = Chunk.EXTENSION;
          } else if (c == '\r' && sizeDigits > 0) {
            state = Chunk.SIZE_LF;
          } else {
            throw new HttpHead.Malformed("malformed chunk size");
          }
          i++;
        }
        case EXTENSION -> {
          if (c == '\r') {
            state = Chunk.SIZE_LF;
          }
          i++;
        }
        case SIZE_LF -> {
          if (c != '\n') {
            throw new HttpHead.Malformed("chunk size line not ended by CRLF");
          }
          i++;
          state = size == 0 ? Chunk.TRAILER_START : Chunk.DATA;
          remaining = size;
          size = 0;
          sizeDigits = 0;
        }
        case DATA -> {
          int n = (int) Math.min(remaining, end - i);
          remaining -= n;
          i += n;
          if (remaining == 0) {
            state = Chunk.DATA_CR;
          }
        }
        case DATA_CR -> {
          if (c != '\r') {
            throw new HttpHead.Malformed("chunk not ended by CRLF");
          }
          i++;
          state = Chunk.DATA_LF;
        }
        case DATA_LF -> {
          if (c != '\n') {
            throw new HttpHead.Malformed("chunk not ended by CRLF");
          }
          i++;
          state = Chunk.SIZE;
        }
        case TRAILER_START -> {
          i++;
          state = c == '\r' ? Chunk.END_LF : Chunk.TRAILER_LINE;
        }
        case TRAILER_LINE -> {
          if (c == '\r') {
            state = Chunk.TRAILER_LF;
          }
          i++;
        }
        case TRAILER_LF -> {
          if (c != '\n') {
            throw new HttpHead.Malformed("trailer line not ended by CRLF");
          }
          i++;
          state = Chunk.TRAILER_START;
        }
        case END_LF -> {
          if (c != '\n') {
            throw new HttpHead.Malformed("chunked body not ended by CRLF");
          }
          i++;
          state = Chunk.DONE;
        }
        default -> throw new IllegalStateException(state.toString());
      }
    }
    return i - off;
  }
}
