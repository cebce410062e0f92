package dev.sediment.io.segy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.fail;

import dev.sediment.io.seismic.SeismicFormat;
import dev.sediment.io.seismic.SeismicTrace;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Files written by {@link SegyWriter} read by the independent segyio (Debian python3-segyio via
 * {@code /usr/bin/python3}): samples and header fields must be identical.
 */
public class SegyWriterSegyioTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String PYTHON = "/usr/bin/python3";
  private static final String[] FIELDS = {
    "TRACE_SEQUENCE_LINE", "TRACE_SEQUENCE_FILE", "FieldRecord", "CDP", "offset", "SourceX",
    "GroupY", "DelayRecordingTime", "TRACE_SAMPLE_COUNT", "TRACE_SAMPLE_INTERVAL",
    "YearDataRecorded", "DayOfYear", "HourOfDay", "MinuteOfHour", "SecondOfMinute", "TimeBaseCode",
    "INLINE_3D", "CROSSLINE_3D", "ScalarTraceHeader", "UnassignedInt2"
  };
  private static final String SCRIPT =
      String.join(
          "\n",
          "import sys, segyio",
          "path, endian, fields = sys.argv[1], sys.argv[2], sys.argv[3].split(',')",
          "F = segyio.TraceField",
          "with segyio.open(path, ignore_geometry=True, endian=endian) as f:",
          "    print('B', int(f.bin[segyio.BinField.Format]), int(f.bin[segyio.BinField.Samples]),"
              + " int(f.bin[segyio.BinField.Interval]), f.tracecount, len(f.samples))",
          "    raw = f.trace.raw[:]",
          "    for i in range(f.tracecount):",
          "        h = f.header[i]",
          "        print('H', i, ' '.join(str(h[getattr(F, n)]) for n in fields))",
          "        print('S', i, ' '.join(repr(float(x)) for x in raw[i]))",
          "");

  /** Exactly representable in float32 and in the target format. */
  private static double[] samples(int format, int trace, int n) {
    Random rnd = new Random(31L * format + trace);
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      switch (format) {
        case 1: // 20 significant bits times a power of two: exact in IBM and float32
          s[i] = Math.scalb((double) (rnd.nextInt(1 << 21) - (1 << 20)), rnd.nextInt(40) - 30);
          break;
        case 2:
          s[i] = rnd.nextInt(1 << 24) - (1 << 23);
          break;
        case 3:
          s[i] = rnd.nextInt(65536) - 32768;
          break;
        case 5:
          s[i] = Float.intBitsToFloat(rnd.nextInt(0x7F000000)) * (rnd.nextBoolean() ? 1 : -1);
          break;
        default:
          s[i] = rnd.nextInt(256) - 128;
      }
    }
    if (n > 3 && format != 8) {
      s[0] = 0;
      s[1] = format == 3 ? 32767 : format == 2 ? 8388607 : 1;
      s[2] = format == 3 ? -32768 : -1;
    }
    return s;
  }

  private static List<String> segyio(Path file, ByteOrder order) throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      fail(PYTHON + " is missing: install Debian's python3 and python3-segyio (apt-get install python3-segyio)");
    }
    Path script = file.resolveSibling("read_segyio.py");
    Files.writeString(script, SCRIPT);
    ProcessBuilder pb = new ProcessBuilder(PYTHON, script.toString(), file.toString(),
        order == ByteOrder.BIG_ENDIAN ? "big" : "little", String.join(",", FIELDS));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("segyio did not finish in 120 s");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      fail("segyio could not read " + file + " (is python3-segyio installed? apt-get install python3-segyio):\n" + text);
    }
    return List.of(text.split("\n"));
  }

  private void check(int format, ByteOrder order) throws Exception {
    int ns = 50;
    int traces = 6;
    List<SeismicTrace> written = new ArrayList<>();
    Path file = tmp.newFolder().toPath().resolve("f" + format + ".sgy");
    try (OutputStream os = Files.newOutputStream(file);
        SegyWriter w = new SegyWriter(os, Map.of(), format, order)) {
      for (int k = 0; k < traces; k++) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("INLINE_3D", Integer.toString(100 + k / 3));
        h.put("CROSSLINE_3D", Integer.toString(20 + k % 3));
        h.put("offset", Integer.toString(-1000 * k - 7));
        h.put("SourceX", Integer.toString(612345678 + k));
        h.put("GroupY", Integer.toString(-2_000_000_000 + k));
        h.put("DelayRecordingTime", "-120");
        h.put("TimeBaseCode", "2");
        h.put("ScalarTraceHeader", "-100");
        h.put("UnassignedInt2", "123456789");
        SeismicTrace t = SeismicTrace.builder(SeismicFormat.SEGY)
            .encoding("float64").samples(samples(format, k, ns)).sampleRateHz(250)
            .line(7L).cdp(1000L + k).traceNumber(k + 1L)
            .startTimeNanos(1_623_745_800_000_000_000L + k * 1_000_000_000L)
            .headers(h).build();
        w.write(t);
      }
    }
    try (SegyReader r = SegyReader.open(Files.newByteChannel(file), file.toString())) {
      for (SeismicTrace t = r.next(); t != null; t = r.next()) {
        written.add(t);
      }
    }
    List<String> lines = segyio(file, order);
    String what = "format " + format + " " + order;
    assertThat(what + ": " + lines, lines.get(0), equalTo("B " + format + " " + ns + " 4000 " + traces + " " + ns));
    for (int k = 0; k < traces; k++) {
      SeismicTrace t = written.get(k);
      assertThat(t.header("TRACE_SEQUENCE_LINE"), equalTo(Integer.toString(k + 1)));
      assertThat(t.header("CDP"), equalTo(Integer.toString(1000 + k)));
      assertThat(t.header("YearDataRecorded"), equalTo("2021"));
      assertThat(t.header("SecondOfMinute"), equalTo(Integer.toString(k)));
      assertThat(t.line(), equalTo(100L + k / 3));
      StringBuilder h = new StringBuilder("H " + k);
      for (String f : FIELDS) {
        // segyio 1.8.3 does not byte-swap the unassigned bytes 233-240 of little-endian files
        boolean swapped = f.equals("UnassignedInt2") && order == ByteOrder.LITTLE_ENDIAN;
        h.append(' ').append(swapped ? Integer.toString(Integer.reverseBytes(Integer.parseInt(t.header(f))))
            : t.header(f));
      }
      assertThat(what + " trace " + k + " header", lines.get(1 + 2 * k), equalTo(h.toString()));
      String[] got = lines.get(2 + 2 * k).split(" ");
      assertThat(what + " trace " + k + " sample count", got.length - 2, equalTo(ns));
      double[] expected = samples(format, k, ns);
      for (int i = 0; i < ns; i++) {
        double segyio = Double.parseDouble(got[i + 2]);
        assertThat(what + " trace " + k + " sample " + i + " by segyio", segyio, equalTo(expected[i]));
        assertThat(what + " trace " + k + " sample " + i + " by SegyReader", t.samples()[i], equalTo(expected[i]));
      }
    }
  }

  @Test
  public void segyio_readsIbmFloatBigAndLittleEndian() throws Exception {
    check(1, ByteOrder.BIG_ENDIAN);
    check(1, ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  public void segyio_readsInt32BigAndLittleEndian() throws Exception {
    check(2, ByteOrder.BIG_ENDIAN);
    check(2, ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  public void segyio_readsInt16BigAndLittleEndian() throws Exception {
    check(3, ByteOrder.BIG_ENDIAN);
    check(3, ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  public void segyio_readsIeeeFloatBigAndLittleEndian() throws Exception {
    check(5, ByteOrder.BIG_ENDIAN);
    check(5, ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  public void segyio_readsInt8BigAndLittleEndian() throws Exception {
    check(8, ByteOrder.BIG_ENDIAN);
    check(8, ByteOrder.LITTLE_ENDIAN);
  }
}
