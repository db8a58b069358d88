package dev.gantry.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Copies raw log bytes to a command's writer as UTF-8 text, flushed as they come. */
final class WriterStream extends OutputStream {
  private final PrintWriter out;

  WriterStream(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int off, int len) {
    out.write(new String(bytes, off, len, StandardCharsets.UTF_8));
    out.flush();
  }
}
