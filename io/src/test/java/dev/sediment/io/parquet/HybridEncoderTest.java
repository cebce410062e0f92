package dev.sediment.io.parquet;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.io.ByteArrayInputStream;
import java.util.Random;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.junit.Test;

/** {@link HybridEncoder} decoded by parquet-java's {@code RunLengthBitPackingHybridDecoder}. */
public class HybridEncoderTest {
  private static int[] decode(byte[] encoded, int n, int width) throws Exception {
    RunLengthBitPackingHybridDecoder d =
        new RunLengthBitPackingHybridDecoder(width, new ByteArrayInputStream(encoded));
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = d.readInt();
    }
    return out;
  }

  @Test
  public void randomRunsAndLiterals_ofEveryWidth_decodeExactly() throws Exception {
    Random r = new Random(42);
    HybridEncoder e = new HybridEncoder();
    for (int width = 0; width <= 32; width++) {
      long bound = 1L << width;
      for (int round = 0; round < 20; round++) {
        int n = round == 0 ? 1 : r.nextInt(round < 10 ? 40 : 3000) + 1;
        int[] values = new int[n];
        for (int i = 0; i < n; ) {
          // Runs of 1 to 30 equal values, some at the extremes of the width.
          int run = Math.min(n - i, 1 + r.nextInt(r.nextBoolean() ? 2 : 30));
          long pick = r.nextInt(4) == 0 ? bound - 1 : (long) (r.nextDouble() * bound);
          for (int k = 0; k < run; k++) {
            values[i++] = (int) pick;
          }
        }
        byte[] encoded = e.encode(values, n, width);
        assertArrayEquals("width " + width + " n " + n, values, decode(encoded, n, width));
      }
    }
  }

  @Test
  public void longRun_isOneRleRun_andLiteralsAreBitPacked() throws Exception {
    HybridEncoder e = new HybridEncoder();
    int[] ones = new int[20_000];
    java.util.Arrays.fill(ones, 1);
    // Header varint(20000 << 1) = 3 bytes, then the value in one byte.
    assertArrayEquals(new byte[] {(byte) 0xc0, (byte) 0xb8, 0x02, 1}, e.encode(ones, 20_000, 1));
    // 0,1,0,1,... : one bit-packed run of 2 groups (header 0b101), 0xaa per 8 values.
    int[] alternating = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
    assertArrayEquals(new byte[] {5, (byte) 0xaa, (byte) 0xaa}, e.encode(alternating, 16, 1));
    // 3 literals, then 13 sevens: the run starts after 5 of them fill the first group.
    int[] mixed = {1, 2, 3, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
    byte[] b = e.encode(mixed, 16, 3);
    assertEquals(1 + 3 + 1 + 1, b.length);
    assertArrayEquals(mixed, decode(b, 16, 3));
  }
}
