package dev.sediment.io.segy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * IBM System/360 single-precision floating point (SEG-Y data sample format code 1; SEG-Y rev 2.0
 * section 3, table 2): a sign bit, a 7-bit base-16 exponent biased by 64 and a 24-bit fraction,
 * {@code value = (-1)^s * 0.F * 16^(e - 64)}.
 *
 * <p>Decoding is exact: every IBM value, normalised or not (a leading hex digit 0, as some
 * recorders write), is {@code F * 2^(4(e - 64) - 24)} with a 24-bit integer {@code F}, which a
 * float64 always holds. Encoding rounds to nearest (ties to even) and normalises; values beyond
 * the IBM range become the largest IBM magnitude, values below it are written denormalised or as
 * zero.
 *
 * <pre>{@code
 * double[] out = new double[n];
 * IbmFloat.decode(bytes, 3840, out, 0, n, ByteOrder.BIG_ENDIAN);
 * }</pre>
 */
public final class IbmFloat {
  private static final VarHandle INT_BE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** {@code SCALE[e] = 2^(4(e - 64) - 24)}: the weight of fraction unit 1 at exponent e. */
  private static final double[] SCALE = new double[128];

  static {
    for (int e = 0; e < 128; e++) {
      SCALE[e] = Math.scalb(1.0, 4 * (e - 64) - 24);
    }
  }

  /** The largest IBM magnitude, {@code 0x7FFFFFFF}: (1 - 16^-6) * 16^63. */
  public static final int MAX_BITS = 0x7FFFFFFF;

  private IbmFloat() {}

  /** The exact value of one IBM float given as its 32 bits. */
  public static double toDouble(int bits) {
    double v = (bits & 0xFFFFFF) * SCALE[(bits >>> 24) & 0x7F];
    return bits < 0 ? -v : v;
  }

  /**
   * The IBM float nearest to {@code v}, normalised. Infinities and values beyond the IBM range
   * give the largest magnitude with the sign of {@code v}.
   *
   * @throws IllegalArgumentException if {@code v} is NaN, which IBM floats cannot hold
   */
  public static int fromDouble(double v) {
    if (Double.isNaN(v)) {
      throw new IllegalArgumentException("an IBM float cannot hold NaN");
    }
    int sign = (Double.doubleToRawLongBits(v) < 0) ? 0x80000000 : 0;
    double a = Math.abs(v);
    if (a == 0.0) {
      return sign;
    }
    if (Double.isInfinite(a)) {
      return sign | MAX_BITS;
    }
    // a lies in [2^e2, 2^(e2+1)), so the base-16 exponent q with 16^(q-1) <= a < 16^q is:
    int q = Math.floorDiv(Math.getExponent(a), 4) + 1;
    int e = q + 64;
    if (e > 127) {
      return sign | MAX_BITS;
    }
    if (e < 0) {
      e = 0;
    }
    long m = (long) Math.rint(Math.scalb(a, 24 - 4 * (e - 64)));
    if (m >= (1L << 24)) {
      m >>>= 4; // rounding carried into a new hex digit: 0x1000000 -> 0x100000
      e++;
      if (e > 127) {
        return sign | MAX_BITS;
      }
    }
    return sign | (e << 24) | (int) m;
  }

  /**
   * Decodes {@code n} IBM floats from {@code src} at byte offset {@code off} into {@code dst}
   * from {@code dstOff}; the hot loop of SEG-Y format 1.
   */
  public static void decode(byte[] src, int off, double[] dst, int dstOff, int n, ByteOrder order) {
    final double[] scale = SCALE;
    if (order == ByteOrder.BIG_ENDIAN) {
      for (int i = 0; i < n; i++) {
        int b = (int) INT_BE.get(src, off + 4 * i);
        double v = (b & 0xFFFFFF) * scale[(b >>> 24) & 0x7F];
        // the sign bit moved into the double without a branch (keeps -0.0)
        dst[dstOff + i] = Double.longBitsToDouble(Double.doubleToRawLongBits(v) | ((long) (b & 0x80000000) << 32));
      }
    } else {
      for (int i = 0; i < n; i++) {
        int b = (int) INT_LE.get(src, off + 4 * i);
        double v = (b & 0xFFFFFF) * scale[(b >>> 24) & 0x7F];
        // the sign bit moved into the double without a branch (keeps -0.0)
        dst[dstOff + i] = Double.longBitsToDouble(Double.doubleToRawLongBits(v) | ((long) (b & 0x80000000) << 32));
      }
    }
  }

  /** Encodes {@code n} values from {@code src} as IBM floats into {@code dst} at {@code off}. */
  public static void encode(double[] src, int srcOff, byte[] dst, int off, int n, ByteOrder order) {
    if (order == ByteOrder.BIG_ENDIAN) {
      for (int i = 0; i < n; i++) {
        INT_BE.set(dst, off + 4 * i, fromDouble(src[srcOff + i]));
      }
    } else {
      for (int i = 0; i < n; i++) {
        INT_LE.set(dst, off + 4 * i, fromDouble(src[srcOff + i]));
      }
    }
  }
}
