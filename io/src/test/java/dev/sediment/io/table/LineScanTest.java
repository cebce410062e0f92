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
