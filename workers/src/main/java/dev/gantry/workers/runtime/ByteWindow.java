package dev.gantry.workers.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The bytes read from one side of a proxied connection that the other side has not had yet. In
 * order: {@code [start, scan)} is framed (known to belong to the message being forwarded) and not
 * yet written; {@code [scan, end)} is read but not yet framed; after {@code end}, room.
 */
final class ByteWindow {
  final byte[] bytes;
  int start;
  int scan;
  int end;

  ByteWindow(int size) {
    this.bytes = new byte[size];
  }

  boolean hasRoom() {
    return end < bytes.length;
  }

  /** Reads what the channel has into the room; the count, or -1 at the channel's end. */
  int readFrom(SocketChannel channel) throws IOException {
    int n = channel.read(ByteBuffer.wrap(bytes, end, bytes.length - end));
    if (n > 0) {
      end += n;
    }
    return n;
  }

  boolean hasFramedUnsent() {
    return scan > start;
  }

  /** Writes what is framed and not yet written; how many bytes went. */
  int writeFramedTo(SocketChannel channel) throws IOException {
    int n = channel.write(ByteBuffer.wrap(bytes, start, scan - start));
    start += n;
    return n;
  }

  boolean hasUnframed() {
    return end > scan;
  }

  /** Lets {@code body} take what belongs to it of the unframed bytes. */
  void frame(BodyFraming body) throws HttpHead.Malformed {
    scan += body.consume(bytes, scan, end - scan);
  }

  /** The next {@code n} unframed bytes belong to the message being forwarded. */
  void frame(int n) {
    scan += n;
  }

  /** Passes over the next {@code n} bytes, unwritten: a head that goes out rewritten. */
  void skip(int n) {
    start += n;
    scan = start;
  }

  /** Every byte read has been written on. */
  boolean drained() {
    return start == end;
  }

  void clear() {
    start = scan = end = 0;
  }

  /** Starts over at the front when empty, or moves what is left there once past half way. */
  void compact() {
    if (start == end) {
      clear();
    } else if (start > bytes.length / 2) {
      System.arraycopy(bytes, start, bytes, 0, end - start);
      end -= start;
      scan -= start;
      start = 0;
    }
  }
}
