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
  public void manifest_legacyEncodings_decodeToTheReferenceValues() throws IOException {
    int n = 0;
    for (TestData.Entry e : TestData.of("miniSEED2")) {
      if (legacy(e)) {
        checkEntry(e);
        n++;
      }
    }
    assertThat(n, equalTo(4));
  }

  @Test
  public void probe_everyMiniSeedFileYes_everyOtherFormatNo() throws IOException {
    int yes = 0;
    int no = 0;
    for (TestData.Entry e : TestData.all()) {
      byte[] head = new byte[8192];
      int len;
      try (java.io.InputStream in = Files.newInputStream(e.file())) {
        len = Math.max(0, in.readNBytes(head, 0, head.length));
      }
      boolean mseed = e.format().startsWith("miniSEED");
      assertThat(e.toString(), MseedReader.probe(head, len), equalTo(mseed));
      if (mseed) {
        yes++;
      } else {
        no++;
      }
    }
    assertThat(yes, equalTo(71));
    assertThat(no > 40, is(true));
  }

  @Test
  public void probe_tooShortOrControlHeaderVolume() {
    assertThat(MseedReader.probe(new byte[0], 0), is(false));
    byte[] v = "000001V 010009402.3121992,001,00:00:00.0000~".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(MseedReader.probe(v, v.length), is(true));
    v[8] = 'x';
    assertThat(MseedReader.probe(v, v.length), is(false));
  }

  private static String variant(String path) throws IOException {
    java.nio.file.Path f = TestData.entry(path).file();
    try (MseedReader r = MseedReader.open(TestData.open(f), path)) {
      String before = r.variant();
      while (r.next() != null) {}
      assertThat(path, r.variant(), equalTo(before.equals(r.variant()) ? before : r.variant()));
      return r.variant();
    }
  }

  @Test
  public void variant_describesEncodingByteOrderAndRecordLengths() throws IOException {
    assertThat(variant("mseed2/generated/steim2_512_be.mseed"), equalTo("miniSEED2 steim2 big-endian 512-byte records"));
    assertThat(variant("mseed2/obspy/int32_Steim1_littleEndian.mseed"), equalTo("miniSEED2 steim1 little-endian 256-byte records"));
    assertThat(
        variant("mseed2/libmseed/testdata-oneseries-mixedlengths-mixedorder.mseed2"),
        equalTo("miniSEED2 int32 big-endian mixed-length records (7 lengths)"));
    assertThat(variant("mseed3/libmseed/reference-testdata-steim2.mseed3"), equalTo("miniSEED3 steim2 variable-length records"));
    java.nio.file.Path f = TestData.entry("mseed2/obspy/fullseed.mseed").file();
    try (MseedReader r = MseedReader.open(TestData.open(f), "x")) {
      assertThat(r.variant(), equalTo("miniSEED2 steim2 big-endian 4096-byte records"));
      assertThat(r.next().offset(), equalTo(r.next().offset() - 4096));
    }
  }

  @Test
  public void headers_v2RecordCarriesFixedHeaderAndBlocketteFields() throws IOException {
    SeismicTrace t =
        readAll(TestData.entry("mseed2/libmseed/testdata-unapplied-timecorrection.mseed2").file()).get(0);
    assertThat(t.header("time_correction"), equalTo("10000"));
    assertThat(t.header("activity_flags"), equalTo("0"));
    assertThat(t.header("btime"), equalTo("2003,149,02:13:22.0434"));
    assertThat(t.header("sample_rate_factor"), equalTo("32760"));
    assertThat(t.header("sample_rate_multiplier"), equalTo("-819"));
    assertThat(t.header("quality"), equalTo("R"));
    assertThat(t.header("record_length"), equalTo("4096"));
    assertThat(t.header("byte_order"), equalTo("big-endian"));
    assertThat(t.header("format_version"), equalTo("2"));
    assertThat(t.header("encoding_format"), equalTo("11"));
    assertThat(t.header("blockettes"), equalTo("1000,100"));
    assertThat(t.header("actual_sample_rate"), equalTo("40.0"));
    assertThat(t.startTimeNanos(), equalTo(isoNanos("2003-05-29T02:13:23.0434Z")));
    assertThat(t.network() + "." + t.station() + "." + t.location() + "." + t.channel(), equalTo("XX.TEST.00.BHZ"));
  }

  @Test
  public void headers_v3RecordCarriesSidExtraHeadersAndCrc() throws IOException {
    SeismicTrace t =
        readAll(TestData.entry("mseed3/libmseed/reference-testdata-headeronly.mseed3").file()).get(0);
    assertThat(t.header("sid"), equalTo("FDSN:XX_TEST__S_O_H"));
    assertThat(t.channel(), equalTo("SOH"));
    assertThat(t.location(), equalTo(""));
    assertThat(t.header("extra_headers").length(), equalTo(730));
    assertThat(t.header("extra_headers"), org.hamcrest.Matchers.startsWith("{\"FDSN\":{\"Time\""));
    assertThat(t.header("crc"), equalTo(String.format("%08x", 3257037737L)));
    assertThat(t.header("publication_version"), equalTo("1"));
    assertThat(t.sampleCount(), equalTo(0));
  }

  @Test
  public void sidToNslc_fdsnAndOtherSchemes() {
    assertThat(String.join("|", MseedReader.sidToNslc("FDSN:IU_COLA_00_L_H_Z")), equalTo("IU|COLA|00|LHZ"));
    assertThat(String.join("|", MseedReader.sidToNslc("FDSN:XX_TEST__VMS")), equalTo("XX|TEST||VMS"));
    assertThat(MseedReader.sidToNslc("XFDSN:IU_COLA"), org.hamcrest.Matchers.nullValue());
  }
}
