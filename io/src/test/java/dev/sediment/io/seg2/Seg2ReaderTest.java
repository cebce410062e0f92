package dev.sediment.io.seg2;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;

import dev.sediment.io.sac.SacReader;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class Seg2ReaderTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String DMT = "seg2/obspy/20130107_103041000.CET.3c.cont.0.seg2";
  private static final String GEOMETRICS = "seg2/obspy/20180307_031245000.0.seg2";

  static List<SeismicTrace> readAll(Path f, long start, long end) throws IOException {
    try (SeekableByteChannel ch = Files.newByteChannel(f);
        Seg2Reader r = Seg2Reader.open(ch, f.toString(), start, end)) {
      List<SeismicTrace> out = new ArrayList<>();
      for (SeismicTrace t = r.next(); t != null; t = r.next()) {
        out.add(t);
      }
      return out;
    }
  }

  static List<SeismicTrace> readAll(Path f) throws IOException {
    return readAll(f, 0, Long.MAX_VALUE);
  }

  @Test
  public void everyManifestSeg2File_matchesReferenceValues() throws IOException {
    List<TestData.Entry> rows = TestData.of("SEG-2");
    assertThat(rows.size(), equalTo(2));
    for (TestData.Entry e : rows) {
      List<SeismicTrace> traces = readAll(e.file());
      assertThat(e + " traces", (long) traces.size(), equalTo(e.tracesOrRecords()));
      TestData.Samples s = new TestData.Samples();
      for (SeismicTrace t : traces) {
        s.add(t.samples());
        assertThat(e + " rate", t.sampleRateHz(), equalTo(Double.parseDouble(e.get("sample_rate_hz"))));
        String start = e.get("start_time");
        if (start.equals("NA")) {
          assertThat(e + " start", t.startTimeNanos(), nullValue());
        } else {
          Instant i = Instant.parse(start);
          assertThat(e + " start", t.startTimeNanos(), equalTo(i.getEpochSecond() * 1_000_000_000L + i.getNano()));
        }
      }
      s.assertMatches(e);
    }
  }

  @Test
  public void dmtFile_int32_channelNumbersOffsetsAndStrings() throws IOException {
    Path f = TestData.entry(DMT).file();
    List<SeismicTrace> traces = readAll(f);
    assertThat(traces.size(), equalTo(3));
    long[] offsets = {2080, 11136, 20192};
    String[] descale = {"2.17378e-05", "2.19941e-05", "2.14815e-05"};
    for (int i = 0; i < 3; i++) {
      SeismicTrace t = traces.get(i);
      assertThat(t.index(), equalTo((long) i));
      assertThat(t.offset(), equalTo(offsets[i]));
      assertThat(t.traceNumber(), equalTo(i + 1L));
      assertThat(t.encoding(), equalTo(SampleEncoding.INT32));
      assertThat(t.sampleCount(), equalTo(2000));
      assertThat(t.header("DESCALING_FACTOR"), equalTo(descale[i]));
      assertThat(t.header("SAMPLE_INTERVAL"), equalTo("0.00100000"));
      assertThat(t.header("REGISTRATION_DIRECTION"), equalTo(new String[] {"X", "Y", "Z"}[i]));
    }
    try (SeekableByteChannel ch = Files.newByteChannel(f);
        Seg2Reader r = Seg2Reader.open(ch, "dmt")) {
      assertThat(r.fileHeaders().get("ACQUISITION_DATE"), equalTo("07/JAN/2013"));
      assertThat(r.fileHeaders().get("ACQUISITION_TIME"), equalTo("10:30:41"));
      assertThat(r.fileHeaders().get("ACQUISITION_TIME_UTC"), equalTo("09:30:41"));
      assertThat(r.fileHeaders().get("BATTERY_LEVEL"), equalTo("99 0 30.35 4.123"));
      assertThat(r.fileHeaders().size(), equalTo(30));
      assertThat(r.variant(), equalTo("rev1 little-endian, 3 traces"));
      assertThat(r.traceCount(), equalTo(3));
    }
  }

  @Test
  public void geometricsFile_float20_localTimeOnly_noteWithoutTerminator() throws IOException {
    Path f = TestData.entry(GEOMETRICS).file();
    SeismicTrace t = readAll(f).get(0);
    assertThat(t.encoding(), equalTo(SampleEncoding.SEG2_FLOAT20));
    assertThat(t.sampleRateHz(), equalTo(8000.0));
    assertThat(t.startTimeNanos(), nullValue());
    assertThat(t.header("DELAY"), equalTo("-0.010"));
    assertThat(t.header("DESCALING_FACTOR"), equalTo("0.001199"));
    assertThat(t.header("NOTE"), equalTo("DISPLAY_SCALE 48"));
    try (SeekableByteChannel ch = Files.newByteChannel(f);
        Seg2Reader r = Seg2Reader.open(ch, "g")) {
      assertThat(r.fileHeaders().get("ACQUISITION_TIME"), equalTo("3:12:45"));
      assertThat(
          r.fileHeaders().get("NOTE"),
          equalTo("BASE_INTERVAL 4.00 \n SHOT_INCREMENT 1.00 \n PHONE_INCREMENT 1.00 \n AGC_WINDOW 100 \n DISPLAY_FILTERS 0 0"));
    }
  }

  @Test
  public void rangeReaders_returnTracesWhoseDescriptorStartsInRange_eachOnce() throws IOException {
    Path f = TestData.entry(DMT).file();
    long size = Files.size(f);
    assertThat(readAll(f, 0, 2080).size(), equalTo(0));
    assertThat(readAll(f, 2080, 2081).get(0).index(), equalTo(0L));
    List<SeismicTrace> mid = readAll(f, 2081, 20193);
    assertThat(mid.size(), equalTo(2));
    assertThat(mid.get(0).index(), equalTo(1L));
    assertThat(mid.get(1).index(), equalTo(2L));
    for (long split : new long[] {1, 1000, 2080, 2081, 11136, 15000, 20192, 29000}) {
      List<SeismicTrace> all = new ArrayList<>(readAll(f, 0, split));
      all.addAll(readAll(f, split, size));
      assertThat("split at " + split, all.size(), equalTo(3));
      for (int i = 0; i < 3; i++) {
        assertThat("split at " + split, all.get(i).index(), equalTo((long) i));
      }
    }
  }

  @Test
  public void probe_acceptsSeg2Files_rejectsEveryOtherTestdataFile() throws IOException {
    for (TestData.Entry e : TestData.all()) {
      byte[] head = new byte[8192];
      int len;
      try (SeekableByteChannel ch = TestData.open(e.file())) {
        ByteBuffer b = ByteBuffer.wrap(head);
        while (b.hasRemaining() && ch.read(b) > 0) {}
        len = b.position();
      }
      assertThat(e + " probe", Seg2Reader.probe(head, len), equalTo(e.format().equals("SEG-2")));
    }
  }

  // ---- synthetic files ----

  /** One trace to build: format code, sample count, data bytes, descriptor strings. */
  static final class T {
    int code;
    long ns;
    byte[] data;
    String[] strings;
    int id = 0x4422;
    Integer sizeOverride;
    Long dataSizeOverride;

    T(int code, long ns, byte[] data, String... strings) {
      this.code = code;
      this.ns = ns;
      this.data = data;
      this.strings = strings;
    }
  }

  static void putStrings(ByteBuffer b, String... strings) {
    for (String s : strings) {
      byte[] t = s.getBytes(StandardCharsets.ISO_8859_1);
      b.putShort((short) (t.length + 3)).put(t).put((byte) 0);
    }
    b.putShort((short) 0);
    while (b.position() % 4 != 0) {
      b.put((byte) 0);
    }
  }

  /** A SEG-2 file with a pointer sub-block of {@code m} bytes. */
  static byte[] seg2(ByteOrder order, int m, String[] fileStrings, T... traces) {
    ByteBuffer b = ByteBuffer.allocate(1 << 16).order(order);
    b.putShort((short) 0x3a55).putShort((short) 1).putShort((short) m).putShort((short) traces.length);
    b.put((byte) 1).put((byte) 0).put((byte) 0).put((byte) 1).put((byte) 10).put((byte) 0);
    b.position(32 + m);
    putStrings(b, fileStrings);
    for (int i = 0; i < traces.length; i++) {
      T t = traces[i];
      int at = b.position();
      b.putInt(32 + 4 * i, at);
      b.position(at + 32);
      putStrings(b, t.strings);
      int x = b.position() - at;
      b.putShort(at, (short) t.id);
      b.putShort(at + 2, (short) (t.sizeOverride != null ? t.sizeOverride : x));
      b.putInt(at + 4, (int) (t.dataSizeOverride != null ? t.dataSizeOverride : t.data.length));
      b.putInt(at + 8, (int) t.ns);
      b.put(at + 12, (byte) t.code);
      b.put(t.data);
    }
    return Arrays.copyOf(b.array(), b.position());
  }

  private Path file(byte[] b) throws IOException {
    Path p = tmp.newFile().toPath();
    Files.write(p, b);
    return p;
  }

  private static final String[] UTC = {
    "ACQUISITION_DATE_UTC 02/MAR/2020", "ACQUISITION_TIME_UTC 01:02:03.5", "ACQUISITION_TIME_MICROSECONDS_UTC 250"
  };

  @Test
  public void synthetic_everyFormatBothByteOrders_decodesExactly() throws IOException {
    double[] ints = {0, 1, -1, 32767, -32768, 1234};
    double[] big = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 123456789};
    double[] floats = {0, 1.5, -2.25, Float.MAX_VALUE, Float.MIN_VALUE, 3.1415927410125732};
    double[] doubles = {0, 1.5, -2.25, Double.MAX_VALUE, Double.MIN_VALUE, Math.PI};
    for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
      ByteBuffer d1 = ByteBuffer.allocate(12).order(order);
      ByteBuffer d2 = ByteBuffer.allocate(24).order(order);
      ByteBuffer d4 = ByteBuffer.allocate(24).order(order);
      ByteBuffer d5 = ByteBuffer.allocate(48).order(order);
      for (int i = 0; i < 6; i++) {
        d1.putShort((short) ints[i]);
        d2.putInt((int) big[i]);
        d4.putFloat((float) floats[i]);
        d5.putDouble(doubles[i]);
      }
      // Format 3, six samples in two groups: exponents 0,1,2,15 then 3,0; one's complement.
      ByteBuffer d3 = ByteBuffer.allocate(20).order(order);
      d3.putShort((short) 0xf210).putShort((short) 5).putShort((short) 0xfffa).putShort((short) 0x7fff).putShort((short) 0xffff);
      d3.putShort((short) 0x0003).putShort((short) 0x8000).putShort((short) 7).putShort((short) 0).putShort((short) 0);
      double[] f20 = {5, -5 * 2, 32767 * 4, 0, -32767 * 8, 7};
      byte[] b =
          seg2(
              order,
              20,
              UTC,
              new T(1, 6, d1.array(), "CHANNEL_NUMBER 1", "SAMPLE_INTERVAL 0.002"),
              new T(2, 6, d2.array(), "CHANNEL_NUMBER 2", "SAMPLE_INTERVAL 0.002"),
              new T(3, 6, d3.array(), "CHANNEL_NUMBER 3", "SAMPLE_INTERVAL 0.002"),
              new T(4, 6, d4.array(), "CHANNEL_NUMBER 4", "SAMPLE_INTERVAL 0.002"),
              new T(5, 6, d5.array(), "CHANNEL_NUMBER 5", "SAMPLE_INTERVAL 0.002"));
      assertThat(Seg2Reader.probe(b, b.length), is(true));
      List<SeismicTrace> t = readAll(file(b));
      assertThat(t.size(), equalTo(5));
      assertArrayEquals(ints, t.get(0).samples(), 0.0);
      assertArrayEquals(big, t.get(1).samples(), 0.0);
      assertArrayEquals(f20, t.get(2).samples(), 0.0);
      assertArrayEquals(floats, t.get(3).samples(), 0.0);
      assertArrayEquals(doubles, t.get(4).samples(), 0.0);
      List<String> enc = new ArrayList<>();
      for (SeismicTrace x : t) {
        enc.add(x.encoding());
        assertThat(x.sampleRateHz(), equalTo(500.0));
        assertThat(x.startTimeNanos(), equalTo(Instant.parse("2020-03-02T01:02:03.500250Z").toEpochMilli() * 1_000_000L + 250_000L));
      }
      assertThat(enc, equalTo(List.of("int16", "int32", "seg2_float20", "float32", "float64")));
      assertThat(t.get(4).traceNumber(), equalTo(5L));
    }
  }

  @Test
  public void decodeFloat20_exponentNibblesLowestFirst() {
    byte[] src = {0x21, 0x43, 1, 0, 1, 0, 1, 0, (byte) 0xfe, (byte) 0xff};
    double[] dst = new double[4];
    Seg2Reader.decodeFloat20(src, 0, dst, 0, 4, ByteOrder.LITTLE_ENDIAN);
    assertArrayEquals(new double[] {2, 4, 8, -16}, dst, 0.0);
  }

  @Test
  public void zeroTraces_readsNothing() throws IOException {
    byte[] b = seg2(ByteOrder.LITTLE_ENDIAN, 4, new String[] {"ACQUISITION_DATE 1/JAN/2000"});
    try (SeekableByteChannel ch = Files.newByteChannel(file(b));
        Seg2Reader r = Seg2Reader.open(ch, "z")) {
      assertThat(r.next(), nullValue());
      assertThat(r.fileHeaders().get("ACQUISITION_DATE"), equalTo("1/JAN/2000"));
    }
  }

  @Test
  public void unparseableUtcDate_leavesStartTimeUnknown() throws IOException {
    byte[] b =
        seg2(
            ByteOrder.LITTLE_ENDIAN,
            4,
            new String[] {"ACQUISITION_DATE_UTC 31/FEB/2020", "ACQUISITION_TIME_UTC 01:02:03"},
            new T(1, 1, new byte[2], "SAMPLE_INTERVAL 0.001"));
    SeismicTrace t = readAll(file(b)).get(0);
    assertThat(t.startTimeNanos(), nullValue());
    assertThat(t.traceNumber(), nullValue());
  }

  // ---- bad input ----

  private SeismicFormatException readFails(byte[] b) throws IOException {
    Path p = file(b);
    return assertThrows(
        SeismicFormatException.class,
        () -> {
          try (SeekableByteChannel ch = Files.newByteChannel(p);
              Seg2Reader r = Seg2Reader.open(ch, "bad.seg2")) {
            while (r.next() != null) {}
          }
        });
  }

  private static void assertError(SeismicFormatException e, SeismicError error, long offset) {
    assertThat(e.getMessage(), e.error(), equalTo(error));
    assertThat(e.getMessage(), e.offset(), equalTo(offset));
    assertThat(e.file(), equalTo("bad.seg2"));
  }

  private static byte[] good() {
    return seg2(
        ByteOrder.LITTLE_ENDIAN,
        8,
        UTC,
        new T(2, 3, new byte[12], "CHANNEL_NUMBER 1", "SAMPLE_INTERVAL 0.001"),
        new T(2, 3, new byte[12], "CHANNEL_NUMBER 2", "SAMPLE_INTERVAL 0.001"));
  }

  private static int pointer(byte[] b, int i) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(32 + 4 * i);
  }

  private static byte[] with(byte[] b, int off, int v, int width) {
    byte[] c = b.clone();
    ByteBuffer w = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
    if (width == 1) {
      w.put(off, (byte) v);
    } else if (width == 2) {
      w.putShort(off, (short) v);
    } else {
      w.putInt(off, v);
    }
    return c;
  }

  @Test
  public void goodSynthetic_readsTwoTraces() throws IOException {
    assertThat(readAll(file(good())).size(), equalTo(2));
  }

  @Test
  public void badInput_garbage_isBadMagicAtZero() throws IOException {
    byte[] b = new byte[500];
    new java.util.Random(7).nextBytes(b);
    b[0] = 1;
    assertError(readFails(b), SeismicError.BAD_MAGIC, 0);
  }

  @Test
  public void badInput_emptyFile_isBadMagicAtZero() throws IOException {
    assertError(readFails(new byte[0]), SeismicError.BAD_MAGIC, 0);
  }

  @Test
  public void badInput_fileDescriptorCutShort_isTruncatedAtZero() throws IOException {
    assertError(readFails(Arrays.copyOf(good(), 20)), SeismicError.TRUNCATED, 0);
  }

  @Test
  public void badInput_traceCountOverrunsPointerBlock_isBadHeaderAtCount() throws IOException {
    assertError(readFails(with(good(), 6, 3, 2)), SeismicError.BAD_HEADER, 6);
  }

  @Test
  public void badInput_pointerBlockPastEndOfFile_isTruncatedAt32() throws IOException {
    byte[] b = with(good(), 4, 65532, 2);
    assertError(readFails(b), SeismicError.TRUNCATED, 32);
  }

  @Test
  public void badInput_pointerPastEndOfFile_isBadHeaderAtEntry() throws IOException {
    assertError(readFails(with(good(), 36, 1 << 30, 4)), SeismicError.BAD_HEADER, 36);
  }

  @Test
  public void badInput_pointerIntoDescriptorBlock_isBadHeaderAtEntry() throws IOException {
    assertError(readFails(with(good(), 32, 10, 4)), SeismicError.BAD_HEADER, 32);
  }

  @Test
  public void badInput_samePointerTwice_isBadHeaderAtSecondEntry() throws IOException {
    byte[] g = good();
    assertError(readFails(with(g, 36, pointer(g, 0), 4)), SeismicError.BAD_HEADER, 36);
  }

  @Test
  public void badInput_stringTerminatorLength_isBadHeaderAt8() throws IOException {
    assertError(readFails(with(good(), 8, 3, 1)), SeismicError.BAD_HEADER, 8);
  }

  @Test
  public void badInput_lineTerminatorLength_isBadHeaderAt11() throws IOException {
    assertError(readFails(with(good(), 11, 9, 1)), SeismicError.BAD_HEADER, 11);
  }

  @Test
  public void badInput_fileStringRunsIntoFirstTrace_isBadHeaderAtString() throws IOException {
    // The first file string (at 32 + 8) claims 2000 bytes: no terminator before the first trace.
    assertError(readFails(with(good(), 40, 2000, 2)), SeismicError.BAD_HEADER, 40);
  }

  @Test
  public void badInput_stringLengthOne_isBadHeaderAtString() throws IOException {
    assertError(readFails(with(good(), 40, 1, 2)), SeismicError.BAD_HEADER, 40);
  }

  @Test
  public void badInput_traceStringRunsPastDescriptor_isBadHeaderAtString() throws IOException {
    byte[] g = good();
    int p = pointer(g, 1);
    assertError(readFails(with(g, p + 32, 30000, 2)), SeismicError.BAD_HEADER, p + 32);
  }

  @Test
  public void badInput_traceBlockId_isBadMagicAtTrace() throws IOException {
    byte[] g = good();
    int p = pointer(g, 1);
    assertError(readFails(with(g, p, 0x1234, 2)), SeismicError.BAD_MAGIC, p);
  }

  @Test
  public void badInput_traceDescriptorSizeBelow32_isBadHeader() throws IOException {
    byte[] g = good();
    int p = pointer(g, 0);
    assertError(readFails(with(g, p + 2, 16, 2)), SeismicError.BAD_HEADER, p + 2);
  }

  @Test
  public void badInput_traceDescriptorSizePastEndOfFile_isTruncatedAtTrace() throws IOException {
    byte[] g = good();
    int p = pointer(g, 1);
    assertError(readFails(with(g, p + 2, 60000, 2)), SeismicError.TRUNCATED, p);
  }

  @Test
  public void badInput_unknownDataFormat_isBadMagicAtCode() throws IOException {
    byte[] g = good();
    int p = pointer(g, 0);
    assertError(readFails(with(g, p + 12, 9, 1)), SeismicError.BAD_MAGIC, p + 12);
  }

  @Test
  public void badInput_sampleCountExceedsDataBlock_isBadHeaderAtCount() throws IOException {
    byte[] g = good();
    int p = pointer(g, 0);
    assertError(readFails(with(g, p + 8, 4, 4)), SeismicError.BAD_HEADER, p + 8);
  }

  @Test
  public void badInput_hugeSampleCount_isBadHeaderWithoutAllocating() throws IOException {
    byte[] g = good();
    int p = pointer(g, 0);
    assertError(readFails(with(g, p + 8, 0x80000000, 4)), SeismicError.BAD_HEADER, p + 8);
    // Data block size agrees with 2^30 samples, the file does not hold them.
    byte[] b = with(with(g, p + 8, 1 << 28, 4), p + 4, 1 << 30, 4);
    int x = ByteBuffer.wrap(g).order(ByteOrder.LITTLE_ENDIAN).getShort(p + 2);
    assertError(readFails(b), SeismicError.TRUNCATED, p + x);
  }

  @Test
  public void badInput_dataCutShort_isTruncatedAtData() throws IOException {
    byte[] g = good();
    int p = pointer(g, 1);
    int x = ByteBuffer.wrap(g).order(ByteOrder.LITTLE_ENDIAN).getShort(p + 2);
    assertError(readFails(Arrays.copyOf(g, g.length - 2)), SeismicError.TRUNCATED, p + x);
  }

  @Test
  public void sacProbe_rejectsSyntheticSeg2() {
    byte[] g = good();
    assertThat(SacReader.probe(g, g.length), is(false));
  }
}
