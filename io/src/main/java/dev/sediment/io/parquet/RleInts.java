package dev.sediment.io.parquet;

import java.io.IOException;

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

  /** {@code take} values of {@code width} bits, least significant bit first; zeros past stop. */
  private static void unpack(
      byte[] buf, int pos, int stop, int width, long mask, int[] out, int at, int take) {
    if (width == 0) {
      java.util.Arrays.fill(out, at, at + take, 0);
      return;
    }
    long acc = 0;
    int bits = 0;
    int p = pos;
    for (int i = 0; i < take; i++) {
      while (bits < width) {
        long b = p < stop ? buf[p] & 0xFF : 0;
        p++;
        acc |= b << bits;
        bits += 8;
      }
      out[at + i] = (int) (acc & mask);
      acc >>>= width;
      bits -= width;
    }
  }
}
