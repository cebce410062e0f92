package dev.sediment.io.table;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Splits a byte stream into lines, with the line number and byte offset of each, and never holds
 * more than {@code maxLineBytes} of one line: a longer line is returned cut, flagged {@link
 * Line#truncated()}, and the rest of it is skipped. A file with no line breaks therefore costs
 * bounded memory, not an OutOfMemoryError.
 *
 * <p>A line ends at {@code \n}, {@code \r\n} or a lone {@code \r}, as RFC 4180 readers accept (old
 * Mac and some spreadsheet exports end lines with {@code \r} only). The ending is not part of the
 * line's bytes; {@link Line#terminator} says which one it was, so a record spanning lines (a quoted
 * CSV field) can be rebuilt with its own line breaks.
 */
final class BoundedLineReader implements Closeable {

  /** One line of the input. {@code bytes} holds {@code length} valid bytes. */
  static final class Line {
    final long number;
    final long offset;
    final byte[] bytes;
    final int length;
    final boolean truncated;
    /** The line ending: {@code "\n"}, {@code "\r\n"}, {@code "\r"}, or {@code ""} at the end. */
    final String terminator;
    /**
     * The {@code '"'} bytes among {@code bytes[0, length)}, counted while looking for the line end
     * so that a CSV reader need not scan the line again; unspecified for a truncated line.
     */
    final int quotes;
    /** True if all of {@code bytes[0, length)} are ASCII; unspecified for a truncated line. */
    final boolean ascii;

    Line(
        long number,
        long offset,
        byte[] bytes,
        int length,
        boolean truncated,
        String terminator,
        int quotes,
        boolean ascii) {
      this.number = number;
      this.offset = offset;
      this.bytes = bytes;
      this.length = length;
      this.truncated = truncated;
      this.terminator = terminator;
      this.quotes = quotes;
      this.ascii = ascii;
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
    String terminator = "";
    int quotes = 0;
    long high = 0; // the OR of all bytes: bit 7 of some byte set if one is not ASCII
    while (true) {
      if (pos >= limit && !fill()) {
        break;
      }
      int i = pos;
      byte b = 0;
      // Eight bytes at a time while no line end is among them (SWAR); the rest one by one.
      while (i + 8 <= limit) {
        long w = (long) LONGS.get(buf, i);
        long ends = zeroBytes(w ^ LF) | zeroBytes(w ^ CR);
        if (ends != 0) {
          // Bytes before the first line end: the lowest marked byte (little-endian).
          long before = (ends & -ends) - 1;
          quotes += Long.bitCount(zeroBytes(w ^ QUOTE) & before);
          high |= w & before;
          i += Long.numberOfTrailingZeros(ends) >>> 3;
          break;
        }
        quotes += Long.bitCount(zeroBytes(w ^ QUOTE));
        high |= w;
        i += 8;
      }
      while (i < limit && (b = buf[i]) != '\n' && b != '\r') {
        high |= b & 0xFF;
        if (b == '"') {
          quotes++;
        }
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
        pos++; // consume the '\n' or '\r'
        if (b == '\n') {
          terminator = "\n";
        } else if ((pos < limit || fill()) && buf[pos] == '\n') {
          pos++; // "\r\n" is one line end, also when a buffer boundary splits it
          terminator = "\r\n";
        } else {
          terminator = "\r";
        }
        break;
      }
    }
    lineNumber++;
    return new Line(
        lineNumber, start, line, len, truncated, terminator, quotes, (high & HIGH_BITS) == 0);
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW_7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long LF = 0x0A0A0A0A0A0A0A0AL;
  private static final long CR = 0x0D0D0D0D0D0D0D0DL;
  private static final long QUOTE = 0x2222222222222222L;

  /**
   * Bit 7 set in each byte of {@code v} that is zero, and no other bit: exact per byte (no borrow
   * runs from one byte into the next, unlike the shorter {@code (v - 0x01..) & ~v & 0x80..}).
   */
  static long zeroBytes(long v) {
    return ~(((v & LOW_7) + LOW_7) | v | LOW_7);
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

  /**
   * Refills the buffer when it is used up; returns false at the end of the stream. Only called
   * with {@code pos == limit}, so no unread byte is dropped.
   */
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
