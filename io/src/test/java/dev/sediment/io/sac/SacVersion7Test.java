package dev.sediment.io.sac;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
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
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.Test;

/** SAC header version 7 files (float64 footer after the data), built byte by byte. */
public class SacVersion7Test {
  private static final double DELTA = 0.001 + 1e-12;
  private static final double B = 1234567.123456789;
  private static final double A = 12.000000001;
  private static final double T0 = 100.5 + 1e-9;
  private static final double EVLO = 135.123456789012;
  private static final double EVLA = -33.987654321098;
  private static final double STLO = -106.457133;
  private static final double STLA = 34.945911;
  private static final float[] SAMPLES = {1.5f, -2.25f, 3e-7f, 4096f, -0f};
  private static final int NPTS = SAMPLES.length;
  private static final int FOOTER_AT = 632 + 4 * NPTS;
  /** 2024 day 60 (29 February) 12:30:15.250 UTC in ns. */
  private static final long REFERENCE = Instant.parse("2024-02-29T12:30:15.250Z").toEpochMilli() * 1_000_000L;

  private static final List<String> FLOATS = SacHeader.FLOAT_NAMES;
  private static final List<String> INTS = SacHeader.INT_NAMES;

  private static double[] footerValues() {
    double[] v = new double[22];
    Arrays.fill(v, -12345.0);
    v[0] = DELTA;
    v[1] = B;
    v[2] = B + (NPTS - 1) * DELTA; // E
    v[4] = A;
    v[5] = T0;
    v[16] = EVLO;
    v[17] = EVLA;
    v[18] = STLO;
    v[19] = STLA;
    return v;
  }

  /** A v7 file: header (float32 fields are the footer's rounded), 5 float32 samples, footer. */
  static byte[] build(ByteOrder o) {
    ByteBuffer b = ByteBuffer.allocate(632 + 4 * NPTS + 8 * 22).order(o);
    double[] f = footerValues();
    for (int i = 0; i < 70; i++) {
      b.putFloat(4 * i, -12345f);
    }
    String[] footerNames = {"DELTA", "B", "E", "O", "A", "T0", "T1", "T2", "T3", "T4", "T5", "T6", "T7",
        "T8", "T9", "F", "EVLO", "EVLA", "STLO", "STLA", "SB", "SDELTA"};
    for (int i = 0; i < 22; i++) {
      b.putFloat(4 * FLOATS.indexOf(footerNames[i]), (float) f[i]);
    }
    b.putFloat(4 * FLOATS.indexOf("DEPMIN"), -2.25f);
    b.putFloat(4 * FLOATS.indexOf("DEPMAX"), 4096f);
    for (int i = 0; i < 40; i++) {
      b.putInt(280 + 4 * i, -12345);
    }
    int[][] ints = {{0, 2024}, {1, 60}, {2, 12}, {3, 30}, {4, 15}, {5, 250}};
    for (int[] kv : ints) {
      b.putInt(280 + 4 * kv[0], kv[1]);
    }
    b.putInt(280 + 4 * INTS.indexOf("NVHDR"), 7);
    b.putInt(280 + 4 * INTS.indexOf("NPTS"), NPTS);
    b.putInt(280 + 4 * INTS.indexOf("IFTYPE"), 1);
    b.putInt(280 + 4 * INTS.indexOf("LEVEN"), 1);
    byte[] strings = new byte[192];
    for (int i = 0; i < 24; i++) {
      System.arraycopy("-12345  ".getBytes(StandardCharsets.US_ASCII), 0, strings, 8 * i, 8);
    }
    System.arraycopy("ANMO    ".getBytes(StandardCharsets.US_ASCII), 0, strings, 0, 8); // KSTNM
    System.arraycopy("-12345          ".getBytes(StandardCharsets.US_ASCII), 0, strings, 8, 16); // KEVNM
    System.arraycopy("00      ".getBytes(StandardCharsets.US_ASCII), 0, strings, 24, 8); // KHOLE
    System.arraycopy("BHZ     ".getBytes(StandardCharsets.US_ASCII), 0, strings, 160, 8); // KCMPNM
    System.arraycopy("IU      ".getBytes(StandardCharsets.US_ASCII), 0, strings, 168, 8); // KNETWK
    b.position(440);
    b.put(strings);
    for (int i = 0; i < NPTS; i++) {
      b.putFloat(632 + 4 * i, SAMPLES[i]);
    }
    for (int i = 0; i < 22; i++) {
      b.putDouble(FOOTER_AT + 8 * i, f[i]);
    }
    return b.array();
  }

  private static SacReader open(byte[] b) throws IOException {
    return SacReader.open(new SeekableInMemoryByteChannel(b), "v7.sac");
  }

  private static SeismicTrace read(byte[] b) throws IOException {
    try (SacReader r = open(b)) {
      return r.next();
    }
  }

  private static byte[] write(SeismicTrace t, ByteOrder o) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SacWriter w = new SacWriter(out, o)) {
      w.write(t);
    }
    return out.toByteArray();
  }

  private static void checkValues(SeismicTrace t) {
    Map<String, String> h = t.headers();
    assertThat(h.get("NVHDR"), equalTo("7"));
    assertThat(h.get("DELTA_F64"), equalTo(Double.toString(DELTA)));
    assertThat(Double.parseDouble(h.get("DELTA_F64")), equalTo(DELTA));
    assertThat(Double.parseDouble(h.get("B_F64")), equalTo(B));
    assertThat(h.get("B_F64"), equalTo("1234567.123456789"));
    assertThat(Double.parseDouble(h.get("E_F64")), equalTo(B + 4 * DELTA));
    assertThat(h.get("O_F64"), equalTo("-12345.0"));
    assertThat(Double.parseDouble(h.get("A_F64")), equalTo(A));
    assertThat(Double.parseDouble(h.get("T0_F64")), equalTo(T0));
    assertThat(h.get("T9_F64"), equalTo("-12345.0"));
    assertThat(Double.parseDouble(h.get("EVLO_F64")), equalTo(EVLO));
    assertThat(Double.parseDouble(h.get("EVLA_F64")), equalTo(EVLA));
    assertThat(Double.parseDouble(h.get("STLO_F64")), equalTo(STLO));
    assertThat(Double.parseDouble(h.get("STLA_F64")), equalTo(STLA));
    assertThat(h.get("SDELTA_F64"), equalTo("-12345.0"));
    // The float32 fields keep the header's own values.
    assertThat(h.get("DELTA"), equalTo(SacHeader.formatFloat((float) DELTA)));
    assertThat(h.get("B"), equalTo("1234567.1"));
    assertThat(t.sampleRateHz(), equalTo(1.0 / DELTA));
    assertThat(t.sampleRateHz() == 1000.0, equalTo(false));
    // B's exact binary value is 1234567.12345678894...: 1234567123456789 ns.
    assertThat(t.startTimeNanos(), equalTo(REFERENCE + 1_234_567_123_456_789L));
    double[] want = new double[NPTS];
    for (int i = 0; i < NPTS; i++) {
      want[i] = SAMPLES[i];
    }
    assertArrayEquals(want, t.samples(), 0.0);
    assertThat(t.station(), equalTo("ANMO"));
    assertThat(t.network(), equalTo("IU"));
  }

  @Test
  public void footer_littleEndian_exactDoublesRateAndStartTime() throws IOException {
    byte[] file = build(ByteOrder.LITTLE_ENDIAN);
    try (SacReader r = open(file)) {
      assertThat(r.variant(), equalTo("binary little-endian v7 evenly sampled"));
      checkValues(r.next());
      assertThat(r.footer().get("DELTA"), equalTo(DELTA));
      assertThat(r.footer().get("STLA"), equalTo(STLA));
    }
  }

  @Test
  public void footer_bigEndian_exactDoublesRateAndStartTime() throws IOException {
    byte[] file = build(ByteOrder.BIG_ENDIAN);
    try (SacReader r = open(file)) {
      assertThat(r.variant(), equalTo("binary big-endian v7 evenly sampled"));
      checkValues(r.next());
    }
  }

  @Test
  public void roundTrip_bothByteOrders_sameBytesAndValues() throws IOException {
    for (ByteOrder o : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
      byte[] file = build(o);
      SeismicTrace t = read(file);
      byte[] again = write(t, o);
      assertArrayEquals(o.toString(), file, again);
      SeismicTrace back = read(again);
      checkValues(back);
      assertThat(back.headers(), equalTo(t.headers()));
    }
  }

  @Test
  public void roundTrip_otherByteOrder_footerInThatOrder() throws IOException {
    SeismicTrace t = read(build(ByteOrder.LITTLE_ENDIAN));
    byte[] big = write(t, ByteOrder.BIG_ENDIAN);
    assertArrayEquals(build(ByteOrder.BIG_ENDIAN), big);
  }

  @Test
  public void write_newRate_changesDoubleAndFloatDelta() throws IOException {
    SeismicTrace t = read(build(ByteOrder.LITTLE_ENDIAN)).toBuilder().sampleRateHz(200).build();
    SeismicTrace back = read(write(t, ByteOrder.LITTLE_ENDIAN));
    assertThat(back.header("DELTA_F64"), equalTo("0.005"));
    assertThat(back.header("DELTA"), equalTo("0.005"));
    assertThat(back.sampleRateHz(), equalTo(200.0));
    assertThat(back.startTimeNanos(), equalTo(REFERENCE + 1_234_567_123_456_789L));
  }

  @Test
  public void write_newStartTime_keepsBToTheNanosecond() throws IOException {
    long start = REFERENCE + 1_234_567_123_456_789L + 1_000_000_007L;
    SeismicTrace t = read(build(ByteOrder.BIG_ENDIAN)).toBuilder().startTimeNanos(start).build();
    SeismicTrace back = read(write(t, ByteOrder.BIG_ENDIAN));
    assertThat(back.startTimeNanos(), equalTo(start));
    assertThat(back.sampleRateHz(), equalTo(1.0 / DELTA));
  }

  @Test
  public void write_missingFooterValue_takenFromItsFloatField() throws IOException {
    SeismicTrace t = read(build(ByteOrder.LITTLE_ENDIAN)).toBuilder().header("STLA_F64", null).build();
    SeismicTrace back = read(write(t, ByteOrder.LITTLE_ENDIAN));
    assertThat(back.header("STLA_F64"), equalTo(Double.toString((float) STLA)));
    assertThat(back.header("EVLA_F64"), equalTo(Double.toString(EVLA)));
  }

  @Test
  public void write_version6Trace_noFooter() throws IOException {
    SeismicTrace t = read(build(ByteOrder.LITTLE_ENDIAN)).toBuilder().header("NVHDR", "6").build();
    byte[] v6 = write(t, ByteOrder.LITTLE_ENDIAN);
    assertThat(v6.length, equalTo(632 + 4 * NPTS));
    SeismicTrace back = read(v6);
    assertThat(back.header("NVHDR"), equalTo("6"));
    assertThat(back.headers(), not(hasKey("DELTA_F64")));
    assertThat(back.sampleRateHz(), equalTo(SacHeader.rateFromDelta((float) DELTA)));
  }

  @Test
  public void footerCutShort_truncatedAtFooterOffset() throws IOException {
    for (ByteOrder o : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
      byte[] file = build(o);
      for (int cut : new int[] {1, 8, 176}) {
        byte[] b = Arrays.copyOf(file, file.length - cut);
        SeismicFormatException e = assertThrows(SeismicFormatException.class, () -> read(b));
        assertThat(e.getMessage(), e.error(), equalTo(SeismicError.TRUNCATED));
        assertThat(e.getMessage(), e.offset(), equalTo((long) FOOTER_AT));
        assertThat(e.file(), equalTo("v7.sac"));
      }
    }
  }

  @Test
  public void footerBNotFinite_badHeaderAtFooterB() throws IOException {
    byte[] b = build(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putDouble(FOOTER_AT + 8, Double.POSITIVE_INFINITY);
    SeismicFormatException e = assertThrows(SeismicFormatException.class, () -> read(b));
    assertThat(e.getMessage(), e.error(), equalTo(SeismicError.BAD_HEADER));
    assertThat(e.offset(), equalTo((long) FOOTER_AT + 8));
  }
}
