package dev.sediment.io.table;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/**
 * The quote count and ASCII flag {@link BoundedLineReader} takes while it looks for line ends
 * (also for a line split by a buffer refill), and {@link CsvRecordReader} records whose bytes are
 * the line reader's own line (one-line records) or its joined buffer (multi-line records, an
 * unclosed quote read again): each record's bytes stay right while the reader moves on.
 */
public class LineScanTest {

  /** Hands out at most {@code chunk} bytes per read, so lines straddle the refills. */
  private static InputStream trickle(byte[] bytes, int chunk) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
  }

  @Test
  public void quotesAndAsciiOfEachLine() throws Exception {
    String text = "a,\"b\",c\r\n\"\"\"x\"\r\né,\"\n\n\"\"\"\"\"\rplain";
    int[] expectedQuotes = {2, 4, 1, 0, 5, 0};
    boolean[] expectedAscii = {true, true, false, true, true, true};
    for (int chunk : new int[] {1, 2, 3, 7, 1 << 16}) {
      BoundedLineReader r =
          new BoundedLineReader(trickle(text.getBytes(StandardCharsets.UTF_8), chunk), 100);
      for (int i = 0; i < expectedQuotes.length; i++) {
        BoundedLineReader.Line l = r.next();
        assertEquals("line " + i + " at chunk " + chunk, expectedQuotes[i], l.quotes);
        assertEquals("line " + i + " at chunk " + chunk, expectedAscii[i], l.ascii);
      }
      assertNull(r.next());
    }
  }

  @Test
  public void aLineAcrossTheBufferRefillCountsAllItsQuotes() throws Exception {
    // The 64 KiB buffer ends inside the second line: its quotes come from both fills.
    StringBuilder sb = new StringBuilder();
    sb.append("x".repeat((1 << 16) - 10)).append('\n');
    sb.append("\"q\",\"r\",\"s\",\"ü\"\n");
    BoundedLineReader r =
        new BoundedLineReader(
            new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)), 1 << 20);
    BoundedLineReader.Line first = r.next();
    assertEquals(0, first.quotes);
    assertTrue(first.ascii);
    BoundedLineReader.Line second = r.next();
    assertEquals(8, second.quotes);
    assertFalse(second.ascii);
    assertEquals("\"q\",\"r\",\"s\",\"ü\"", new String(second.bytes, 0, second.length, StandardCharsets.UTF_8));
  }

  @Test
  public void zeroBytesMarksExactlyTheZeroBytes() {
    java.util.Random r = new java.util.Random(5);
    for (int round = 0; round < 20_000; round++) {
      byte[] b = new byte[8];
      for (int k = 0; k < 8; k++) {
        int pick = r.nextInt(5);
        b[k] = (byte) (pick == 0 ? 0 : pick == 1 ? 1 : pick == 2 ? 0x80 : pick == 3 ? 0xFF : r.nextInt(256));
      }
      long v = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
      long expected = 0;
      for (int k = 0; k < 8; k++) {
        if (b[k] == 0) {
          expected |= 0x80L << (8 * k);
        }
      }
      assertEquals(Long.toHexString(v), expected, BoundedLineReader.zeroBytes(v));
    }
  }

  @Test
  public void randomLinesOfEveryLengthAsAByteByByteScan() throws Exception {
    // Lines of 0 to 40 bytes over quotes, line ends, ASCII and non-ASCII bytes, read with the
    // eight-byte scan (whole buffer) and across refills: quotes and ASCII-ness of each line.
    java.util.Random r = new java.util.Random(11);
    byte[] alphabet = {'a', ',', '"', '\n', '\r', (byte) 0xC3, (byte) 0xA9, 0x7F, 0, (byte) 0x80, 'Z'};
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < 20_000; i++) {
      int len = r.nextInt(41);
      for (int k = 0; k < len; k++) {
        out.write(r.nextInt(3) == 0 ? alphabet[r.nextInt(alphabet.length)] : 'a' + r.nextInt(26));
      }
    }
    byte[] bytes = out.toByteArray();
    // The expected lines, by a byte-by-byte scan of the same rules (\n, \r\n, lone \r).
    List<int[]> expected = new ArrayList<>(); // {length, quotes, ascii}
    int p = 0;
    while (p < bytes.length) {
      int q = p;
      int quotes = 0;
      boolean ascii = true;
      while (q < bytes.length && bytes[q] != '\n' && bytes[q] != '\r') {
        quotes += bytes[q] == '"' ? 1 : 0;
        ascii &= bytes[q] >= 0;
        q++;
      }
      expected.add(new int[] {q - p, quotes, ascii ? 1 : 0});
      if (q < bytes.length && bytes[q] == '\r' && q + 1 < bytes.length && bytes[q + 1] == '\n') {
        q++;
      }
      p = q + 1;
    }
    for (int chunk : new int[] {1 << 16, 13, 4096}) {
      BoundedLineReader reader = new BoundedLineReader(trickle(bytes, chunk), 1 << 20);
      for (int i = 0; i < expected.size(); i++) {
        BoundedLineReader.Line l = reader.next();
        int[] e = expected.get(i);
        String where = "line " + i + " at chunk " + chunk;
        assertEquals(where, e[0], l.length);
        assertEquals(where, e[1], l.quotes);
        assertEquals(where, e[2] == 1, l.ascii);
      }
      assertNull(reader.next());
    }
  }

  private static List<String> records(String csv, int chunk) throws Exception {
    List<String> out = new ArrayList<>();
    try (CsvRecordReader rr =
        new CsvRecordReader(
            trickle(csv.getBytes(StandardCharsets.UTF_8), chunk), 0, 0, Long.MAX_VALUE, 1000)) {
      while (rr.next()) {
        String bytes = new String(rr.data, 0, rr.length, StandardCharsets.UTF_8);
        out.add(
            rr.number
                + (rr.header ? "H" : "")
                + (rr.problem != null ? "!" + rr.problem.type() : "")
                + (rr.hasQuotes ? "q" : "")
                + ":"
                + (rr.problem != null ? rr.text() : bytes));
      }
    }
    return out;
  }

  @Test
  public void recordBytesOfOneLineAndManyLineRecords() throws Exception {
    String csv =
        "\uFEFFa,b\n"
            + "1,2\n"
            + "\"multi\nline\",3\r\n"
            + "4,5\n"
            + "\"open,6\n"
            + "7,8\n"
            + "\n"
            + "9,\"x\"\"y\"";
    List<String> expected =
        List.of(
            "1H:a,b",
            "2:1,2",
            "3q:\"multi\nline\",3",
            "5:4,5",
            "6!MALFORMED_RECORDq:\"open,6",
            "7:7,8",
            "9q:9,\"x\"\"y\"");
    for (int chunk : new int[] {1, 5, 1 << 16}) {
      assertEquals("chunk " + chunk, expected, records(csv, chunk));
    }
  }
}
