package dev.sediment.io.table;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines ending in {@code \n} (a preceding {@code \r} is dropped), with
 * the line number and byte offset of each, and never holds more than {@code maxLineBytes} of one
 * line: a longer line is returned cut, flagged {@link Line#truncated()}, and the rest of it is
 * skipped. A file with no line breaks therefore costs bounded memory, not an OutOfMemoryError.
 */
final class BoundedLineReader implements Closeable {

  /** One line of the input. {@code bytes} holds {@code length} valid bytes. */
  static final class Line {
    final long number;
    final long offset;
    final byte[] bytes;
    final int length;
    final boolean truncated;

    Line(long number, long offset, byte[] bytes, int length, boolean truncated) {
      this.number = number;
      this.offset = offset;
      this.bytes = bytes;
      this.length = length;
      this.truncated = truncated;
    }

    boolean truncated() {
      return truncated;
    }
  }

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private long bufStart; // byte offset of buf[0] in the stream
  private long lineNumber;
  private byte[] line = new byte[256];

  BoundedLineReader(InputStream in, int maxLineBytes) {
    if (maxLineBytes <= 0) {
      throw new IllegalArgumentException("maxLineBytes must be positive, was " + maxLineBytes);
    }
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /** Returns the next line, or {@code null} at the end of the stream. */
  Line next() throws IOException {
    if (pos >= limit && !fill()) {
      return null;
    }
    long start = bufStart + pos;
    int len = 0;
    boolean truncated = false;
    while (true) {
      if (pos >= limit && !fill()) {
        break;
      }
      int i = pos;
      while (i < limit && buf[i] != '\n') {
        i++;
      }
      int n = i - pos;
      int room = maxLineBytes - len;
      int keep = Math.min(n, room);
      if (keep > 0) {
        ensure(len + keep);
        System.arraycopy(buf, pos, line, len, keep);
        len += keep;
      }
      if (n > room) {
        truncated = true;
      }
      pos = i;
      if (i < limit) {
        pos++; // consume '\n'
        break;
      }
    }
    if (!truncated && len > 0 && line[len - 1] == '\r') {
      len--;
    }
    lineNumber++;
    return new Line(lineNumber, start, line, len, truncated);
  }

  /** Lines returned so far. */
  long linesRead() {
    return lineNumber;
  }

  /** Byte offset of the next unread byte. */
  long position() {
    return bufStart + pos;
  }

  private void ensure(int size) {
    if (size > line.length) {
      line = Arrays.copyOf(line, Math.max(size, Math.min(maxLineBytes, line.length * 2)));
    }
  }

  private boolean fill() throws IOException {
    bufStart += limit;
    pos = 0;
    limit = 0;
    int n = in.read(buf, 0, buf.length);
    while (n == 0) {
      n = in.read(buf, 0, buf.length);
    }
    if (n < 0) {
      return false;
    }
    limit = n;
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
