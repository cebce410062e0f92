package dev.sediment.io.seismic;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertThrows;

import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;

/**
 * {@link TraceReader#next(SampleBuffer)} against {@link TraceReader#next()} on every file of
 * {@code ../shared/testdata}: the same traces, fields, headers and sample bits, with one buffer
 * reused across the whole file (so traces of different lengths follow each other in it).
 */
@RunWith(Parameterized.class)
public class SampleBufferReadTest {
  @Parameterized.Parameters(name = "{0}")
  public static Collection<Object[]> files() throws Exception {
    List<Object[]> out = new ArrayList<>();
    for (TestData.Entry e : TestData.all()) {
      out.add(new Object[] {e});
    }
    return out;
  }

  private final TestData.Entry e;

  public SampleBufferReadTest(TestData.Entry e) {
    this.e = e;
  }

  @Test
  public void bufferedRead_equalsFreshArrays() throws Exception {
    SampleBuffer buffer = new SampleBuffer();
    long traces = 0;
    long samples = 0;
    try (SeekableByteChannel a = TestData.open(e.file());
        SeekableByteChannel b = TestData.open(e.file());
        TraceReader fresh = SeismicFiles.open(SeismicFiles.detect(a, e.path()), a, e.path());
        TraceReader reused = SeismicFiles.open(SeismicFiles.detect(b, e.path()), b, e.path())) {
      assertThat(reused.variant(), equalTo(fresh.variant()));
      while (true) {
        SeismicTrace x = fresh.next();
        SeismicTrace y = reused.next(buffer);
        if (x == null) {
          assertThat(y, nullValue());
          break;
        }
        String at = e.path() + " trace " + traces;
        assertThat(at, y.samplesInBuffer(), equalTo(true));
        assertThat(at, y.sampleCount(), equalTo(x.sampleCount()));
        assertThat(at, buffer.count(), equalTo(x.sampleCount()));
        assertThat(
            at,
            Arrays.equals(x.samples(), 0, x.sampleCount(), buffer.values(), 0, buffer.count()),
            equalTo(true));
        assertThat(at, y.index(), equalTo(x.index()));
        assertThat(at, y.offset(), equalTo(x.offset()));
        assertThat(at, y.startTimeNanos(), equalTo(x.startTimeNanos()));
        assertThat(at, y.sampleRateHz(), equalTo(x.sampleRateHz()));
        assertThat(at, y.encoding(), equalTo(x.encoding()));
        assertThat(at, y.channel(), equalTo(x.channel()));
        assertThat(at, y.headers(), equalTo(x.headers()));
        assertThrows(IllegalStateException.class, y::samples);
        traces++;
        samples += x.sampleCount();
      }
    }
    assertThat(traces, greaterThan(0L));
    assertThat(samples, equalTo(e.samplesTotal()));
  }
}
