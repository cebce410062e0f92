package dev.sediment.io.mseed;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.fail;

import dev.sediment.io.seismic.SampleEncoding;
import dev.sediment.io.seismic.SeismicFormat;
import dev.sediment.io.seismic.SeismicTrace;
import dev.sediment.io.seismic.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class MseedWriterTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String[] V2_HEADERS = {
    "quality", "activity_flags", "io_flags", "data_quality_flags", "time_correction",
    "record_length", "byte_order", "encoding_format", "sample_count", "btime", "timing_quality",
    "microseconds", "sample_rate_factor", "sample_rate_multiplier", "word_order", "format_version"
  };
  private static final String[] V3_HEADERS = {
    "flags", "publication_version", "sid", "extra_headers", "sample_rate_or_period",
    "sample_count", "encoding_format", "format_version", "byte_order"
  };

  static Path write(Path file, List<SeismicTrace> traces, MseedWriter.Options o) throws IOException {
    try (OutputStream os = Files.newOutputStream(file);
        MseedWriter w = new MseedWriter(os, o)) {
      for (SeismicTrace t : traces) {
        w.write(t);
      }
    }
    return file;
  }

  @Test
  public void roundTrip_everyManifestFile_sameRecordsSamplesTimesAndHeaders() throws IOException {
    int files = 0;
    for (String format : new String[] {"miniSEED2", "miniSEED3"}) {
      for (TestData.Entry e : TestData.of(format)) {
        if (MseedReaderTest.legacy(e)) {
          legacyRoundTrip(e);
          continue;
        }
        files++;
        int version = format.equals("miniSEED2") ? 2 : 3;
        List<SeismicTrace> orig = MseedReaderTest.readAll(e.file());
        Path out =
            write(
                tmp.newFile().toPath(),
                orig,
                MseedWriter.Options.defaults().withFormatVersion(version));
        List<SeismicTrace> back = MseedReaderTest.readAll(out);
        assertThat(e + " records", back.size(), equalTo(orig.size()));
        for (int i = 0; i < orig.size(); i++) {
          SeismicTrace a = orig.get(i);
          SeismicTrace b = back.get(i);
          String what = e + " record " + i;
          assertThat(what, b.network(), equalTo(a.network()));
          assertThat(what, b.station(), equalTo(a.station()));
          assertThat(what, b.location(), equalTo(a.location()));
          assertThat(what, b.channel(), equalTo(a.channel()));
          assertThat(what, b.startTimeNanos(), equalTo(a.startTimeNanos()));
          assertThat(what, b.sampleRateHz(), equalTo(a.sampleRateHz()));
          assertThat(what, b.encoding(), equalTo(a.encoding()));
          assertArrayEquals(what, a.samples(), b.samples(), 0.0);
          for (String h : version == 2 ? V2_HEADERS : V3_HEADERS) {
            if (a.header(h) != null) {
              assertThat(what + " header " + h, b.header(h), equalTo(a.header(h)));
            }
          }
          if (version == 3 && !a.encoding().startsWith("steim")) {
            assertThat(what + " length", b.header("record_length"), equalTo(a.header("record_length")));
          }
        }
      }
    }
    assertThat(files, equalTo(67));
  }

  /** Legacy encodings are written as the type of their values: same samples, times and names. */
  private void legacyRoundTrip(TestData.Entry e) throws IOException {
    List<SeismicTrace> orig = MseedReaderTest.readAll(e.file());
    List<SeismicTrace> back =
        MseedReaderTest.readAll(write(tmp.newFile().toPath(), orig, MseedWriter.Options.defaults()));
    TestData.Samples s = new TestData.Samples();
    for (SeismicTrace b : back) {
      s.add(b.samples());
    }
    s.assertMatches(e);
    assertThat(e + " start", back.get(0).startTimeNanos(), equalTo(orig.get(0).startTimeNanos()));
    assertThat(e + " channel", back.get(0).channel(), equalTo(orig.get(0).channel()));
    assertThat(e + " station", back.get(back.size() - 1).station(), equalTo(orig.get(orig.size() - 1).station()));
  }

  static SeismicTrace synthetic(int n, double rate, long startNanos, String encoding) {
    double[] x = new double[n];
    java.util.Random r = new java.util.Random(n * 31L + encoding.hashCode());
    double v = 0;
    for (int i = 0; i < n; i++) {
      // A random walk with occasional large jumps exercises every Steim packing.
      int kind = r.nextInt(10);
      double step =
          kind < 4 ? r.nextInt(15) - 7 : kind < 7 ? r.nextInt(1000) - 500 : kind < 9 ? r.nextInt(60000) - 30000 : r.nextInt(1 << 24) - (1 << 23);
      v += step;
      if (encoding.equals(SampleEncoding.INT16)) {
        v = Math.max(-32768, Math.min(32767, v));
      }
      x[i] = v;
      if (encoding.equals(SampleEncoding.FLOAT32)) {
        x[i] = (float) (v / 7.0);
      } else if (encoding.equals(SampleEncoding.FLOAT64)) {
        x[i] = v / 7.0;
      } else if (encoding.equals(SampleEncoding.TEXT)) {
        x[i] = 32 + r.nextInt(95);
      }
    }
    return SeismicTrace.builder(SeismicFormat.MSEED2)
        .network("XX")
        .station("SEDI")
        .location("00")
        .channel("HHZ")
        .startTimeNanos(startNanos)
        .sampleRateHz(rate)
        .encoding(encoding)
        .samples(x)
        .build();
  }

  @Test
  public void write_everyEncodingBothOrdersBothVersions_readsBackExactly() throws IOException {
    String[] encs = {
      SampleEncoding.STEIM1, SampleEncoding.STEIM2, SampleEncoding.INT16, SampleEncoding.INT32,
      SampleEncoding.FLOAT32, SampleEncoding.FLOAT64, SampleEncoding.TEXT
    };
    long start = MseedReaderTest.isoNanos("2021-06-15T08:30:00.123456Z");
    for (int version = 2; version <= 3; version++) {
      for (String enc : encs) {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
          for (int reclen : new int[] {128, 512, 4096}) {
            SeismicTrace t = synthetic(3001, 100.0, start, enc);
            MseedWriter.Options o =
                MseedWriter.Options.defaults()
                    .withFormatVersion(version)
                    .withEncoding(enc)
                    .withRecordLength(reclen)
                    .withByteOrder(order);
            List<SeismicTrace> back = MseedReaderTest.readAll(write(tmp.newFile().toPath(), List.of(t), o));
            List<Double> all = new ArrayList<>();
            long expectedStart = start;
            int count = 0;
            for (SeismicTrace b : back) {
              String what = "v" + version + " " + enc + " " + order + " " + reclen + " record " + b.index();
              assertThat(what, b.startTimeNanos(), equalTo(start + Math.round(count * 1e9 / 100.0)));
              assertThat(what, b.encoding(), equalTo(enc));
              if (version == 2) {
                assertThat(what, b.header("record_length"), equalTo(Integer.toString(reclen)));
                assertThat(what, b.header("sequence_number"), equalTo(String.format("%06d", b.index() + 1)));
              } else {
                assertThat(what, Integer.parseInt(b.header("record_length")) <= reclen, equalTo(true));
              }
              for (double d : b.samples()) {
                all.add(d);
              }
              count += b.sampleCount();
            }
            double[] got = all.stream().mapToDouble(Double::doubleValue).toArray();
            assertArrayEquals(enc + " " + order + " " + reclen, t.samples(), got, 0.0);
          }
        }
      }
    }
  }

  @Test
  public void steim2_densePacking_fillsA512ByteRecordWithSmallDifferences() throws IOException {
    double[] x = new double[1000];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 2; // differences of +-1: seven per word
    }
    SeismicTrace t = synthetic(1, 1.0, 0, SampleEncoding.STEIM2).toBuilder().samples(x).build();
    List<SeismicTrace> back =
        MseedReaderTest.readAll(
            write(
                tmp.newFile().toPath(),
                List.of(t),
                MseedWriter.Options.defaults().withEncoding(SampleEncoding.STEIM2).withRecordLength(512)));
    // 7 frames of data after a 64-byte header: 13 + 6 * 15 = 103 words of 7 differences.
    assertThat(back.get(0).sampleCount(), equalTo(103 * 7));
  }

  @Test
  public void write_sampleOutsideInt16_isRejectedNamingTheSample() throws IOException {
    SeismicTrace t =
        synthetic(3, 1.0, 0, SampleEncoding.INT16).toBuilder().samples(new double[] {1, 40000, 2}).build();
    try {
      write(tmp.newFile().toPath(), List.of(t), MseedWriter.Options.defaults().withEncoding(SampleEncoding.INT16));
      fail();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage(), containsString("sample 1 = 40000.0"));
    }
  }

  @Test
  public void write_steim2DifferenceBeyond30Bits_isRejected() throws IOException {
    SeismicTrace t =
        synthetic(3, 1.0, 0, SampleEncoding.STEIM2)
            .toBuilder()
            .samples(new double[] {0, 1 << 29, 0})
            .build();
    try {
      write(tmp.newFile().toPath(), List.of(t), MseedWriter.Options.defaults().withEncoding(SampleEncoding.STEIM2));
      fail();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage(), containsString("difference 536870912 at sample 1"));
    }
  }

  @Test
  public void factorMultiplier_oddRates_giveTheRateOrBlockette100() throws IOException {
    for (double rate : new double[] {40, 0.1, 1.0 / 3, 2.5, 1080, 0.05, 123.456}) {
      SeismicTrace t = synthetic(200, rate, 0, SampleEncoding.STEIM1);
      List<SeismicTrace> back =
          MseedReaderTest.readAll(write(tmp.newFile().toPath(), List.of(t), MseedWriter.Options.defaults()));
      short[] fm = MseedWriter.factorMultiplier(rate);
      double nominal = MseedReader.nominalRate(fm[0], fm[1]);
      assertThat("rate " + rate, Math.abs(nominal - rate) <= 1e-6 * rate, equalTo(true));
      assertThat("rate " + rate, back.get(0).sampleRateHz(), equalTo(nominal));
      if (nominal != rate) {
        assertThat("rate " + rate, Double.parseDouble(back.get(0).header("actual_sample_rate")), equalTo((double) (float) rate));
      }
    }
  }
}
