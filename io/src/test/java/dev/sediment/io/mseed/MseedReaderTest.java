package dev.sediment.io.mseed;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.sediment.io.seismic.SeismicError;
import dev.sediment.io.seismic.SeismicFormatException;
import dev.sediment.io.seismic.SeismicTrace;
import dev.sediment.io.seismic.TestData;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.Test;

public class MseedReaderTest {

  static boolean legacy(TestData.Entry e) {
    return e.path().matches(".*(GEOSCOPE16_4|SRO|CDSN|DWWSSN)_encoding\\.mseed");
  }

  static List<SeismicTrace> readAll(java.nio.file.Path f) throws IOException {
    List<SeismicTrace> out = new ArrayList<>();
    try (MseedReader r = MseedReader.open(TestData.open(f), f.toString())) {
      for (SeismicTrace t; (t = r.next()) != null; ) {
        out.add(t);
      }
    }
    return out;
  }

  static long isoNanos(String iso) {
    Instant i = Instant.parse(iso);
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private void checkEntry(TestData.Entry e) throws IOException {
    List<SeismicTrace> traces = readAll(e.file());
    assertThat(e + " records", (long) traces.size(), equalTo(e.tracesOrRecords()));
    TestData.Samples s = new TestData.Samples();
    long earliest = Long.MAX_VALUE;
    Set<Double> rates = new TreeSet<>();
    for (int i = 0; i < traces.size(); i++) {
      SeismicTrace t = traces.get(i);
      assertThat(e + " index", t.index(), equalTo((long) i));
      s.add(t.samples());
      earliest = Math.min(earliest, t.startTimeNanos());
      rates.add(t.sampleRateHz());
    }
    s.assertMatches(e);
    if (!e.get("start_time").equals("NA")) {
      assertThat(e + " start", earliest, equalTo(isoNanos(e.get("start_time"))));
    }
    String[] refRates = e.get("sample_rate_hz").split(";");
    assertThat(e + " rates " + rates, rates.size(), equalTo(refRates.length));
    int k = 0;
    for (double r : rates) {
      double ref = Double.parseDouble(refRates[k++]);
      assertThat(e + " rate", r, closeTo(ref, 1e-9 * Math.max(1, ref)));
    }
    String notes = e.get("notes");
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("contiguous segments (\\d+)").matcher(notes);
    assertTrue(m.find());
    assertThat(e + " segments", MseedSegments.countContiguous(traces), equalTo(Integer.parseInt(m.group(1))));
    m = java.util.regex.Pattern.compile("channels \\d+ \\(([^)]*)\\)").matcher(notes);
    assertTrue(m.find());
    Set<String> ids = new TreeSet<>();
    for (SeismicTrace t : traces) {
      ids.add(
          (t.format().label().equals("miniSEED3") ? t.header("sid")
              : t.network() + "_" + t.station() + "_" + t.location() + "_" + t.channel()));
    }
    assertThat(e + " channels", String.join(",", ids), equalTo(m.group(1)));
  }

  @Test
  public void manifest_miniSeed2_everyFileMatchesReferenceValues() throws IOException {
    int n = 0;
    for (TestData.Entry e : TestData.of("miniSEED2")) {
      if (legacy(e)) {
        continue;
      }
      checkEntry(e);
      n++;
    }
    assertThat(n, equalTo(54));
  }

  @Test
  public void manifest_miniSeed3_everyFileMatchesReferenceValues() throws IOException {
    int n = 0;
    for (TestData.Entry e : TestData.of("miniSEED3")) {
      checkEntry(e);
      n++;
    }
    assertThat(n, equalTo(13));
  }

  @Test
  public void manifest_legacyEncodings_failUnsupportedAtFirstRecord() throws IOException {
    int n = 0;
    for (TestData.Entry e : TestData.of("miniSEED2")) {
      if (!legacy(e)) {
        continue;
      }
      n++;
      try {
        readAll(e.file());
        fail(e + " should fail");
      } catch (SeismicFormatException x) {
        assertThat(e + " " + x.getMessage(), x.error(), is(SeismicError.UNSUPPORTED));
        assertThat(x.offset(), equalTo(0L));
      }
    }
    assertThat(n, equalTo(4));
  }
}
