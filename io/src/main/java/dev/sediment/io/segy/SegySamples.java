package dev.sediment.io.segy;

import dev.sediment.io.seismic.SampleEncoding;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The SEG-Y data sample formats (binary header bytes 3225-3226; SEG-Y rev 2.0 section 4, table
 * 3): sizes, names and the decode/encode loops. Every decoded value is exact in float64.
 *
 * <table>
 *   <caption>Supported codes</caption>
 *   <tr><th>code</th><th>bytes</th><th>{@link SampleEncoding}</th></tr>
 *   <tr><td>1</td><td>4</td><td>ibm_float32</td></tr>
 *   <tr><td>2</td><td>4</td><td>int32</td></tr>
 *   <tr><td>3</td><td>2</td><td>int16</td></tr>
 *   <tr><td>5</td><td>4</td><td>float32</td></tr>
 *   <tr><td>6</td><td>8</td><td>float64</td></tr>
 *   <tr><td>7</td><td>3</td><td>int24</td></tr>
 *   <tr><td>8</td><td>1</td><td>int8</td></tr>
 *   <tr><td>10</td><td>4</td><td>uint32</td></tr>
 *   <tr><td>11</td><td>2</td><td>uint16</td></tr>
 *   <tr><td>15</td><td>3</td><td>uint24</td></tr>
 *   <tr><td>16</td><td>1</td><td>uint8</td></tr>
 * </table>
 *
 * <p>Codes 4 (fixed point with gain, obsolete), 9 and 12 (64-bit integers, not exact in float64)
 * are known but not decoded: {@link #isSupported} is false for them.
 */
public final class SegySamples {
  private static final VarHandle SHORT_BE =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle SHORT_LE =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_BE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private SegySamples() {}

  /** Whether {@code code} is a format code of the SEG-Y standard (rev 2.0: 1-12, 15, 16). */
  public static boolean isKnown(int code) {
    return (code >= 1 && code <= 12) || code == 15 || code == 16;
  }

  /** Whether this codec decodes and encodes {@code code}. */
  public static boolean isSupported(int code) {
    return isKnown(code) && code != 4 && code != 9 && code != 12;
  }

  /** Bytes per sample of a known format code. */
  public static int bytesPerSample(int code) {
    switch (code) {
      case 3:
      case 11:
        return 2;
      case 6:
      case 9:
      case 12:
        return 8;
      case 7:
      case 15:
        return 3;
      case 8:
      case 16:
        return 1;
      default:
        return 4;
    }
  }

  /** The {@link SampleEncoding} name of a supported format code. */
  public static String encoding(int code) {
    switch (code) {
      case 1:
        return SampleEncoding.IBM_FLOAT32;
      case 2:
        return SampleEncoding.INT32;
      case 3:
        return SampleEncoding.INT16;
      case 5:
        return SampleEncoding.FLOAT32;
      case 6:
        return SampleEncoding.FLOAT64;
      case 7:
        return SampleEncoding.INT24;
      case 8:
        return SampleEncoding.INT8;
      case 10:
        return SampleEncoding.UINT32;
      case 11:
        return SampleEncoding.UINT16;
      case 15:
        return SampleEncoding.UINT24;
      case 16:
        return SampleEncoding.UINT8;
      default:
        throw new IllegalArgumentException("format code " + code + " is not supported");
    }
  }

  /** The format code whose {@link #encoding} is {@code encoding}, or -1. */
  public static int codeOf(String encoding) {
    for (int code : new int[] {1, 2, 3, 5, 6, 7, 8, 10, 11, 15, 16}) {
      if (encoding(code).equals(encoding)) {
        return code;
      }
    }
    return -1;
  }

  /**
   * Decodes {@code n} samples of format {@code code} from {@code src} at byte offset {@code off}
   * into {@code dst[0..n)}.
   */
  public static void decode(int code, byte[] src, int off, double[] dst, int n, ByteOrder order) {
    switch (code) {
      case 1:
        IbmFloat.decode(src, off, dst, 0, n, order);
        break;
      case 2:
        decodeInt32(src, off, dst, n, order);
        break;
      case 3:
        decodeInt16(src, off, dst, n, order);
        break;
      case 5:
        decodeFloat32(src, off, dst, n, order);
        break;
      case 6:
        decodeFloat64(src, off, dst, n, order);
        break;
      case 7:
        decodeInt24(src, off, dst, n, order, true);
        break;
      case 8:
        for (int i = 0; i < n; i++) {
          dst[i] = src[off + i];
        }
        break;
      case 10:
        decodeUint32(src, off, dst, n, order);
        break;
      case 11:
        decodeUint16(src, off, dst, n, order);
        break;
      case 15:
        decodeInt24(src, off, dst, n, order, false);
        break;
      case 16:
        for (int i = 0; i < n; i++) {
          dst[i] = src[off + i] & 0xFF;
        }
        break;
      default:
        throw new IllegalArgumentException("format code " + code + " is not supported");
    }
  }

  /** Format 1: IBM floats, exact (see {@link IbmFloat}). */
  public static void decodeIbm(byte[] src, int off, double[] dst, int n, ByteOrder order) {
    IbmFloat.decode(src, off, dst, 0, n, order);
  }

  /** Format 5: IEEE-754 single precision. */
  public static void decodeFloat32(byte[] src, int off, double[] dst, int n, ByteOrder order) {
    // constant VarHandles in each branch: a VarHandle in a variable is not inlined by the JIT
    if (order == ByteOrder.BIG_ENDIAN) {
      for (int i = 0; i < n; i++) {
        dst[i] = Float.intBitsToFloat((int) INT_BE.get(src, off + 4 * i));
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[i] = Float.intBitsToFloat((int) INT_LE.get(src, off + 4 * i));
      }
    }
  }

  /** Format 6: IEEE-754 double precision. */
  public static void decodeFloat64(byte[] src, int off, double[] dst, int n, ByteOrder order) {
    // constant VarHandles in each branch: a VarHandle in a variable is not inlined by the JIT
    if (order == ByteOrder.BIG_ENDIAN) {
      for (int i = 0; i < n; i++) {
        dst[i] = Double.longBitsToDouble((long) LONG_BE.get(src, off + 8 * i));
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[i] = Double.longBitsToDouble((long) LONG_LE.get(src, off + 8 * i));
      }
    }
  }

  /** Format 2: 32-bit two's complement integers. */
  public static void decodeInt32(byte[] src, int off, double[] dst, int n, ByteOrder order) {
    // constant VarHandles in each branch: a VarHandle in a variable is not inlined by the JIT
    if (order == ByteOrder.BIG_ENDIAN) {
      for (int i = 0; i < n; i++) {
        dst[i] = (int) INT_BE.get(src, off + 4 * i);
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[i] = (int) INT_LE.get(src, off + 4 * i);
      }
    }
  }

  /** Format 10: 32-bit unsigned integers. */
  public static void decodeUint32(byte[] src, int off, double[] dst, int n, ByteOrder order) {
    // constant VarHandles in each branch: a VarHandle in a variable is not inlined by the JIT
    if (order == ByteOrder.BIG_ENDIAN) {
      for (int i = 0; i < n; i++) {
        dst[i] = ((int) INT_BE.get(src, off + 4 * i)) & 0xFFFFFFFFL;
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[i] = ((int) INT_LE.get(src, off + 4 * i)) & 0xFFFFFFFFL;
      }
    }
  }

  /** Format 3: 16-bit two's complement integers. */
  public static void decodeInt16(byte[] src, int off, double[] dst, int n, ByteOrder order) {
    // constant VarHandles in each branch: a VarHandle in a variable is not inlined by the JIT
    if (order == ByteOrder.BIG_ENDIAN) {
      for (int i = 0; i < n; i++) {
        dst[i] = (short) SHORT_BE.get(src, off + 2 * i);
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[i] = (short) SHORT_LE.get(src, off + 2 * i);
      }
    }
  }

  /** Format 11: 16-bit unsigned integers. */
  public static void decodeUint16(byte[] src, int off, double[] dst, int n, ByteOrder order) {
    // constant VarHandles in each branch: a VarHandle in a variable is not inlined by the JIT
    if (order == ByteOrder.BIG_ENDIAN) {
      for (int i = 0; i < n; i++) {
        dst[i] = ((short) SHORT_BE.get(src, off + 2 * i)) & 0xFFFF;
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[i] = ((short) SHORT_LE.get(src, off + 2 * i)) & 0xFFFF;
      }
    }
  }

  /** Formats 7 and 15: 24-bit integers, two's complement when {@code signed}. */
  public static void decodeInt24(
      byte[] src, int off, double[] dst, int n, ByteOrder order, boolean signed) {
    boolean be = order == ByteOrder.BIG_ENDIAN;
    for (int i = 0; i < n; i++) {
      int p = off + 3 * i;
      int v =
          be
              ? ((src[p] & 0xFF) << 16) | ((src[p + 1] & 0xFF) << 8) | (src[p + 2] & 0xFF)
              : ((src[p + 2] & 0xFF) << 16) | ((src[p + 1] & 0xFF) << 8) | (src[p] & 0xFF);
      dst[i] = signed ? (v << 8) >> 8 : v;
    }
  }

  /**
   * Encodes {@code n} samples from {@code src} in format {@code code} into {@code dst} at {@code
   * off}. Integer formats need integral values in range; float32 rounds to nearest.
   *
   * @throws IllegalArgumentException naming the first sample the format cannot hold
   */
  // A VarHandle chosen by an expression ((be ? A : B).set(...)) crashed C2 on JDK 17.0.15
  // (Compile::final_graph_reshaping_walk, compiling encode); each branch names a constant instead.
  private static void putInt(byte[] b, int o, int v, boolean be) {
    if (be) {
      INT_BE.set(b, o, v);
    } else {
      INT_LE.set(b, o, v);
    }
  }

  private static void putLong(byte[] b, int o, long v, boolean be) {
    if (be) {
      LONG_BE.set(b, o, v);
    } else {
      LONG_LE.set(b, o, v);
    }
  }

  private static void putShort(byte[] b, int o, short v, boolean be) {
    if (be) {
      SHORT_BE.set(b, o, v);
    } else {
      SHORT_LE.set(b, o, v);
    }
  }

  public static void encode(int code, double[] src, int n, byte[] dst, int off, ByteOrder order) {
    boolean be = order == ByteOrder.BIG_ENDIAN;
    switch (code) {
      case 1:
        for (int i = 0; i < n; i++) {
          if (Double.isNaN(src[i])) {
            throw new IllegalArgumentException("sample " + i + " is NaN, which IBM floats cannot hold");
          }
        }
        IbmFloat.encode(src, 0, dst, off, n, order);
        break;
      case 5:
        for (int i = 0; i < n; i++) {
          putInt(dst, off + 4 * i, Float.floatToRawIntBits((float) src[i]), be);
        }
        break;
      case 6:
        for (int i = 0; i < n; i++) {
          putLong(dst, off + 8 * i, Double.doubleToRawLongBits(src[i]), be);
        }
        break;
      case 2:
      case 10:
        for (int i = 0; i < n; i++) {
          long v = integral(src, i, code == 2 ? Integer.MIN_VALUE : 0, code == 2 ? Integer.MAX_VALUE : 0xFFFFFFFFL, code);
          putInt(dst, off + 4 * i, (int) v, be);
        }
        break;
      case 3:
      case 11:
        for (int i = 0; i < n; i++) {
          long v = integral(src, i, code == 3 ? Short.MIN_VALUE : 0, code == 3 ? Short.MAX_VALUE : 0xFFFF, code);
          putShort(dst, off + 2 * i, (short) v, be);
        }
        break;
      case 7:
      case 15:
        for (int i = 0; i < n; i++) {
          long v = integral(src, i, code == 7 ? -(1 << 23) : 0, code == 7 ? (1 << 23) - 1 : 0xFFFFFF, code);
          int p = off + 3 * i;
          byte hi = (byte) (v >> 16);
          byte mid = (byte) (v >> 8);
          byte lo = (byte) v;
          dst[p] = be ? hi : lo;
          dst[p + 1] = mid;
          dst[p + 2] = be ? lo : hi;
        }
        break;
      case 8:
      case 16:
        for (int i = 0; i < n; i++) {
          dst[off + i] = (byte) integral(src, i, code == 8 ? -128 : 0, code == 8 ? 127 : 255, code);
        }
        break;
      default:
        throw new IllegalArgumentException("format code " + code + " is not supported for writing");
    }
  }

  private static long integral(double[] src, int i, long min, long max, int code) {
    double v = src[i];
    if (!(v >= min && v <= max) || v != Math.rint(v)) {
      throw new IllegalArgumentException(
          "sample " + i + " = " + v + " is not a " + encoding(code) + " value (" + min + " to " + max + ")");
    }
    return (long) v;
  }
}
