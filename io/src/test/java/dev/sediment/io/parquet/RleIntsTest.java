package dev.sediment.io.parquet;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.junit.Test;

/** {@link RleInts} against parquet-java's RLE / bit-packing hybrid encoder and decoder. */
public class RleIntsTest {

  private static byte[] encode(int width, int[] values) throws IOException {
    RunLengthBitPackingHybridEncoder e =
        new RunLengthBitPackingHybridEncoder(width, 64, 1 << 20, HeapByteBufferAllocator.getInstance());
    for (int v : values) {
      e.writeInt(v);
    }
    return e.toBytes().toByteArray();
  }

  private static int[] parquetJava(int width, byte[] bytes, int count) throws IOException {
    RunLengthBitPackingHybridDecoder d =
        new RunLengthBitPackingHybridDecoder(width, new ByteArrayInputStream(bytes));
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = d.readInt();
    }
    return out;
  }

  /** Values with runs of 1 to 40 equal values and stretches of distinct ones. */
  private static int[] values(Random r, int width, int n) {
    long max = width == 0 ? 0 : (1L << width) - 1;
    int[] v = new int[n];
    int i = 0;
    while (i < n) {
      int run = r.nextInt(4) == 0 ? 1 + r.nextInt(40) : 1;
      int x = (int) (max == 0 ? 0 : (r.nextInt(3) == 0 ? max : (r.nextLong() & max)));
      for (int k = 0; k < run && i < n; k++) {
        v[i++] = x;
      }
    }
    return v;
  }

  @Test
  public void decodesWhatParquetJavaDecodesAtEveryWidth() throws IOException {
    Random r = new Random(13);
    for (int width = 0; width <= 32; width++) {
      for (int round = 0; round < 30; round++) {
        int n = round < 5 ? 1 + round : r.nextInt(3000) + 1;
        int[] v = values(r, width, n);
        byte[] bytes = encode(width, v);
        int[] out = new int[n];
        int end = RleInts.decode(bytes, 0, bytes.length, width, out, n);
        assertArrayEquals("width " + width + " n " + n, parquetJava(width, bytes, n), out);
        assertArrayEquals("width " + width + " n " + n, v, out);
        assertTrue(end <= bytes.length);
      }
    }
  }

  @Test
  public void decodesAtAnOffsetAndAPrefixOfTheValues() throws IOException {
    Random r = new Random(5);
    int[] v = values(r, 7, 1000);
    byte[] enc = encode(7, v);
    byte[] buf = new byte[enc.length + 20];
    System.arraycopy(enc, 0, buf, 11, enc.length);
    int[] out = new int[600];
    RleInts.decode(buf, 11, 11 + enc.length, 7, out, 600);
    assertArrayEquals(Arrays.copyOf(v, 600), out);
  }

  @Test
  public void longRepeatedRunsAndSingleValues() throws IOException {
    // A run of 1000 (RLE), then 3 distinct values (bit-packed, padded to 8), then a run of 9.
    int[] v = new int[1012];
    Arrays.fill(v, 0, 1000, 5);
    v[1000] = 1;
    v[1001] = 2;
    v[1002] = 3;
    Arrays.fill(v, 1003, 1012, 6);
    for (int width : new int[] {3, 8, 17, 32}) {
      byte[] bytes = encode(width, v);
      int[] out = new int[v.length];
      RleInts.decode(bytes, 0, bytes.length, width, out, v.length);
      assertArrayEquals(v, out);
      assertArrayEquals(parquetJava(width, bytes, v.length), out);
    }
  }

  @Test
  public void aBitPackedRunCutShortIsPaddedWithZerosAsParquetJavaDoes() throws IOException {
    // Header 0x03: one group of 8 values of 4 bits (4 bytes), but only 2 bytes are there.
    byte[] bytes = {0x03, 0x21, 0x43};
    int[] out = new int[8];
    RleInts.decode(bytes, 0, bytes.length, 4, out, 8);
    assertArrayEquals(new int[] {1, 2, 3, 4, 0, 0, 0, 0}, out);
    assertArrayEquals(parquetJava(4, bytes, 8), out);
  }

  @Test
  public void aRepeatedValueIsTakenUnmaskedAsParquetJavaDoes() throws IOException {
    // Header 0x06: 3 repeats; width 3 takes one byte, 0xFF, which parquet-java does not mask.
    byte[] bytes = {0x06, (byte) 0xFF};
    int[] out = new int[3];
    RleInts.decode(bytes, 0, bytes.length, 3, out, 3);
    assertArrayEquals(new int[] {255, 255, 255}, out);
    assertArrayEquals(parquetJava(3, bytes, 3), out);
  }

  @Test
  public void multiByteHeaders() throws IOException {
    // 300 repeats: header 600 = varint 0xD8 0x04; value 9 in 2 bytes (width 12).
    byte[] bytes = {(byte) 0xD8, 0x04, 0x09, 0x00};
    int[] out = new int[300];
    RleInts.decode(bytes, 0, bytes.length, 12, out, 300);
    int[] want = new int[300];
    Arrays.fill(want, 9);
    assertArrayEquals(want, out);
  }

  @Test
  public void dataThatEndsEarlyIsAnError() {
    IOException e =
        assertThrows(
            IOException.class, () -> RleInts.decode(new byte[] {0x04, 0x01}, 0, 2, 1, new int[3], 3));
    assertEquals("RLE/bit-packed data ends after 2 of 3 values", e.getMessage());
  }

  @Test
  public void badRunsAndWidthsAreErrors() {
    assertEquals(
        "RLE/bit-packed data has a run of no values",
        assertThrows(
                IOException.class,
                () -> RleInts.decode(new byte[] {0x00, 0x01}, 0, 2, 1, new int[1], 1))
            .getMessage());
    assertEquals(
        "RLE/bit-packed data ends inside a repeated value",
        assertThrows(
                IOException.class,
                () -> RleInts.decode(new byte[] {0x04, 0x01}, 0, 2, 16, new int[1], 1))
            .getMessage());
    assertEquals(
        "RLE/bit-packed data has a cut or oversized run header",
        assertThrows(
                IOException.class,
                () -> RleInts.decode(new byte[] {(byte) 0x80}, 0, 1, 1, new int[1], 1))
            .getMessage());
    assertEquals(
        "RLE/bit-packed data of bit width 33 (0..32)",
        assertThrows(
                IOException.class,
                () -> RleInts.decode(new byte[] {0x02, 0x01}, 0, 2, 33, new int[1], 1))
            .getMessage());
  }
}
