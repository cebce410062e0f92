package dev.sediment.io.table;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes lines as {@link TextRecords} does (strict UTF-8: what it refuses is an {@code ENCODING}
 * error), into a reused buffer instead of a new {@code String} per line.
 */
final class StrictUtf8 {
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private char[] chars = new char[256];
  private CharBuffer buffer = CharBuffer.wrap(chars);

  /**
   * Decodes {@code b[0, n)} into {@link #chars()}; returns the number of chars, or -1 if the bytes
   * are not strict UTF-8.
   */
  int decode(byte[] b, int n) {
    if (chars.length < n) {
      chars = new char[Math.max(n, chars.length * 2)];
      buffer = CharBuffer.wrap(chars);
    }
    boolean ascii = true;
    for (int i = 0; i < n; i++) {
      byte x = b[i];
      if (x < 0) {
        ascii = false;
        break;
      }
      chars[i] = (char) x;
    }
    if (ascii) {
      return n;
    }
    buffer.clear();
    decoder.reset();
    CoderResult r = decoder.decode(ByteBuffer.wrap(b, 0, n), buffer, true);
    if (r.isError() || decoder.flush(buffer).isError()) {
      return -1;
    }
    return buffer.position();
  }

  /** The chars of the last {@link #decode}. */
  char[] chars() {
    return chars;
  }
}
