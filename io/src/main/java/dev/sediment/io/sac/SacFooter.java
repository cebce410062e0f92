package dev.sediment.io.sac;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * The footer of a header version 7 binary SAC file (SAC 102+, SAC manual "SAC Data File Format"):
 * 22 float64 values after the data, in the header's byte order, holding DELTA, B, E, O, A,
 * T0..T9, F, EVLO, EVLA, STLO, STLA, SB and SDELTA at full precision.
 *
 * <p>{@code
 * SacFooter f = SacFooter.decode(bytes, footerOffset, ByteOrder.LITTLE_ENDIAN);
 * double delta = f.get("DELTA");
 * }
 *
 * <p>In a trace's {@code headers()} each value is kept beside its float32 header field under the
 * field's name and {@link #SUFFIX} ("DELTA_F64", "B_F64", ...), as {@link Double#toString} text
 * (which reads back to the same double; a NaN as "0x" and its 16 hex digits so every bit pattern
 * survives). The float32 fields keep the header's own values, so a file reads and writes back to
 * the same bytes even when a writer's float32 values are not the footer's rounded.
 */
public final class SacFooter {
  /** The footer's fields, in file order. */
  public static final List<String> NAMES =
      List.of("DELTA", "B", "E", "O", "A", "T0", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8",
          "T9", "F", "EVLO", "EVLA", "STLO", "STLA", "SB", "SDELTA");
  /** Bytes in the footer: 22 float64 values. */
  public static final int SIZE = 8 * 22;
  /** Suffix of the {@code headers()} keys of the footer values. */
  public static final String SUFFIX = "_F64";

  private final double[] values;

  private SacFooter(double[] values) {
    this.values = values;
  }

  /** The footer at {@code off} of {@code b}. */
  public static SacFooter decode(byte[] b, int off, ByteOrder order) {
    ByteBuffer buf = ByteBuffer.wrap(b).order(order);
    double[] v = new double[NAMES.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = buf.getDouble(off + 8 * i);
    }
    return new SacFooter(v);
  }

  /** The 176 footer bytes in {@code order}. */
  public byte[] encode(ByteOrder order) {
    ByteBuffer buf = ByteBuffer.allocate(SIZE).order(order);
    for (double d : values) {
      buf.putDouble(d);
    }
    return buf.array();
  }

  /** The value of footer field {@code name} ("DELTA", "B", ...). */
  public double get(String name) {
    return values[index(name)];
  }

  /** Sets footer field {@code name}. */
  public SacFooter set(String name, double v) {
    values[index(name)] = v;
    return this;
  }

  private static int index(String name) {
    int i = NAMES.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("not a SAC footer field: " + name);
    }
    return i;
  }

  /** Puts every value into {@code out} as {@code NAME_F64}. */
  public void putInto(Map<String, String> out) {
    for (int i = 0; i < values.length; i++) {
      out.put(NAMES.get(i) + SUFFIX, format(values[i]));
    }
  }

  /**
   * The footer of {@code headers}: each {@code NAME_F64} value, or the float32 header value
   * {@code NAME} widened when that key is missing (as SAC fills a footer from an old header).
   *
   * @throws IllegalArgumentException when a value does not parse
   */
  public static SacFooter from(Map<String, String> headers, SacHeader header) {
    double[] v = new double[NAMES.size()];
    for (int i = 0; i < v.length; i++) {
      String name = NAMES.get(i);
      String text = headers.get(name + SUFFIX);
      v[i] = text == null ? header.getFloat(name) : parse(name + SUFFIX, text);
    }
    return new SacFooter(v);
  }

  static String format(double d) {
    return Double.isNaN(d) ? String.format("0x%016x", Double.doubleToRawLongBits(d)) : Double.toString(d);
  }

  private static double parse(String key, String text) {
    String t = text.trim();
    try {
      if (t.startsWith("0x") || t.startsWith("0X")) {
        return Double.longBitsToDouble(Long.parseUnsignedLong(t.substring(2), 16));
      }
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("SAC footer " + key + " is not a number: '" + text + "'", e);
    }
  }
}
