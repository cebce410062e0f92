package dev.sediment.io.segy;

import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Map;

/**
 * One field of a SEG-Y binary or trace header: its name, 1-based first byte within the file (binary
 * header, 3201-3600) or the trace header (1-240), size and kind. Values travel as text: decimal
 * integers, a decimal float64, or {@code 0x}-prefixed hex for raw bytes (and for a float64 whose
 * bits are a NaN, so every bit pattern round-trips).
 */
public final class SegyField {
  /** How the bytes of a field are read. */
  public enum Kind {
    SIGNED,
    UNSIGNED,
    FLOAT64,
    BYTES
  }

  private final String name;
  private final int firstByte;
  private final int size;
  private final Kind kind;
  private final boolean always;

  SegyField(String name, int firstByte, int size, Kind kind, boolean always) {
    this.name = name;
    this.firstByte = firstByte;
    this.size = size;
    this.kind = kind;
    this.always = always;
  }

  public String name() {
    return name;
  }

  /** The 1-based byte number the standard gives ("bytes 3221-3222" has first byte 3221). */
  public int firstByte() {
    return firstByte;
  }

  public int size() {
    return size;
  }

  public Kind kind() {
    return kind;
  }

  /** Whether the reader lists the field even when its bytes are zero. */
  public boolean always() {
    return always;
  }

  /** Reads the field as a long (raw bits for FLOAT64); not for BYTES. */
  long readLong(byte[] b, int off, ByteOrder order) {
    long v = 0;
    if (order == ByteOrder.BIG_ENDIAN) {
      for (int i = 0; i < size; i++) {
        v = (v << 8) | (b[off + i] & 0xFF);
      }
    } else {
      for (int i = size - 1; i >= 0; i--) {
        v = (v << 8) | (b[off + i] & 0xFF);
      }
    }
    if (kind == Kind.SIGNED && size < 8) {
      int shift = 64 - 8 * size;
      v = (v << shift) >> shift;
    }
    return v;
  }

  boolean isZero(byte[] b, int off) {
    for (int i = 0; i < size; i++) {
      if (b[off + i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** The field's text from {@code b}, where the header starts at {@code base}. */
  String read(byte[] b, int base, int headerFirstByte, ByteOrder order) {
    int off = base + firstByte - headerFirstByte;
    switch (kind) {
      case BYTES:
        return "0x" + HexFormat.of().formatHex(b, off, off + size);
      case FLOAT64:
        long bits = readLong(b, off, order);
        double d = Double.longBitsToDouble(bits);
        return Double.isNaN(d) ? String.format("0x%016x", bits) : Double.toString(d);
      case UNSIGNED:
        return Long.toUnsignedString(readLong(b, off, order));
      default:
        return Long.toString(readLong(b, off, order));
    }
  }

  /**
   * Writes {@code text} into {@code b}, where the header starts at {@code base}.
   *
   * @throws IllegalArgumentException if the text is not a number the field can hold
   */
  void write(String text, byte[] b, int base, int headerFirstByte, ByteOrder order) {
    int off = base + firstByte - headerFirstByte;
    String t = text.trim();
    if (kind == Kind.BYTES) {
      String hex = t.startsWith("0x") || t.startsWith("0X") ? t.substring(2) : t;
      byte[] raw;
      try {
        raw = HexFormat.of().parseHex(hex);
      } catch (IllegalArgumentException e) {
        throw bad(text, "hex bytes");
      }
      if (raw.length > size) {
        throw bad(text, "at most " + size + " hex bytes");
      }
      System.arraycopy(raw, 0, b, off, raw.length);
      return;
    }
    long v;
    try {
      if (t.startsWith("0x") || t.startsWith("0X")) {
        v = Long.parseUnsignedLong(t.substring(2), 16);
      } else if (kind == Kind.FLOAT64) {
        v = Double.doubleToRawLongBits(Double.parseDouble(t));
      } else if (t.startsWith("-")) {
        v = Long.parseLong(t);
      } else {
        v = Long.parseUnsignedLong(t);
      }
    } catch (NumberFormatException e) {
      throw bad(text, kind == Kind.FLOAT64 ? "a number" : "an integer");
    }
    if (size < 8) {
      long min = -(1L << (8 * size - 1));
      long max = (1L << (8 * size)) - 1;
      if (v < min || v > max) {
        throw bad(text, "an integer from " + min + " to " + max);
      }
    }
    if (order == ByteOrder.BIG_ENDIAN) {
      for (int i = size - 1; i >= 0; i--) {
        b[off + i] = (byte) v;
        v >>= 8;
      }
    } else {
      for (int i = 0; i < size; i++) {
        b[off + i] = (byte) v;
        v >>= 8;
      }
    }
  }

  private IllegalArgumentException bad(String text, String expected) {
    return new IllegalArgumentException(
        "SEG-Y header field " + name + " (bytes " + firstByte + "-" + (firstByte + size - 1)
            + ") must be " + expected + ", got '" + text + "'");
  }

  /** Puts every field of {@code fields} into {@code out}, skipping optional zero ones. */
  static void readAll(
      SegyField[] fields, byte[] b, int base, int headerFirstByte, ByteOrder order, Map<String, String> out) {
    for (SegyField f : fields) {
      if (f.always || !f.isZero(b, base + f.firstByte - headerFirstByte)) {
        out.put(f.name, f.read(b, base, headerFirstByte, order));
      }
    }
  }

  @Override
  public String toString() {
    return name + " (bytes " + firstByte + "-" + (firstByte + size - 1) + ")";
  }
}
