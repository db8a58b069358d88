package dev.gantry.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Passes on only the last N lines of what is written, when it is flushed or closed. */
final class TailStream extends OutputStream {
  private final OutputStream out;
  private final int lines;
  private final ByteArrayOutputStream held = new ByteArrayOutputStream();

  TailStream(OutputStream out, int lines) {
    this.out = out;
    this.lines = lines;
  }

  @Override
  public void write(int b) {
    held.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    held.write(b, off, len);
  }

  @Override
  public void flush() throws IOException {
    byte[] bytes = held.toByteArray();
    held.reset();
    out.write(bytes, start(bytes), bytes.length - start(bytes));
    out.flush();
  }

  /**
   * Where the last {@code lines} lines begin; a final newline ends a line, it does not start one.
   */
  private int start(byte[] bytes) {
    int seen = 0;
    int end = bytes.length > 0 && bytes[bytes.length - 1] == '\n' ? bytes.length - 1 : bytes.length;
    for (int i = end - 1; i >= 0; i--) {
      if (bytes[i] == '\n' && ++seen == lines) {
        return i + 1;
      }
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    flush();
  }
}
