package dev.sediment.io.sac;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;

import dev.sediment.io.seismic.SampleEncoding;
import dev.sediment.io.seismic.SeismicError;
import dev.sediment.io.seismic.SeismicFormatException;
import dev.sediment.io.seismic.SeismicTrace;
import dev.sediment.io.seismic.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SacReaderTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  static SeismicTrace readOne(Path f) throws IOException {
    try (SeekableByteChannel ch = TestData.open(f);
        SacReader r = SacReader.open(ch, f.toString())) {
      SeismicTrace t = r.next();
      assertThat(r.next(), nullValue());
      return t;
    }
  }

  static long parseStart(String iso) {
    Instant i = Instant.parse(iso);
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  @Test
  public void everyManifestSacFile_matchesReferenceValues() throws IOException {
    List<TestData.Entry> rows = TestData.of("SAC");
    assertThat(rows.size(), equalTo(16));
    for (TestData.Entry e : rows) {
      SeismicTrace t = readOne(e.file());
      assertThat(e + " traces", 1L, equalTo(e.tracesOrRecords()));
      TestData.Samples s = new TestData.Samples();
      s.add(t.samples());
      s.assertMatches(e);
      String rate = e.get("sample_rate_hz");
      if (rate.equals("NA")) {
        assertThat(e + " rate", Double.isNaN(t.sampleRateHz()), is(true));
      } else {
        assertThat(e + " rate", t.sampleRateHz(), equalTo(Double.parseDouble(rate)));
      }
      String start = e.get("start_time");
      if (start.equals("NA")) {
        assertThat(e + " start", t.startTimeNanos(), nullValue());
      } else {
        assertThat(e + " start", (double) t.startTimeNanos(), closeTo(parseStart(start), 1e6));
        assertThat(e + " start to the us", t.startTimeNanos(), equalTo(parseStart(start)));
      }
      boolean text = e.get("variant").startsWith("alphanumeric");
      assertThat(e + " encoding", t.encoding(), equalTo(text ? SampleEncoding.SAC_ALPHA : SampleEncoding.FLOAT32));
      assertThat(e + " all header fields", t.headers().size(), equalTo(133));
      assertThat(e + " NVHDR", t.header("NVHDR"), equalTo("6"));
      assertThat(e + " NPTS", t.header("NPTS"), equalTo(Long.toString(e.samplesTotal())));
    }
  }

  @Test
  public void seism_headersByStandardName_undefinedKept() throws IOException {
    SeismicTrace t = readOne(TestData.entry("sac/obspy/seism.sac").file());
    assertThat(t.header("DELTA"), equalTo("0.01"));
    assertThat(t.header("B"), equalTo("9.459999"));
    assertThat(t.header("NZYEAR"), equalTo("1981"));
    assertThat(t.header("NZJDAY"), equalTo("88"));
    assertThat(t.header("IFTYPE"), equalTo("1"));
    assertThat(t.header("LEVEN"), equalTo("1"));
    assertThat(t.header("SCALE"), equalTo("-12345"));
    assertThat(t.header("KT0"), equalTo("XYZ"));
    assertThat(t.header("KT3"), equalTo("-12345"));
    assertThat(t.header("KEVNM"), equalTo("K8108838"));
    assertThat(t.sampleRateHz(), equalTo(100.0));
  }

  @Test
  public void identifiers_fromKnetwkKstnmKholeKcmpnm() throws IOException {
    SeismicTrace le = readOne(TestData.entry("sac/generated/mseed2sac_le.sac").file());
    assertThat(
        Arrays.asList(le.network(), le.station(), le.location(), le.channel()),
        equalTo(Arrays.asList(le.header("KNETWK"), le.header("KSTNM"), le.header("KHOLE"), le.header("KCMPNM"))));
    assertThat(le.station(), notNullValue());
    SeismicTrace alpha = readOne(TestData.entry("sac/generated/mseed2sac_alpha.sac").file());
    assertThat(
        Arrays.asList(alpha.network(), alpha.station(), alpha.location(), alpha.channel()),
        equalTo(Arrays.asList("XX", "SEDI", "00", "BNZ")));
    SeismicTrace undefined = readOne(TestData.entry("sac/sacfiles/delta-utime.sac").file());
    assertThat(undefined.network(), nullValue());
    assertThat(undefined.station(), nullValue());
    assertThat(undefined.header("KSTNM"), equalTo("-12345"));
  }

  @Test
  public void nulTerminatedStrings_cutAtTheNul() throws IOException {
    SeismicTrace t = readOne(TestData.entry("sac/obspy/null_terminated.sac").file());
    assertThat(t.station(), equalTo("PIN1"));
    assertThat(t.network(), equalTo("GD"));
    assertThat(t.channel(), equalTo("LYE"));
    assertThat(t.header("KINST"), equalTo("LYE"));
    assertThat(t.location(), nullValue());
    assertThat(t.header("KEVNM"), equalTo("-12345"));
  }

  @Test
  public void nonAsciiStrings_readAsLatin1_zeroSamples() throws IOException {
    SeismicTrace t = readOne(TestData.entry("sac/obspy/non_ascii.sac").file());
    assertThat(t.station(), equalTo("ALS"));
    assertThat(t.sampleCount(), equalTo(0));
    assertThat(t.sampleRateHz(), equalTo(100.0));
    assertThat(t.header("KCMPNM"), equalTo("HHE"));
  }

  @Test
  public void testxy_nonStandardColumns_stringsByColumn() throws IOException {
    SeismicTrace t = readOne(TestData.entry("sac/obspy/testxy.sac").file());
    assertThat(t.station(), equalTo("sta"));
    assertThat(t.header("KEVNM"), equalTo("FUNCGEN: SINE"));
    assertThat(t.channel(), equalTo("Q"));
    assertThat(t.header("DEPMEN"), equalTo("8.753946E-8"));
    // Same signal as the binary test.sac, written with 7 significant digits.
    SeismicTrace bin = readOne(TestData.entry("sac/obspy/test.sac").file());
    for (int i = 0; i < 100; i++) {
      assertThat("sample " + i, t.samples()[i], closeTo(bin.samples()[i], 1e-6));
    }
  }

  @Test
  public void unevenlySampled_firstBlockIsSamples_secondBlockKeptApart() throws IOException {
    for (String p : List.of("sac/sacfiles/delta-utime.sac", "sac/sacfiles/delta-utime.txt", "sac/sacfiles/delta-xy.sac")) {
      Path f = TestData.entry(p).file();
      try (SeekableByteChannel ch = TestData.open(f);
          SacReader r = SacReader.open(ch, p)) {
        SeismicTrace t = r.next();
        assertThat(p, t.sampleCount(), equalTo(100));
        double[] x = r.secondBlock();
        assertThat(p, x.length, equalTo(100));
        assertThat(p + " last x", x[99], closeTo(4.60517, 1e-5));
        assertThat(p, Double.isNaN(t.sampleRateHz()), is(true));
      }
    }
    try (SeekableByteChannel a = TestData.open(TestData.entry("sac/sacfiles/delta-utime.sac").file());
        SeekableByteChannel b = TestData.open(TestData.entry("sac/sacfiles/delta-utime.txt").file());
        SacReader bin = SacReader.open(a, "bin");
        SacReader txt = SacReader.open(b, "txt")) {
      assertArrayEquals(bin.next().samples(), txt.next().samples(), 0.0);
      // The text holds 7 significant digits.
      assertArrayEquals(bin.secondBlock(), txt.secondBlock(), 1e-6);
    }
  }

  @Test
  public void evenlySampled_hasNoSecondBlock() throws IOException {
    Path f = TestData.entry("sac/obspy/test.sac").file();
    try (SeekableByteChannel ch = TestData.open(f);
        SacReader r = SacReader.open(ch, "test.sac")) {
      r.next();
      assertThat(r.secondBlock(), nullValue());
      assertThat(r.variant(), equalTo("binary little-endian v6 evenly sampled"));
    }
  }

  @Test
  public void bigAndLittleEndian_sameTrace() throws IOException {
    SeismicTrace le = readOne(TestData.entry("sac/obspy/test.sac").file());
    SeismicTrace be = readOne(TestData.entry("sac/obspy/test.sac.swap").file());
    assertArrayEquals(le.samples(), be.samples(), 0.0);
    Map<String, String> beHeaders = new HashMap<>(be.headers());
    Map<String, String> leHeaders = new HashMap<>(le.headers());
    // ObsPy's swapped copy carries a different DEPMEN; every other field is the same.
    assertThat(beHeaders.remove("DEPMEN"), equalTo("8.753946E-8"));
    assertThat(leHeaders.remove("DEPMEN"), equalTo("8.34465E-8"));
    assertThat(beHeaders, equalTo(leHeaders));
    assertThat(le.header("KEVNM"), equalTo("FUNCGEN: SINE"));
  }

  @Test
  public void rangeReader_returnsTheTraceOnlyForTheRangeHoldingByteZero() throws IOException {
    Path f = TestData.entry("sac/obspy/seism.sac").file();
    try (SeekableByteChannel ch = TestData.open(f)) {
      assertThat(SacReader.open(ch, "s", 0, 1).next().sampleCount(), equalTo(1000));
    }
    try (SeekableByteChannel ch = TestData.open(f)) {
      SacReader r = SacReader.open(ch, "s", 1, 5000);
      assertThat(r.next(), nullValue());
      assertThat(r.header(), nullValue());
    }
    // A range without byte 0 reads nothing, even from a file that is not SAC.
    Path junk = write(new byte[10]);
    try (SeekableByteChannel ch = Files.newByteChannel(junk)) {
      assertThat(SacReader.open(ch, "junk", 4, 10).next(), nullValue());
    }
  }

  @Test
  public void probe_acceptsEverySacFile_rejectsEveryOtherTestdataFile() throws IOException {
    for (TestData.Entry e : TestData.all()) {
      byte[] head = new byte[8192];
      int len;
      try (SeekableByteChannel ch = TestData.open(e.file())) {
        ByteBuffer b = ByteBuffer.wrap(head);
        while (b.hasRemaining() && ch.read(b) > 0) {}
        len = b.position();
      }
      assertThat(e + " probe", SacReader.probe(head, len), equalTo(e.format().equals("SAC")));
    }
  }

  @Test
  public void probe_rejectsShortAndEmptyHeads() {
    assertThat(SacReader.probe(new byte[0], 0), is(false));
    assertThat(SacReader.probe(new byte[8192], 8192), is(false));
    assertThat(SacReader.probe("1.0 2.0 3.0\n".getBytes(StandardCharsets.US_ASCII), 12), is(false));
  }

  // ---- bad input ----

  private Path write(byte[] b) throws IOException {
    Path p = tmp.newFile().toPath();
    Files.write(p, b);
    return p;
  }

  private static byte[] bytes(String testdataPath) throws IOException {
    return Files.readAllBytes(TestData.entry(testdataPath).file());
  }

  private SeismicFormatException readFails(byte[] b) throws IOException {
    Path p = write(b);
    return assertThrows(
        SeismicFormatException.class,
        () -> {
          try (SeekableByteChannel ch = Files.newByteChannel(p);
              SacReader r = SacReader.open(ch, "bad.sac")) {
            r.next();
          }
        });
  }

  private static void putInt(byte[] b, int off, int v) {
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(off, v);
  }

  @Test
  public void badInput_garbage_isBadMagicAtNvhdr() throws IOException {
    byte[] b = new byte[1000];
    new java.util.Random(1).nextBytes(b);
    SeismicFormatException e = readFails(b);
    assertThat(e.error(), equalTo(SeismicError.BAD_MAGIC));
    assertThat(e.offset(), equalTo(304L));
    assertThat(e.file(), equalTo("bad.sac"));
  }

  @Test
  public void badInput_headerCutShort_isTruncatedAtZero() throws IOException {
    SeismicFormatException e = readFails(Arrays.copyOf(bytes("sac/obspy/test.sac"), 500));
    assertThat(e.error(), equalTo(SeismicError.TRUNCATED));
    assertThat(e.offset(), equalTo(0L));
  }

  @Test
  public void badInput_dataCutShort_isTruncatedAtDataBlock() throws IOException {
    SeismicFormatException e = readFails(Arrays.copyOf(bytes("sac/obspy/test.sac"), 1000));
    assertThat(e.error(), equalTo(SeismicError.TRUNCATED));
    assertThat(e.offset(), equalTo(632L));
  }

  @Test
  public void badInput_secondBlockMissing_isTruncatedAtDataBlock() throws IOException {
    SeismicFormatException e = readFails(Arrays.copyOf(bytes("sac/sacfiles/delta-utime.sac"), 632 + 400 + 396));
    assertThat(e.error(), equalTo(SeismicError.TRUNCATED));
    assertThat(e.offset(), equalTo(632L));
  }

  @Test
  public void badInput_hugeNpts_isTruncatedWithoutAllocating() throws IOException {
    byte[] b = bytes("sac/obspy/test.sac");
    putInt(b, 316, Integer.MAX_VALUE);
    SeismicFormatException e = readFails(b);
    assertThat(e.error(), equalTo(SeismicError.TRUNCATED));
    assertThat(e.offset(), equalTo(632L));
  }

  @Test
  public void badInput_negativeNpts_isBadHeaderAtNpts() throws IOException {
    byte[] b = bytes("sac/obspy/test.sac");
    putInt(b, 316, -5);
    SeismicFormatException e = readFails(b);
    assertThat(e.error(), equalTo(SeismicError.BAD_HEADER));
    assertThat(e.offset(), equalTo(316L));
  }

  @Test
  public void badInput_julianDayOutOfRange_isBadHeaderAtNzjday() throws IOException {
    byte[] b = bytes("sac/obspy/test.sac");
    putInt(b, 284, 400);
    SeismicFormatException e = readFails(b);
    assertThat(e.error(), equalTo(SeismicError.BAD_HEADER));
    assertThat(e.offset(), equalTo(284L));
  }

  @Test
  public void badInput_day366OfCommonYear_isBadHeaderAtNzjday() throws IOException {
    byte[] b = bytes("sac/obspy/test.sac"); // 1978
    putInt(b, 284, 366);
    SeismicFormatException e = readFails(b);
    assertThat(e.error(), equalTo(SeismicError.BAD_HEADER));
    assertThat(e.offset(), equalTo(284L));
  }

  @Test
  public void badInput_hourOutOfRange_isBadHeaderAtNzhour() throws IOException {
    byte[] b = bytes("sac/obspy/test.sac");
    putInt(b, 288, 24);
    SeismicFormatException e = readFails(b);
    assertThat(e.error(), equalTo(SeismicError.BAD_HEADER));
    assertThat(e.offset(), equalTo(288L));
  }

  @Test
  public void badInput_bNotFinite_isBadHeaderAtB() throws IOException {
    byte[] b = bytes("sac/obspy/test.sac");
    putInt(b, 20, Float.floatToIntBits(Float.NaN));
    SeismicFormatException e = readFails(b);
    assertThat(e.error(), equalTo(SeismicError.BAD_HEADER));
    assertThat(e.offset(), equalTo(20L));
  }

  @Test
  public void badInput_emptyFile_isBadMagic() throws IOException {
    SeismicFormatException e = readFails(new byte[0]);
    assertThat(e.error(), equalTo(SeismicError.BAD_MAGIC));
  }

  private static String text(String testdataPath) throws IOException {
    return new String(bytes(testdataPath), StandardCharsets.ISO_8859_1);
  }

  @Test
  public void badInputText_dataCutShort_isTruncatedAtEnd() throws IOException {
    String s = text("sac/generated/mseed2sac_alpha.sac");
    byte[] cut = s.substring(0, s.length() - 200).getBytes(StandardCharsets.ISO_8859_1);
    SeismicFormatException e = readFails(cut);
    assertThat(e.error(), equalTo(SeismicError.TRUNCATED));
    assertThat(e.offset(), equalTo((long) cut.length));
  }

  @Test
  public void badInputText_valueNotANumber_isCorruptDataAtTheValue() throws IOException {
    String s = text("sac/obspy/testxy.sac");
    int at = s.indexOf("-0.3090170");
    byte[] b = (s.substring(0, at) + "-0.30X0170" + s.substring(at + 10)).getBytes(StandardCharsets.ISO_8859_1);
    SeismicFormatException e = readFails(b);
    assertThat(e.error(), equalTo(SeismicError.CORRUPT_DATA));
    assertThat(e.offset(), equalTo((long) at));
  }

  @Test
  public void badInputText_hugeNpts_isTruncatedWithoutAllocating() throws IOException {
    String s = text("sac/generated/mseed2sac_alpha.sac");
    int at = s.indexOf("      1500\n");
    byte[] b = (s.substring(0, at) + " 999999999" + s.substring(at + 10)).getBytes(StandardCharsets.ISO_8859_1);
    SeismicFormatException e = readFails(b);
    assertThat(e.error(), equalTo(SeismicError.TRUNCATED));
    assertThat(e.offset(), equalTo((long) s.indexOf("      -26512.38")));
  }

  @Test
  public void badInputText_headerCutInStrings_isTruncated() throws IOException {
    String s = text("sac/generated/mseed2sac_alpha.sac");
    int at = s.indexOf("SEDI");
    byte[] b = s.substring(0, at).getBytes(StandardCharsets.ISO_8859_1);
    SeismicFormatException e = readFails(b);
    assertThat(e.error(), equalTo(SeismicError.TRUNCATED));
    assertThat(e.offset(), equalTo((long) at));
  }

  @Test
  public void badInputText_headerCutInNumbers_isBadMagic() throws IOException {
    // Fewer than 110 header numbers: not recognisable as alphanumeric SAC.
    String s = text("sac/generated/mseed2sac_alpha.sac");
    SeismicFormatException e = readFails(s.substring(0, 300).getBytes(StandardCharsets.ISO_8859_1));
    assertThat(e.error(), equalTo(SeismicError.BAD_MAGIC));
  }

  @Test
  public void decodeFloat32_bothByteOrders() {
    byte[] src = new byte[8];
    ByteBuffer.wrap(src).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-2.25f);
    double[] dst = new double[3];
    SacReader.decodeFloat32(src, 0, dst, 1, 2, ByteOrder.BIG_ENDIAN);
    assertArrayEquals(new double[] {0, 1.5, -2.25}, dst, 0.0);
    ByteBuffer.wrap(src).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, 3.5f);
    SacReader.decodeFloat32(src, 0, dst, 0, 1, ByteOrder.LITTLE_ENDIAN);
    assertThat(dst[0], equalTo(3.5));
  }
}
