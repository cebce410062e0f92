package dev.sediment.io.seismic;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;

/** {@code inspect} on every file of {@code ../shared/testdata} against its MANIFEST row. */
@RunWith(Parameterized.class)
public class SeismicInspectorTest {
  private static final Pattern SEGMENTS = Pattern.compile("contiguous segments (\\d+)");

  @Parameterized.Parameters(name = "{0}")
  public static Collection<Object[]> files() throws Exception {
    List<Object[]> out = new ArrayList<>();
    for (TestData.Entry e : TestData.all()) {
      out.add(new Object[] {e});
    }
    return out;
  }

  private final TestData.Entry e;

  public SeismicInspectorTest(TestData.Entry e) {
    this.e = e;
  }

  @Test
  public void inspect_agreesWithManifest() throws Exception {
    SeismicInspector.Summary s;
    try (SeekableByteChannel ch = TestData.open(e.file())) {
      s = SeismicInspector.inspect(ch, e.path());
    }
    assertThat(s.format.label(), equalTo(e.format()));
    long traces = e.tracesOrRecords();
    if (e.format().startsWith("miniSEED")) {
      Matcher m = SEGMENTS.matcher(e.get("notes"));
      assertThat(e.get("notes"), m.find(), equalTo(true));
      traces = Long.parseLong(m.group(1));
    }
    assertThat("traces", s.traces, equalTo(traces));
    assertThat("samples", s.samples, equalTo(e.samplesTotal()));
    String rates = e.get("sample_rate_hz");
    if (rates.equals("NA")) {
      assertThat(s.sampleRatesHz.isEmpty(), equalTo(true));
    } else {
      List<Double> want = new ArrayList<>();
      for (String r : rates.split(";")) {
        want.add(Double.parseDouble(r));
      }
      assertThat("rates " + s.sampleRatesHz, s.sampleRatesHz.size(), equalTo(want.size()));
      int i = 0;
      for (double got : s.sampleRatesHz) {
        assertThat(got, closeTo(want.get(i), 1e-6 * want.get(i)));
        i++;
      }
    }
    String start = e.get("start_time");
    if (start.equals("NA")) {
      assertThat(s.startTimeNanos, nullValue());
    } else {
      Instant want = Instant.parse(start);
      long wantNanos = want.getEpochSecond() * 1_000_000_000L + want.getNano();
      long tolerance = e.format().equals("SAC") ? 1_000_000L : 0L;
      assertThat(Math.abs(s.startTimeNanos - wantNanos), lessThanOrEqualTo(tolerance));
      assertThat(s.endTimeNanos >= s.startTimeNanos, equalTo(true));
    }
    if (e.samplesTotal() > 0) {
      double refMin = Double.parseDouble(e.get("ref_min"));
      double refMax = Double.parseDouble(e.get("ref_max"));
      double refSum = Double.parseDouble(e.get("ref_sum"));
      assertThat("min", s.min, closeTo(refMin, 1e-5 * Math.abs(refMin)));
      assertThat("max", s.max, closeTo(refMax, 1e-5 * Math.abs(refMax)));
      assertThat(
          "sum",
          s.sum(),
          closeTo(refSum, 1e-5 * Math.abs(refSum) + 1e-6 * Math.max(Math.abs(refMin), Math.abs(refMax))));
    }
    JsonNode json = new ObjectMapper().readTree(s.toJson());
    List<String> fields = new ArrayList<>();
    json.fieldNames().forEachRemaining(fields::add);
    assertThat(
        fields,
        equalTo(
            List.of(
                "file", "format", "variant", "traces", "samples", "sample_rate_hz", "start_time",
                "end_time", "min", "max", "sum")));
    assertThat(json.get("samples").asLong(), equalTo(e.samplesTotal()));
    assertThat(json.get("format").asText(), equalTo(e.format()));
  }
}
