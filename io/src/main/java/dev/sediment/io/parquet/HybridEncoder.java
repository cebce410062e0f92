package dev.sediment.io.parquet;

import java.util.Arrays;

/**
 * Parquet's RLE/bit-packing hybrid encoding of a whole array of small ints at once (definition
 * levels, dictionary ids), without the length prefix. A run of eight or more equal values that
 * can start at a group boundary is one RLE run; everything else is bit-packed in groups of eight
 * (runs of at most 63 groups, as parquet-java writes them), the last group padded with zeros.
 * parquet-java's {@code RunLengthBitPackingHybridEncoder} does the same value by value, through
 * a buffer of eight and a slab allocator; this is one pass over the array.
 */
final class HybridEncoder {
  private byte[] out = new byte[1024];
  private int length;

  /** The encoding of the first {@code n} of {@code values}, each below 2^{@code width}. */
  byte[] encode(int[] values, int n, int width) {
    length = 0;
    if (n == 0) {
      return new byte[0];
    }
    if (width == 0) {
      varint((long) n << 1);
      return Arrays.copyOf(out, length);
    }
    int packedFrom = 0;
    int i = 0;
    while (i < n) {
      int v = values[i];
      int j = i + 1;
      while (j < n && values[j] == v) {
        j++;
      }
      // The values since packedFrom must fill whole groups before an RLE run can begin.
      int pad = (8 - (i - packedFrom) % 8) % 8;
      if (j - i - pad >= 8) {
        packed(values, packedFrom, i + pad, width);
        rle(j - i - pad, v, width);
        packedFrom = j;
      }
      i = j;
    }
    packed(values, packedFrom, n, width);
    return Arrays.copyOf(out, length);
  }

  private void rle(int count, int value, int width) {
    varint((long) count << 1);
    int bytes = (width + 7) / 8;
    ensure(bytes);
    for (int k = 0; k < bytes; k++) {
      out[length++] = (byte) (value >>> (8 * k));
    }
  }

  /** Bit-packs values {@code from} to {@code to}, the last group padded with zeros. */
  private void packed(int[] values, int from, int to, int width) {
    long mask = width == 32 ? 0xffffffffL : (1L << width) - 1;
    while (from < to) {
      int groups = Math.min(63, (to - from + 7) / 8);
      varint(((long) groups << 1) | 1);
      ensure(groups * width);
      long acc = 0;
      int bits = 0;
      int end = from + groups * 8;
      byte[] o = out;
      int p = length;
      for (int k = from; k < end; k++) {
        long v = k < to ? values[k] & mask : 0;
        acc |= v << bits;
        bits += width;
        while (bits >= 8) {
          o[p++] = (byte) acc;
          acc >>>= 8;
          bits -= 8;
        }
      }
      length = p;
      from = end;
    }
  }

  private void varint(long v) {
    ensure(10);
    while ((v & ~0x7fL) != 0) {
      out[length++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out[length++] = (byte) v;
  }

  private void ensure(int more) {
    if (length + more > out.length) {
      out = Arrays.copyOf(out, Math.max(length + more, out.length * 2));
    }
  }
}
