package dev.sediment.io.segy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;

import dev.sediment.io.seismic.SeismicError;
import dev.sediment.io.seismic.SeismicFormatException;
import dev.sediment.io.seismic.SeismicTrace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.Test;

/**
 * SEG-Y rev 2 files with additional trace headers and data trailer stanzas, built byte by byte:
 * decoded values, samples, byte ranges, byte-identical rewrite, and the bad-input paths.
 */
public class SegyRev2AdditionalHeadersTest {

  /** What one trace of a built file holds: its sample count and its additional headers. */
  private static final class Spec {
    final int samples;
    /** Each entry "E" (Trace Header Extension 1) or "P" (proprietary). */
    final String[] additional;
    /** Extension 1's count field (157-158), or -1 to write the number of additional headers. */
    final int declaredCount;

    Spec(int samples, int declaredCount, String... additional) {
      this.samples = samples;
      this.additional = additional;
      this.declaredCount = declaredCount;
    }
  }

  private static final String STANZA_1 = String.format("%-3200s", "((SEG: Trailer one ))  line 1 of the trailer");
  private static final String STANZA_2 = String.format("%-3200s", "((SEG: Trailer two ))  EBCDIC stanza");

  /** Builds a rev 2 file of IEEE float traces; returns the bytes and fills {@code offsets}. */
  private static byte[] build(ByteOrder o, boolean fixed, int max, int stanzas, List<Long> offsets,
      Spec... traces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(TextHeader.encode(TextHeader.cards("REV 2 ADDITIONAL TRACE HEADERS"), true));
    ByteBuffer bh = ByteBuffer.allocate(400).order(o);
    bh.putShort(3217 - 3201, (short) 1000); // Interval
    bh.putShort(3221 - 3201, (short) (fixed ? traces[0].samples : 0)); // Samples
    bh.putShort(3225 - 3201, (short) 5); // Format: IEEE float
    bh.putInt(3297 - 3201, 0x01020304); // IntConstant
    bh.put(3501 - 3201, (byte) 2); // major revision
    bh.put(3502 - 3201, (byte) 0); // minor revision
    bh.putShort(3503 - 3201, (short) (fixed ? 1 : 0)); // TraceFlag
    bh.putInt(3507 - 3201, max); // MaxAdditionalTraceHeaders
    bh.putInt(3529 - 3201, stanzas); // NrTrailerStanza
    out.writeBytes(bh.array());
    for (int k = 0; k < traces.length; k++) {
      offsets.add((long) out.size());
      Spec s = traces[k];
      ByteBuffer th = ByteBuffer.allocate(240).order(o);
      th.putInt(0, k + 1); // TRACE_SEQUENCE_LINE
      th.putInt(20, 100 + k); // CDP
      th.putShort(114, (short) s.samples);
      th.putShort(116, (short) 1000);
      th.put(232, "SEG00000".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(th.array());
      for (int a = 0; a < s.additional.length; a++) {
        if (s.additional[a].equals("E")) {
          int count = s.declaredCount >= 0 ? s.declaredCount : s.additional.length;
          out.writeBytes(extension1(o, k, count, k == traces.length - 1));
        } else {
          out.writeBytes(proprietary(k, a));
        }
      }
      ByteBuffer data = ByteBuffer.allocate(4 * s.samples).order(o);
      for (int i = 0; i < s.samples; i++) {
        data.putFloat(sample(k, i));
      }
      out.writeBytes(data.array());
    }
    if (stanzas >= 1) {
      out.writeBytes(TextHeader.encode(STANZA_1, false));
    }
    if (stanzas >= 2) {
      out.writeBytes(TextHeader.encode(STANZA_2, true));
    }
    return out.toByteArray();
  }

  private static float sample(int trace, int i) {
    return trace * 10 + i + 0.25f;
  }

  /** Trace Header Extension 1 of trace {@code k}, ASCII name. */
  private static byte[] extension1(ByteOrder o, int k, int count, boolean last) {
    ByteBuffer b = ByteBuffer.allocate(240).order(o);
    b.putLong(0, 5_000_000_000L + k); // ExtTraceSequenceLine
    b.putLong(16, -7_000_000_000L - k); // ExtFieldRecord
    b.putDouble(96, 123456.789 + k); // ExtSourceX
    b.putInt(136, 0); // ExtSampleCount
    b.putInt(140, 250_000_000); // NanosecondsOfSecond
    b.putDouble(144, 1000.5); // ExtSampleInterval
    b.putInt(152, 7); // CableNumber
    b.putShort(156, (short) count);
    b.putShort(158, (short) (last ? 1 : 0)); // LastTraceFlag
    b.putDouble(160, -1.5e6); // ExtCDP_X
    b.put(232, "SEG00001".getBytes(StandardCharsets.US_ASCII));
    return b.array();
  }

  /** A proprietary additional header: bytes that depend on trace and position, name "ACME0001". */
  private static byte[] proprietary(int k, int a) {
    byte[] b = new byte[240];
    for (int i = 0; i < 232; i++) {
      b[i] = (byte) (k * 31 + a * 7 + i * 13);
    }
    System.arraycopy("ACME0001".getBytes(StandardCharsets.US_ASCII), 0, b, 232, 8);
    return b;
  }

  private static SegyReader open(byte[] b) throws IOException {
    return SegyReader.open(new SeekableInMemoryByteChannel(b), "rev2.sgy");
  }

  private static List<SeismicTrace> readAll(SegyReader r) throws IOException {
    List<SeismicTrace> out = new ArrayList<>();
    for (SeismicTrace t = r.next(); t != null; t = r.next()) {
      out.add(t);
    }
    return out;
  }

  private static byte[] rewrite(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SegyReader r = open(b); SegyWriter w = new SegyWriter(out, r.fileHeaders())) {
      for (SeismicTrace t = r.next(); t != null; t = r.next()) {
        w.write(t);
      }
    }
    return out.toByteArray();
  }

  /** Checks every trace's values, the trailer, the rewrite and the byte ranges of a built file. */
  private static void check(byte[] file, List<Long> offsets, int stanzas, Spec... specs) throws IOException {
    List<SeismicTrace> traces;
    try (SegyReader r = open(file)) {
      assertThat(r.revision(), equalTo(2));
      traces = readAll(r);
      Map<String, String> fh = r.fileHeaders();
      if (stanzas == 2) {
        assertThat(fh.get("TrailerStanza.1"), equalTo(STANZA_1));
        assertThat(fh.get("TrailerStanzaEncoding.1"), equalTo("ASCII"));
        assertThat(fh.get("TrailerStanza.2"), equalTo(STANZA_2));
        assertThat(fh.get("TrailerStanzaEncoding.2"), equalTo("EBCDIC"));
      }
      assertThat(fh, not(hasKey("TrailerStanza." + (stanzas + 1))));
    }
    assertThat(traces.size(), equalTo(specs.length));
    for (int k = 0; k < specs.length; k++) {
      SeismicTrace t = traces.get(k);
      Spec s = specs[k];
      assertThat(t.index(), equalTo((long) k));
      assertThat(t.offset(), equalTo(offsets.get(k)));
      assertThat(t.cdp(), equalTo(100L + k));
      double[] want = new double[s.samples];
      for (int i = 0; i < s.samples; i++) {
        want[i] = sample(k, i);
      }
      assertArrayEquals(want, t.samples(), 0.0);
      Map<String, String> h = t.headers();
      assertThat(h.get("TRACE_SEQUENCE_LINE"), equalTo(Integer.toString(k + 1)));
      for (int a = 0; a < s.additional.length; a++) {
        String key = "AdditionalTraceHeader." + (a + 1);
        if (s.additional[a].equals("E")) {
          assertThat(a, equalTo(0));
          assertThat(h, not(hasKey(key)));
          assertThat(h.get("SEG00001.ExtTraceSequenceLine"), equalTo(Long.toString(5_000_000_000L + k)));
          assertThat(h.get("SEG00001.ExtFieldRecord"), equalTo(Long.toString(-7_000_000_000L - k)));
          assertThat(h.get("SEG00001.ExtSourceX"), equalTo(Double.toString(123456.789 + k)));
          assertThat(h.get("SEG00001.ExtSourceY"), equalTo("0.0"));
          assertThat(h.get("SEG00001.ExtSampleCount"), equalTo("0"));
          assertThat(h.get("SEG00001.NanosecondsOfSecond"), equalTo("250000000"));
          assertThat(h.get("SEG00001.ExtSampleInterval"), equalTo("1000.5"));
          assertThat(h.get("SEG00001.CableNumber"), equalTo("7"));
          assertThat(h.get("SEG00001.AdditionalTraceHeaderCount"),
              equalTo(Integer.toString(s.declaredCount >= 0 ? s.declaredCount : s.additional.length)));
          assertThat(h.get("SEG00001.LastTraceFlag"), equalTo(k == specs.length - 1 ? "1" : "0"));
          assertThat(h.get("SEG00001.ExtCDP_X"), equalTo("-1500000.0"));
          assertThat(h.get("SEG00001.HeaderName"), equalTo("0x5345473030303031"));
          assertThat(h, not(hasKey("SEG00001.Unassigned")));
        } else {
          assertThat(h.get(key), equalTo("0x" + HexFormat.of().formatHex(proprietary(k, a))));
        }
      }
      assertThat(h, not(hasKey("AdditionalTraceHeader." + (s.additional.length + 1))));
      if (!Arrays.asList(s.additional).contains("E")) {
        assertThat(h, not(hasKey("SEG00001.HeaderName")));
      }
    }

    byte[] again = rewrite(file);
    assertArrayEquals(file, again);
    try (SegyReader r = open(again)) {
      List<SeismicTrace> back = readAll(r);
      for (int k = 0; k < specs.length; k++) {
        assertThat(back.get(k).headers(), equalTo(traces.get(k).headers()));
        assertArrayEquals(traces.get(k).samples(), back.get(k).samples(), 0.0);
      }
    }

    // Ranges of widths from 7 to 700 bytes, tiling the file: each trace read exactly once.
    for (int step : new int[] {7, 97, 240, 241, 480, 700}) {
      List<Long> seen = new ArrayList<>();
      for (long start = 0; start < file.length; start += step) {
        try (SegyReader r = SegyReader.open(new SeekableInMemoryByteChannel(file), "rev2.sgy", start,
            start + step)) {
          for (SeismicTrace t = r.next(); t != null; t = r.next()) {
            assertThat(t.offset(), equalTo(offsets.get((int) t.index())));
            assertArrayEquals(traces.get((int) t.index()).samples(), t.samples(), 0.0);
            seen.add(t.index());
          }
        }
      }
      List<Long> all = new ArrayList<>();
      for (long k = 0; k < specs.length; k++) {
        all.add(k);
      }
      assertThat("step " + step, seen, equalTo(all));
    }
  }

  @Test
  public void bigEndianFixed_extension1AndProprietary_decodedRoundTripAndRanges() throws IOException {
    Spec[] specs = new Spec[4];
    Arrays.fill(specs, new Spec(5, -1, "E", "P"));
    List<Long> offsets = new ArrayList<>();
    byte[] file = build(ByteOrder.BIG_ENDIAN, true, 2, 2, offsets, specs);
    try (SegyReader r = open(file)) {
      assertThat(r.fixedLength(), equalTo(true));
      assertThat(r.traceBytes(), equalTo(3 * 240L + 5 * 4));
      assertThat(r.traceCount(), equalTo(4L));
      assertThat(r.fileHeaders().get("MaxAdditionalTraceHeaders"), equalTo("2"));
    }
    assertThat(offsets, equalTo(List.of(3600L, 4340L, 5080L, 5820L)));
    check(file, offsets, 2, specs);
  }

  @Test
  public void littleEndianFixed_oneExtension1_decodedRoundTripAndRanges() throws IOException {
    Spec[] specs = new Spec[3];
    Arrays.fill(specs, new Spec(6, -1, "E"));
    List<Long> offsets = new ArrayList<>();
    byte[] file = build(ByteOrder.LITTLE_ENDIAN, true, 1, 2, offsets, specs);
    try (SegyReader r = open(file)) {
      assertThat(r.byteOrder(), equalTo(ByteOrder.LITTLE_ENDIAN));
      assertThat(r.traceBytes(), equalTo(2 * 240L + 6 * 4));
      assertThat(r.traceCount(), equalTo(3L));
    }
    check(file, offsets, 2, specs);
  }

  @Test
  public void littleEndianFixed_proprietaryOnly_countIsTheMaximum() throws IOException {
    Spec[] specs = new Spec[3];
    Arrays.fill(specs, new Spec(4, -1, "P", "P"));
    List<Long> offsets = new ArrayList<>();
    byte[] file = build(ByteOrder.LITTLE_ENDIAN, true, 2, 0, offsets, specs);
    check(file, offsets, 0, specs);
  }

  @Test
  public void littleEndianVariable_perTraceCountsFromExtension1_decodedRoundTripAndRanges()
      throws IOException {
    Spec[] specs = {
      new Spec(3, -1, "E"), // extension 1 says 1 of at most 2
      new Spec(4, -1, "E", "P"),
      new Spec(5, -1, "P", "P"), // no extension 1: the maximum
      new Spec(6, 0, "E", "P"), // extension 1's count 0: the maximum
    };
    List<Long> offsets = new ArrayList<>();
    byte[] file = build(ByteOrder.LITTLE_ENDIAN, false, 2, 2, offsets, specs);
    assertThat(offsets, equalTo(List.of(3600L, 3600L + 480 + 12, 3600L + 492 + 720 + 16,
        3600L + 492 + 736 + 720 + 20)));
    try (SegyReader r = open(file)) {
      assertThat(r.fixedLength(), equalTo(false));
    }
    check(file, offsets, 2, specs);
  }

  @Test
  public void bigEndianVariable_oneAdditionalHeader_decodedRoundTripAndRanges() throws IOException {
    Spec[] specs = {new Spec(2, -1, "P"), new Spec(7, -1, "E"), new Spec(1, -1, "P")};
    List<Long> offsets = new ArrayList<>();
    byte[] file = build(ByteOrder.BIG_ENDIAN, false, 1, 2, offsets, specs);
    check(file, offsets, 2, specs);
  }

  private static SeismicFormatException readError(byte[] b) {
    return assertThrows(SeismicFormatException.class, () -> {
      try (SegyReader r = open(b)) {
        while (r.next() != null) {
          // read everything
        }
      }
    });
  }

  private static void assertError(SeismicFormatException e, SeismicError error, long offset) {
    assertThat(e.getMessage(), e.error(), equalTo(error));
    assertThat(e.getMessage(), e.offset(), equalTo(offset));
    assertThat(e.file(), equalTo("rev2.sgy"));
  }

  private static byte[] variable(List<Long> offsets) {
    return build(ByteOrder.BIG_ENDIAN, false, 2, 0, offsets,
        new Spec(3, -1, "E", "P"), new Spec(3, -1, "E", "P"), new Spec(3, -1, "E", "P"));
  }

  @Test
  public void maximumNegative_badHeaderAt3506() {
    byte[] b = variable(new ArrayList<>());
    ByteBuffer.wrap(b).putInt(3506, -1);
    assertError(readError(b), SeismicError.BAD_HEADER, 3506);
  }

  @Test
  public void maximumBeyondFile_badHeaderAt3506() {
    byte[] b = variable(new ArrayList<>());
    ByteBuffer.wrap(b).putInt(3506, 1_000);
    assertError(readError(b), SeismicError.BAD_HEADER, 3506);
    ByteBuffer.wrap(b).putInt(3506, Integer.MAX_VALUE);
    assertError(readError(b), SeismicError.BAD_HEADER, 3506);
  }

  @Test
  public void extension1CountAboveMaximum_badHeaderAtItsCountField() {
    List<Long> offsets = new ArrayList<>();
    byte[] b = variable(offsets);
    ByteBuffer.wrap(b).putShort((int) (offsets.get(1) + 240 + 156), (short) 3);
    assertError(readError(b), SeismicError.BAD_HEADER, offsets.get(1) + 240 + 156);
  }

  @Test
  public void extension1CountAboveMaximum_rangeReaderWalkingPastIt_badHeader() {
    List<Long> offsets = new ArrayList<>();
    byte[] b = variable(offsets);
    ByteBuffer.wrap(b).putShort((int) (offsets.get(1) + 240 + 156), (short) 3);
    SeismicFormatException e = assertThrows(SeismicFormatException.class,
        () -> SegyReader.open(new SeekableInMemoryByteChannel(b), "rev2.sgy", offsets.get(2), b.length));
    assertError(e, SeismicError.BAD_HEADER, offsets.get(1) + 240 + 156);
  }

  @Test
  public void fixedLengthTraceWithOtherCount_badHeaderAtItsCountField() {
    List<Long> offsets = new ArrayList<>();
    Spec[] specs = new Spec[3];
    Arrays.fill(specs, new Spec(5, -1, "E", "P"));
    byte[] b = build(ByteOrder.LITTLE_ENDIAN, true, 2, 0, offsets, specs);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort((int) (offsets.get(2) + 240 + 156), (short) 1);
    assertError(readError(b), SeismicError.BAD_HEADER, offsets.get(2) + 240 + 156);
  }

  @Test
  public void additionalHeadersOverrunFile_truncatedAfterTheStandardHeader() {
    List<Long> offsets = new ArrayList<>();
    byte[] whole = variable(offsets);
    // The last trace's second additional header is cut: 240 + 240 + 100 bytes are left of it.
    byte[] cut = Arrays.copyOf(whole, (int) (offsets.get(2) + 580));
    assertError(readError(cut), SeismicError.TRUNCATED, offsets.get(2) + 240);
    // Only part of the first additional header is left.
    byte[] cut1 = Arrays.copyOf(whole, (int) (offsets.get(2) + 300));
    assertError(readError(cut1), SeismicError.TRUNCATED, offsets.get(2) + 240);
  }

  @Test
  public void trailerStanzasOverrunFile_badHeaderAt3528() {
    byte[] b = variable(new ArrayList<>());
    ByteBuffer.wrap(b).putInt(3528, 5);
    assertError(readError(b), SeismicError.BAD_HEADER, 3528);
  }

  @Test
  public void trailerStanzasEndTheTraces_stanzaBytesNotReadAsTrace() throws IOException {
    List<Long> offsets = new ArrayList<>();
    byte[] b = build(ByteOrder.BIG_ENDIAN, false, 2, 1, offsets, new Spec(3, -1, "E", "P"));
    try (SegyReader r = open(b)) {
      assertThat(r.next().offset(), equalTo(3600L));
      assertThat(r.next(), nullValue());
      assertThat(r.fileHeaders().get("TrailerStanza.1"), equalTo(STANZA_1));
    }
  }

  @Test
  public void writer_traceWithoutItsAdditionalHeaders_illegalArgument() throws IOException {
    List<Long> offsets = new ArrayList<>();
    byte[] file = variable(offsets);
    Map<String, String> fh;
    SeismicTrace first;
    try (SegyReader r = open(file)) {
      fh = r.fileHeaders();
      first = r.next();
    }
    SeismicTrace missing = first.toBuilder().header("AdditionalTraceHeader.2", null).build();
    assertThat(missing.headers(), not(hasKey("AdditionalTraceHeader.2")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
      try (SegyWriter w = new SegyWriter(new ByteArrayOutputStream(), fh)) {
        w.write(missing);
      }
    });
    assertThat(e.getMessage(), containsString("AdditionalTraceHeader.2"));
  }

  @Test
  public void writer_trailerStanzasDeclaredButMissing_illegalArgument() throws IOException {
    byte[] file = build(ByteOrder.BIG_ENDIAN, false, 2, 2, new ArrayList<>(), new Spec(3, -1, "E", "P"));
    Map<String, String> fh;
    try (SegyReader r = open(file)) {
      fh = new LinkedHashMap<>(r.fileHeaders());
    }
    fh.remove("TrailerStanza.2");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SegyWriter(new ByteArrayOutputStream(), fh).close());
    assertThat(e.getMessage(), containsString("NrTrailerStanza is 2"));
  }
}
