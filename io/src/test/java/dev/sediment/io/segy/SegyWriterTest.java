package dev.sediment.io.segy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.sediment.io.seismic.SeismicFormat;
import dev.sediment.io.seismic.SeismicTrace;
import dev.sediment.io.seismic.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SegyWriterTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  static List<SeismicTrace> readAll(SegyReader r) throws IOException {
    List<SeismicTrace> out = new ArrayList<>();
    for (SeismicTrace t = r.next(); t != null; t = r.next()) {
      out.add(t);
    }
    return out;
  }

  static SegyReader open(byte[] bytes, String name) throws IOException {
    return SegyReader.open(new SeekableInMemoryByteChannel(bytes), name);
  }

  /** Reads {@code file}, writes it with the given format/order (null: the file's), returns the bytes. */
  private static byte[] rewrite(Path file, Integer format, ByteOrder order) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (SegyReader r = SegyReader.open(TestData.open(file), file.toString());
        SegyWriter w = format == null
            ? new SegyWriter(bytes, r.fileHeaders())
            : new SegyWriter(bytes, r.fileHeaders(), format, order)) {
      for (SeismicTrace t = r.next(); t != null; t = r.next()) {
        w.write(t);
      }
    }
    return bytes.toByteArray();
  }

  private static void assertSameTraces(String what, List<SeismicTrace> a, List<SeismicTrace> b) {
    assertThat(what + " traces", b.size(), equalTo(a.size()));
    for (int i = 0; i < a.size(); i++) {
      SeismicTrace x = a.get(i);
      SeismicTrace y = b.get(i);
      assertThat(what + " trace " + i + " headers", y.headers(), equalTo(x.headers()));
      assertThat(what + " trace " + i + " samples", Arrays.equals(y.samples(), x.samples()), equalTo(true));
      assertThat(what + " trace " + i + " offset", y.offset(), equalTo(x.offset()));
      assertThat(what + " trace " + i + " start", y.startTimeNanos(), equalTo(x.startTimeNanos()));
      assertThat(what + " trace " + i + " rate", y.sampleRateHz(), equalTo(x.sampleRateHz()));
      assertThat(what + " trace " + i + " line", y.line(), equalTo(x.line()));
      assertThat(what + " trace " + i + " encoding", y.encoding(), equalTo(x.encoding()));
    }
  }

  @Test
  public void roundTrip_everyManifestFile_sameHeadersAndSamples_sameBytesWhenNormalised()
      throws IOException {
    for (TestData.Entry e : TestData.of("SEG-Y")) {
      byte[] written = rewrite(e.file(), null, null);
      List<SeismicTrace> original;
      Map<String, String> originalHeaders;
      String variant;
      try (SegyReader r = SegyReader.open(TestData.open(e.file()), e.path())) {
        original = readAll(r);
        originalHeaders = r.fileHeaders();
        variant = r.variant();
      }
      try (SegyReader r = open(written, "rewritten " + e.path())) {
        assertThat(e + " file headers", r.fileHeaders(), equalTo(originalHeaders));
        assertThat(e + " variant", r.variant(), equalTo(variant));
        assertSameTraces(e.path(), original, readAll(r));
      }
      if (!e.path().endsWith("00001034.sgy_first_trace")) { // unnormalised IBM values
        assertThat(e + " bytes", Arrays.equals(written, Files.readAllBytes(e.file())), equalTo(true));
      }
    }
  }

  @Test
  public void rewrite_f3InEveryFormatAndByteOrder_sameSamplesAndHeaders() throws IOException {
    Path f3 = TestData.entry("segy/segyio/f3.sgy").file();
    List<SeismicTrace> original;
    try (SegyReader r = SegyReader.open(TestData.open(f3), "f3")) {
      original = readAll(r);
    }
    for (int format : new int[] {1, 2, 3, 5, 6, 7, 10 /* f3 has negative values: no unsigned */}) {
      if (format == 10) {
        continue;
      }
      for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
        byte[] written = rewrite(f3, format, order);
        try (SegyReader r = open(written, "f3 as " + format + " " + order)) {
          assertThat(r.formatCode(), equalTo(format));
          assertThat(r.byteOrder(), equalTo(order));
          assertThat(r.fileHeaders().get("Format"), equalTo(Integer.toString(format)));
          List<SeismicTrace> back = readAll(r);
          assertThat(back.size(), equalTo(original.size()));
          for (int i = 0; i < back.size(); i++) {
            assertThat("trace " + i, back.get(i).headers(), equalTo(original.get(i).headers()));
            assertThat("trace " + i, Arrays.equals(back.get(i).samples(), original.get(i).samples()),
                equalTo(true));
            assertThat(back.get(i).encoding(), equalTo(SegySamples.encoding(format)));
          }
        }
      }
    }
  }

  @Test
  public void write_int8AndUnsignedFormats_readBackExactly() throws IOException {
    double[] signed = {-128, -1, 0, 1, 127};
    double[] unsigned = {0, 1, 200, 255, 7};
    int[][] cases = {{8, 0}, {16, 1}, {11, 1}, {15, 1}, {10, 1}, {7, 0}};
    for (int[] c : cases) {
      double[] s = c[1] == 0 ? signed : unsigned;
      if (c[0] == 10) {
        s = new double[] {0, 4294967295.0, 1, 2, 3};
      }
      for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (SegyWriter w = new SegyWriter(bytes, Map.of(), c[0], order)) {
          w.write(SeismicTrace.builder(SeismicFormat.SAC).encoding("float32").samples(s).sampleRateHz(100).build());
        }
        try (SegyReader r = open(bytes.toByteArray(), "fmt " + c[0])) {
          SeismicTrace t = r.next();
          assertThat("format " + c[0] + " " + order, Arrays.equals(t.samples(), s), equalTo(true));
          assertThat(t.encoding(), equalTo(SegySamples.encoding(c[0])));
        }
      }
    }
  }

  @Test
  public void write_fromOtherFormat_defaultHeadersTimeRateAndIeeeSamples() throws IOException {
    long start = Instant.parse("2024-02-29T12:34:56.789Z").toEpochMilli() * 1_000_000L;
    double[] s1 = {1.5, -2.25, 3e10, 1e-30};
    double[] s2 = {4, 5, 6, 7};
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (SegyWriter w = new SegyWriter(bytes, Map.of("network", "IU"))) {
      w.write(SeismicTrace.builder(SeismicFormat.MSEED2).network("IU").station("ANMO").location("00")
          .channel("BHZ").startTimeNanos(start).sampleRateHz(40).encoding("steim2").samples(s1).build());
      w.write(SeismicTrace.builder(SeismicFormat.MSEED2).startTimeNanos(start + 100_000_000L)
          .sampleRateHz(40).encoding("steim2").samples(s2).build());
    }
    try (SegyReader r = open(bytes.toByteArray(), "converted")) {
      assertThat(r.variant(), equalTo("rev1 float32 big-endian"));
      assertThat(r.fileHeaders().get("IntConstant"), equalTo("16909060"));
      assertThat(r.fileHeaders().get("Samples"), equalTo("4"));
      assertThat(r.fileHeaders().get("Interval"), equalTo("25000"));
      assertThat(r.fileHeaders().get("TextualHeaderEncoding"), equalTo("EBCDIC"));
      assertThat(r.fileHeaders().get("TextualHeader"), containsString("converted from miniSEED2 IU.ANMO.00.BHZ"));
      SeismicTrace t = r.next();
      assertThat(t.samples()[0], equalTo(1.5));
      assertThat(t.samples()[1], equalTo(-2.25));
      assertThat(t.samples()[2], equalTo((double) 3e10f));
      assertThat(t.samples()[3], equalTo((double) 1e-30f));
      assertThat(t.sampleRateHz(), equalTo(40.0));
      assertThat(t.startTimeNanos(), equalTo(Instant.parse("2024-02-29T12:34:56Z").getEpochSecond() * 1_000_000_000L));
      assertThat(t.header("TimeBaseCode"), equalTo("4"));
      assertThat(t.header("DayOfYear"), equalTo("60"));
      assertThat(t.traceNumber(), equalTo(1L));
      assertThat(t.header("TRACE_SEQUENCE_FILE"), equalTo("1"));
      SeismicTrace t2 = r.next();
      assertThat(t2.traceNumber(), equalTo(2L));
      assertThat(Arrays.equals(t2.samples(), s2), equalTo(true));
      assertThat(r.next() == null, equalTo(true));
    }
  }

  @Test
  public void write_otherFormatTracesOfVaryingLengthToSeekableFile_becomesVariableLength()
      throws IOException {
    Path file = tmp.newFile("var.sgy").toPath();
    int[] lengths = {10, 3, 250, 0, 7};
    try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.WRITE);
        SegyWriter w = new SegyWriter(ch, Map.of(), 2, ByteOrder.LITTLE_ENDIAN)) {
      for (int k = 0; k < lengths.length; k++) {
        double[] s = new double[lengths[k]];
        Arrays.setAll(s, i -> i * 1000 - 5);
        w.write(SeismicTrace.builder(SeismicFormat.SAC).sampleRateHz(100).encoding("float32").samples(s).build());
      }
    }
    long size = Files.size(file);
    try (SegyReader r = SegyReader.open(TestData.open(file), "var")) {
      assertThat(r.variant(), equalTo("rev1 int32 little-endian variable-length"));
      assertThat(r.fixedLength(), equalTo(false));
      List<SeismicTrace> all = readAll(r);
      assertThat(all.size(), equalTo(lengths.length));
      for (int k = 0; k < lengths.length; k++) {
        assertThat(all.get(k).sampleCount(), equalTo(lengths[k]));
        assertThat(all.get(k).index(), equalTo((long) k));
      }
      // ranges: every trace once, with its true index, found by walking the headers
      for (long split : new long[] {1, 100, 1000}) {
        int seen = 0;
        for (long start = 0; start < size; start += split) {
          try (SegyReader rr = SegyReader.open(TestData.open(file), "var", start, start + split)) {
            for (SeismicTrace t = rr.next(); t != null; t = rr.next()) {
              assertThat(t.index(), equalTo((long) seen));
              assertThat(t.offset(), equalTo(all.get(seen).offset()));
              seen++;
            }
          }
        }
        assertThat("split " + split, seen, equalTo(lengths.length));
      }
    }
  }

  @Test
  public void write_varyingLengthsToPlainStreamInFixedFile_isRejected() throws IOException {
    SegyWriter w = new SegyWriter(new ByteArrayOutputStream(), Map.of());
    w.write(SeismicTrace.builder(SeismicFormat.SAC).encoding("float32").samples(new double[3]).build());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> w.write(SeismicTrace.builder(SeismicFormat.SAC).encoding("float32").samples(new double[4]).build()));
    assertThat(e.getMessage(), containsString("trace 1 has 4 samples but this fixed-length SEG-Y file has 3"));
  }

  @Test
  public void write_fractionInInt16_isRejectedNamingTraceAndSample() throws IOException {
    SegyWriter w = new SegyWriter(new ByteArrayOutputStream(), Map.of(), 3, ByteOrder.BIG_ENDIAN);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> w.write(SeismicTrace.builder(SeismicFormat.SAC).encoding("float32")
            .samples(new double[] {1, 2.5}).build()));
    assertThat(e.getMessage(), equalTo("trace 0: sample 1 = 2.5 is not a int16 value (-32768 to 32767)"));
  }

  @Test
  public void write_rev2LittleEndianWithByteOrderWordAndExtendedSamples_readsBack() throws IOException {
    Map<String, String> headers = new java.util.HashMap<>();
    headers.put("Format", "5");
    headers.put("SEGYRevision", "512");
    headers.put("TraceFlag", "1");
    headers.put("IntConstant", "16909060");
    headers.put("Samples", "0");
    headers.put("ExtSamples", "70000");
    headers.put("ExtInterval", "0.5");
    headers.put("ExtendedHeaders", "-1");
    headers.put("ExtendedTextualHeader.1", "first stanza");
    headers.put("ExtendedTextualHeader.2", TextHeader.END_TEXT);
    headers.put("ExtendedTextualHeaderEncoding.2", "ASCII");
    double[] s = new double[70000];
    Arrays.setAll(s, i -> i * 0.25);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (SegyWriter w = new SegyWriter(bytes, headers, 5, ByteOrder.LITTLE_ENDIAN)) {
      w.write(SeismicTrace.builder(SeismicFormat.SAC).encoding("float32").samples(s).build());
      w.write(SeismicTrace.builder(SeismicFormat.SAC).encoding("float32").samples(s).build());
    }
    try (SegyReader r = open(bytes.toByteArray(), "rev2")) {
      assertThat(r.variant(), equalTo("rev2 float32 little-endian"));
      assertThat(r.dataOffset(), equalTo(3600L + 2 * 3200));
      assertThat(r.fileHeaders().get("ExtendedTextualHeaderEncoding.2"), equalTo("ASCII"));
      assertThat(r.fileHeaders().get("ExtendedTextualHeader.2").startsWith(TextHeader.END_TEXT), equalTo(true));
      assertThat(r.samplesPerTrace(), equalTo(70000));
      SeismicTrace t = r.next();
      assertThat(Arrays.equals(t.samples(), s), equalTo(true));
      assertThat(t.sampleRateHz(), equalTo(2e6));
      assertThat(r.next().index(), equalTo(1L));
      assertThat(r.next() == null, equalTo(true));
    }
  }

  @Test
  public void write_noTraces_writesHeadersOnly() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new SegyWriter(bytes, Map.of()).close();
    assertThat(bytes.size(), equalTo(3600));
    try (SegyReader r = open(bytes.toByteArray(), "empty")) {
      assertThat(r.next() == null, equalTo(true));
    }
  }
}
