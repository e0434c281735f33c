package dev.hangar.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** A PrintStream view of a PrintWriter, for APIs that print to streams. */
final class PrintWriterStream {
  private final PrintWriter writer;

  PrintWriterStream(PrintWriter writer) {
    this.writer = writer;
  }

  PrintStream stream() {
    return new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        writer.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        writer.write(new String(b, off, len, StandardCharsets.UTF_8));
      }

      @Override
      public void flush() {
        writer.flush();
      }
    }, true, StandardCharsets.UTF_8);
  }
}
