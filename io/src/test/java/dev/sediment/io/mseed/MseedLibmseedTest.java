package dev.sediment.io.mseed;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.sediment.io.seismic.SampleEncoding;
import dev.sediment.io.seismic.SeismicTrace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Files our writer produces, read by the independent libmseed 2.19 (a small C program compiled
 * here against Debian's libmseed-dev) and by mseed2sac; values must agree exactly.
 */
public class MseedLibmseedTest {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  private static Path msdump;

  private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new AssertionError(
          cmd[0] + " is not installed; install gcc, libmseed-dev and mseed2sac (Debian) to run this test", e);
    }
    byte[] out;
    byte[] err;
    try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
      out = o.readAllBytes();
      err = e.readAllBytes();
    }
    assertTrue(String.join(" ", cmd) + " timed out", p.waitFor(120, TimeUnit.SECONDS));
    String errText = new String(err, StandardCharsets.UTF_8);
    if (p.exitValue() != 0 || errText.contains("Warning") || errText.contains("Error")) {
      fail(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + errText);
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  @BeforeClass
  public static void compileMsdump() throws Exception {
    if (!Files.isRegularFile(Path.of("/usr/include/libmseed.h"))) {
      fail("/usr/include/libmseed.h is missing: install Debian's libmseed-dev to run this test");
    }
    Path dir = TMP.newFolder("msdump").toPath();
    Path src = dir.resolve("msdump.c");
    try (InputStream in = MseedLibmseedTest.class.getResourceAsStream("msdump.c")) {
      Files.write(src, in.readAllBytes());
    }
    msdump = dir.resolve("msdump");
    run(dir, "gcc", "-O", "-o", msdump.toString(), src.toString(), "-lmseed");
  }

  /** One record as libmseed prints it. */
  static final class Rec {
    String src;
    long startMicros;
    double rate;
    int encoding;
    int reclen;
    final List<Double> samples = new ArrayList<>();
  }

  static List<Rec> libmseed(Path file) throws Exception {
    String out = run(file.getParent(), msdump.toString(), file.toString());
    List<Rec> recs = new ArrayList<>();
    Rec cur = null;
    for (String line : out.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("R ")) {
        String[] f = line.split(" ");
        cur = new Rec();
        cur.src = f[1];
        cur.startMicros = Long.parseLong(f[2]);
        cur.rate = Double.parseDouble(f[3]);
        cur.encoding = Integer.parseInt(f[5]);
        cur.reclen = Integer.parseInt(f[6]);
        recs.add(cur);
      } else {
        cur.samples.add(Double.parseDouble(line));
      }
    }
    return recs;
  }

  private void compare(String enc, int reclen, ByteOrder order, double rate, long start) throws Exception {
    SeismicTrace t = MseedWriterTest.synthetic(5003, rate, start, enc);
    Path f =
        MseedWriterTest.write(
            TMP.newFile().toPath(),
            List.of(t),
            MseedWriter.Options.defaults().withEncoding(enc).withRecordLength(reclen).withByteOrder(order));
    List<Rec> recs = libmseed(f);
    List<SeismicTrace> ours = MseedReaderTest.readAll(f);
    String what = enc + " " + reclen + " " + order + " " + rate + " Hz";
    assertThat(what + " records", recs.size(), equalTo(ours.size()));
    int k = 0;
    for (int i = 0; i < recs.size(); i++) {
      Rec r = recs.get(i);
      SeismicTrace o = ours.get(i);
      assertThat(what + " source", r.src, equalTo("XX_SEDI_00_HHZ"));
      assertThat(what + " start", r.startMicros * 1000, equalTo(o.startTimeNanos()));
      assertThat(what + " start vs trace", r.startMicros * 1000, equalTo(start + Math.round(k * 1e9 / rate) / 1000 * 1000));
      assertThat(what + " rate", r.rate, equalTo(o.sampleRateHz()));
      assertThat(what + " encoding", r.encoding, equalTo(MseedWriter.code(enc)));
      assertThat(what + " record length", r.reclen, equalTo(reclen));
      assertThat(what + " count", r.samples.size(), equalTo(o.sampleCount()));
      for (int j = 0; j < r.samples.size(); j++) {
        assertThat(what + " sample " + k, r.samples.get(j), equalTo(t.samples()[k]));
        k++;
      }
    }
    assertThat(what + " all samples", k, equalTo(t.sampleCount()));
  }

  @Test
  public void libmseed_readsOurSteimIntAndFloatRecords_sameSamplesRatesTimesAndNames() throws Exception {
    long start = MseedReaderTest.isoNanos("2021-06-15T08:30:00.123456Z");
    String[] encs = {
      SampleEncoding.STEIM1, SampleEncoding.STEIM2, SampleEncoding.INT16, SampleEncoding.INT32,
      SampleEncoding.FLOAT32, SampleEncoding.FLOAT64
    };
    for (String enc : encs) {
      for (int reclen : new int[] {512, 4096}) {
        compare(enc, reclen, ByteOrder.BIG_ENDIAN, 100.0, start);
      }
      compare(enc, 512, ByteOrder.LITTLE_ENDIAN, 40.0, start);
    }
    compare(SampleEncoding.TEXT, 512, ByteOrder.BIG_ENDIAN, 1.0, start);
    compare(SampleEncoding.STEIM2, 512, ByteOrder.BIG_ENDIAN, 0.1, MseedReaderTest.isoNanos("1999-12-31T23:59:59Z"));
    compare(SampleEncoding.STEIM1, 4096, ByteOrder.BIG_ENDIAN, 123.456, MseedReaderTest.isoNanos("2020-02-29T23:59:00.000049Z"));
  }

  @Test
  public void mseed2sac_convertsOurSteim2File_sameSamples() throws Exception {
    SeismicTrace t = MseedWriterTest.synthetic(3000, 20.0, MseedReaderTest.isoNanos("2021-06-15T08:30:00Z"), SampleEncoding.STEIM2);
    // SAC holds float32: keep samples within 24 bits so they are exact there.
    double[] x = t.samples().clone();
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.floorMod((long) x[i], 1 << 23);
    }
    t = t.toBuilder().samples(x).build();
    Path dir = TMP.newFolder().toPath();
    Path f = MseedWriterTest.write(dir.resolve("in.mseed"), List.of(t), MseedWriter.Options.defaults().withRecordLength(512));
    run(dir, "mseed2sac", "-O", "in.mseed");
    List<Path> sac = new ArrayList<>();
    try (var s = Files.list(dir)) {
      s.filter(p -> p.toString().endsWith(".SAC")).forEach(sac::add);
    }
    assertThat(sac.toString(), sac.size(), equalTo(1));
    assertThat(sac.get(0).getFileName().toString(), equalTo("XX.SEDI.00.HHZ.D.2021.166.083000.SAC"));
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(sac.get(0)));
    // mseed2sac writes the host byte order; NVHDR (header word 76) is 6.
    b.order(b.order(ByteOrder.LITTLE_ENDIAN).getInt(76 * 4) == 6 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    assertThat("DELTA", (double) b.getFloat(0), equalTo((double) 0.05f));
    assertThat("NPTS", b.getInt(79 * 4), equalTo(3000));
    for (int i = 0; i < x.length; i++) {
      assertThat("sample " + i, (double) b.getFloat(632 + 4 * i), equalTo(x[i]));
    }
  }
}
