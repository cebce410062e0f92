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
}
