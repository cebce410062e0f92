package dev.sediment.io.parquet;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Decodes Parquet's RLE / bit-packing hybrid encoding (definition levels, dictionary ids) a whole
 * run at a time into an {@code int[]}, straight from a byte array: parquet-java's {@code
 * RunLengthBitPackingHybridDecoder} reads each value through a stream and allocates per run, which
 * was most of the cost of decoding a dictionary or nullable column.
 *
 * <p>Gives the values parquet-java's decoder gives for every input it accepts, including its
 * leniency: a repeated value is taken as its {@code ceil(width / 8)} bytes unmasked, and a
 * bit-packed run cut short by the end of the data is padded with zero bits. A run of zero values,
 * a header or repeated value cut short, a bit width above 32, or data that ends before {@code
 * count} values are an {@link IOException} (parquet-java loops, fails or returns garbage on
 * these).
 */
final class RleInts {
  private RleInts() {}

  /**
   * Decodes {@code count} values of {@code bitWidth} bits from {@code buf[pos, end)} into {@code
   * out[0, count)}; returns the position after the last run it read.
   */
  static int decode(byte[] buf, int pos, int end, int bitWidth, int[] out, int count)
      throws IOException {
    if (bitWidth < 0 || bitWidth > 32) {
      throw new IOException("RLE/bit-packed data of bit width " + bitWidth + " (0..32)");
    }
    int valueBytes = (bitWidth + 7) / 8;
    long mask = (1L << bitWidth) - 1;
    int n = 0;
    while (n < count) {
      if (pos >= end) {
        throw new IOException(
            "RLE/bit-packed data ends after " + n + " of " + count + " values");
      }
      // The run header: an unsigned LEB128 varint of at most 5 bytes.
      long header = 0;
      int shift = 0;
      while (true) {
        if (pos >= end || shift > 28) {
          throw new IOException("RLE/bit-packed data has a cut or oversized run header");
        }
        int b = buf[pos++];
        header |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          break;
        }
        shift += 7;
      }
      long runLength = (header & 1) == 0 ? header >>> 1 : (header >>> 1) * 8;
      if (runLength == 0) {
        throw new IOException("RLE/bit-packed data has a run of no values");
      }
      int take = (int) Math.min(runLength, count - n);
      if ((header & 1) == 0) {
        if (end - pos < valueBytes) {
          throw new IOException("RLE/bit-packed data ends inside a repeated value");
        }
        int v = 0;
        for (int k = 0; k < valueBytes; k++) {
          v |= (buf[pos++] & 0xFF) << (8 * k);
        }
        java.util.Arrays.fill(out, n, n + take, v);
      } else {
        long runBytes = (header >>> 1) * bitWidth;
        int stop = (int) Math.min(end, pos + runBytes);
        unpack(buf, pos, stop, bitWidth, mask, out, n, take);
        pos = stop;
      }
      n += take;
    }
    return pos;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * {@code take} values of {@code width} bits, least significant bit first; zeros past stop. Each
   * value is cut from the 8 bytes (little-endian) starting at its first byte: one load, a shift
   * and a mask, since a value of at most 32 bits starting at bit 0 to 7 of a byte ends within
   * them. Values whose 8 bytes would reach past {@code stop} are put together byte by byte.
   */
  private static void unpack(
      byte[] buf, int pos, int stop, int width, long mask, int[] out, int at, int take) {
    if (width == 0) {
      java.util.Arrays.fill(out, at, at + take, 0);
      return;
    }
    // Values whose 8 bytes lie before stop: the first byte of value i is pos + i * width / 8.
    long fit = stop - 8 - pos < 0 ? 0 : (((long) (stop - 8 - pos) << 3) / width) + 1;
    int fast = (int) Math.min(take, fit);
    for (int i = 0; i < fast; i++) {
      long bit = (long) i * width;
      long word = (long) LONGS.get(buf, pos + (int) (bit >>> 3));
      out[at + i] = (int) ((word >>> (bit & 7)) & mask);
    }
    for (int i = fast; i < take; i++) {
      long bit = (long) i * width;
      int first = pos + (int) (bit >>> 3);
      long word = 0;
      for (int k = 0; k < 8; k++) {
        int q = first + k;
        long b = q < stop ? buf[q] & 0xFF : 0;
        word |= b << (8 * k);
      }
      out[at + i] = (int) ((word >>> (bit & 7)) & mask);
    }
  }
}
