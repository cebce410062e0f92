package dev.sediment.io.segy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.sediment.io.seismic.SeismicTrace;
import dev.sediment.io.seismic.TestData;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

/** Every SEG-Y row of the MANIFEST read whole and in byte ranges, against its reference values. */
@RunWith(Parameterized.class)
public class SegyManifestTest {

  @Parameters(name = "{0}")
  public static Collection<Object[]> rows() throws IOException {
    List<Object[]> out = new ArrayList<>();
    for (TestData.Entry e : TestData.of("SEG-Y")) {
      out.add(new Object[] {e});
    }
    return out;
  }

  private final TestData.Entry entry;

  public SegyManifestTest(TestData.Entry entry) {
    this.entry = entry;
  }

  @Test
  public void read_wholeFile_matchesCountsRateStartTimeAndSamples() throws IOException {
    TestData.Samples samples = new TestData.Samples();
    long traces = 0;
    SeismicTrace first = null;
    try (SegyReader r = SegyReader.open(TestData.open(entry.file()), entry.path())) {
      for (SeismicTrace t = r.next(); t != null; t = r.next()) {
        assertThat(entry + " index", t.index(), equalTo(traces));
        if (first == null) {
          first = t;
        }
        double rate = Double.parseDouble(entry.get("sample_rate_hz"));
        assertThat(entry + " rate of trace " + traces, t.sampleRateHz(), closeTo(rate, 1e-9 * rate));
        samples.add(t.samples());
        traces++;
      }
      if (r.fixedLength()) {
        assertThat(entry + " traceCount", r.traceCount(), equalTo(traces));
      }
    }
    assertThat(entry + " traces", traces, equalTo(entry.tracesOrRecords()));
    samples.assertMatches(entry);
    String start = entry.get("start_time");
    if (start.equals("NA")) {
      assertThat(entry + " start time", first.startTimeNanos(), nullValue());
    } else {
      Instant i = Instant.parse(start);
      assertThat(
          entry + " start time",
          first.startTimeNanos(),
          equalTo(i.getEpochSecond() * 1_000_000_000L + i.getNano()));
    }
  }

  @Test
  public void read_consecutiveRanges_returnEveryTraceOnceWithTrueIndex() throws IOException {
    long size = java.nio.file.Files.size(entry.file());
    for (long split : new long[] {1, 700, 3601, 4096, 10_000}) {
      TestData.Samples samples = new TestData.Samples();
      long expectedIndex = 0;
      for (long start = 0; start < size; start += split) {
        try (SeekableByteChannel ch = TestData.open(entry.file());
            SegyReader r = SegyReader.open(ch, entry.path(), start, Math.min(size, start + split))) {
          for (SeismicTrace t = r.next(); t != null; t = r.next()) {
            assertThat(entry + " split " + split + " index", t.index(), equalTo(expectedIndex));
            assertThat(t.offset() >= start && t.offset() < start + split, equalTo(true));
            samples.add(t.samples());
            expectedIndex++;
          }
        }
        if (split == 1 && start > 8_000) {
          start = size; // one-byte ranges over the headers and first traces are enough
        }
      }
      if (split != 1) {
        assertThat(entry + " traces with split " + split, expectedIndex, equalTo(entry.tracesOrRecords()));
        samples.assertMatches(entry);
      }
    }
  }
}
