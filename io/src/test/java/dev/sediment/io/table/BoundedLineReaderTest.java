package dev.sediment.io.table;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

public class BoundedLineReaderTest {

  private static String text(BoundedLineReader.Line l) {
    return new String(l.bytes, 0, l.length, StandardCharsets.UTF_8);
  }

  @Test
  public void next_numbersAndOffsets() throws Exception {
    BoundedLineReader r =
        new BoundedLineReader(
            new ByteArrayInputStream("ab\r\n\ncd".getBytes(StandardCharsets.UTF_8)), 100);
    BoundedLineReader.Line a = r.next();
    assertThat(text(a) + "|" + a.number + "|" + a.offset, equalTo("ab|1|0"));
    BoundedLineReader.Line b = r.next();
    assertThat(text(b) + "|" + b.number + "|" + b.offset, equalTo("|2|4"));
    BoundedLineReader.Line c = r.next();
    assertThat(text(c) + "|" + c.number + "|" + c.offset, equalTo("cd|3|5"));
    assertThat(r.next(), nullValue());
  }

  @Test
  public void next_endlessLine_boundedAndTerminates() throws Exception {
    // 64 MiB without a line break, produced on the fly: memory stays at the limit.
    long size = 64L << 20;
    InputStream endless =
        new InputStream() {
          long left = size;

          @Override
          public int read() {
            return left-- > 0 ? 'x' : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (left <= 0) {
              return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 'x');
            left -= n;
            return n;
          }
        };
    BoundedLineReader r = new BoundedLineReader(endless, 1024);
    BoundedLineReader.Line l = r.next();
    assertThat(l.truncated(), equalTo(true));
    assertThat(l.length, equalTo(1024));
    assertThat(l.bytes.length <= 1024, equalTo(true));
    assertThat(r.next(), nullValue());
    assertThat(r.position(), equalTo(size));
  }

  private static String describe(BoundedLineReader r) throws Exception {
    StringBuilder sb = new StringBuilder();
    BoundedLineReader.Line l;
    while ((l = r.next()) != null) {
      sb.append(text(l))
          .append('|')
          .append(l.number)
          .append('|')
          .append(l.offset)
          .append('|')
          .append(l.terminator.replace("\r", "CR").replace("\n", "LF"))
          .append(';');
    }
    return sb.toString();
  }

  private static BoundedLineReader reader(String s) {
    return new BoundedLineReader(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), 100);
  }

  @Test
  public void next_crOnlyLineEnds_splitLikeLf() throws Exception {
    assertThat(describe(reader("a,b\r1,2\r3,4\r")), equalTo("a,b|1|0|CR;1,2|2|4|CR;3,4|3|8|CR;"));
  }

  @Test
  public void next_mixedLineEnds_eachOneLineEnd() throws Exception {
    // \r\n is one end; \n\r is two (an LF line, then a CR line); \r\r is an empty line.
    assertThat(
        describe(reader("a\r\nb\n\rc\r\rd")),
        equalTo("a|1|0|CRLF;b|2|3|LF;|3|5|CR;c|4|6|CR;|5|8|CR;d|6|9|;"));
  }

  @Test
  public void next_crLfSplitByBufferBoundary_isOneLineEnd() throws Exception {
    // The internal buffer is 64 KiB: put the \r last in it and the \n first in the next read.
    String first = "x".repeat((1 << 16) - 1);
    BoundedLineReader r =
        new BoundedLineReader(
            new ByteArrayInputStream((first + "\r\ny\r").getBytes(StandardCharsets.UTF_8)),
            1 << 20);
    BoundedLineReader.Line a = r.next();
    assertThat(a.length + "|" + a.terminator, equalTo(((1 << 16) - 1) + "|\r\n"));
    BoundedLineReader.Line b = r.next();
    assertThat(text(b) + "|" + b.number + "|" + b.offset + "|" + b.terminator,
        equalTo("y|2|" + ((1 << 16) + 1) + "|\r"));
    assertThat(r.next(), nullValue());
    assertThat(r.position(), equalTo((1L << 16) + 3));
  }

  @Test
  public void next_crAtEndOfBufferThenEof_isOneLine() throws Exception {
    String first = "x".repeat((1 << 16) - 1);
    BoundedLineReader r =
        new BoundedLineReader(
            new ByteArrayInputStream((first + "\r").getBytes(StandardCharsets.UTF_8)), 1 << 20);
    assertThat(r.next().terminator, equalTo("\r"));
    assertThat(r.next(), nullValue());
    assertThat(r.linesRead(), equalTo(1L));
  }

  @Test
  public void next_truncatedCrOnlyLine_restSkippedAndNextLineWhole() throws Exception {
    BoundedLineReader r =
        new BoundedLineReader(
            new ByteArrayInputStream(("x".repeat(50) + "\rok\r").getBytes(StandardCharsets.UTF_8)),
            10);
    BoundedLineReader.Line a = r.next();
    assertThat(a.truncated() + "|" + a.length, equalTo("true|10"));
    BoundedLineReader.Line b = r.next();
    assertThat(text(b) + "|" + b.number + "|" + b.offset, equalTo("ok|2|51"));
  }
}
