package dev.sediment.io.sac;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.fail;

import dev.sediment.io.seismic.SampleEncoding;
import dev.sediment.io.seismic.SeismicFormat;
import dev.sediment.io.seismic.SeismicTrace;
import dev.sediment.io.seismic.TestData;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SacWriterTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String SAC2MSEED = "/usr/bin/sac2mseed";
  private static final String MSEED2SAC = "/usr/bin/mseed2sac";

  private static byte[] write(SeismicTrace t, ByteOrder order) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SacWriter w = new SacWriter(out, order)) {
      w.write(t);
    }
    return out.toByteArray();
  }

  private Path writeFile(SeismicTrace t, ByteOrder order) throws IOException {
    Path p = tmp.newFile().toPath();
    Files.write(p, write(t, order));
    return p;
  }

  private static boolean evenlySampled(TestData.Entry e) {
    return !e.get("sample_rate_hz").equals("NA");
  }

  private static void assertSameTrace(String what, SeismicTrace back, SeismicTrace orig) {
    assertArrayEquals(what + " samples", orig.samples(), back.samples(), 0.0);
    assertThat(what + " headers", back.headers(), equalTo(orig.headers()));
    assertThat(what + " network", back.network(), equalTo(orig.network()));
    assertThat(what + " station", back.station(), equalTo(orig.station()));
    assertThat(what + " location", back.location(), equalTo(orig.location()));
    assertThat(what + " channel", back.channel(), equalTo(orig.channel()));
    assertThat(what + " start", back.startTimeNanos(), equalTo(orig.startTimeNanos()));
    assertThat(what + " rate", back.sampleRateHz(), equalTo(orig.sampleRateHz()));
  }

  @Test
  public void roundTrip_everyEvenlySampledManifestFile_bothByteOrders_sameSamplesAndHeaders()
      throws IOException {
    int files = 0;
    for (TestData.Entry e : TestData.of("SAC")) {
      if (!evenlySampled(e)) {
        continue;
      }
      files++;
      SeismicTrace orig = SacReaderTest.readOne(e.file());
      for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
        SeismicTrace back = SacReaderTest.readOne(writeFile(orig, order));
        assertSameTrace(e + " " + order, back, orig);
        assertThat(back.encoding(), equalTo(SampleEncoding.FLOAT32));
        TestData.Samples s = new TestData.Samples();
        s.add(back.samples());
        s.assertMatches(e);
      }
    }
    // 13 evenly sampled rows, two of them alphanumeric (read as text, written binary).
    assertThat(files, equalTo(13));
  }

  @Test
  public void roundTrip_binaryFilesWithBlankPaddedStrings_byteIdentical() throws IOException {
    for (String p :
        List.of(
            "sac/obspy/test.sac",
            "sac/obspy/seism.sac",
            "sac/obspy/LMOW.BHE.SAC",
            "sac/obspy/test_encode.sac",
            "sac/generated/mseed2sac_le.sac")) {
      Path f = TestData.entry(p).file();
      byte[] orig = Files.readAllBytes(f);
      assertArrayEquals(p, orig, write(SacReaderTest.readOne(f), ByteOrder.LITTLE_ENDIAN));
    }
    for (String p : List.of("sac/obspy/test.sac.swap", "sac/sacfiles/be-test-seismo.sac", "sac/generated/mseed2sac_be.sac")) {
      Path f = TestData.entry(p).file();
      assertArrayEquals(p, Files.readAllBytes(f), write(SacReaderTest.readOne(f), ByteOrder.BIG_ENDIAN));
    }
  }

  @Test
  public void defaultByteOrder_isLittleEndian() throws IOException {
    SeismicTrace t = SacReaderTest.readOne(TestData.entry("sac/obspy/test.sac.swap").file());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SacWriter w = new SacWriter(out)) {
      w.write(t);
    }
    byte[] b = out.toByteArray();
    assertThat(SacHeader.byteOrder(b, 0), equalTo(ByteOrder.LITTLE_ENDIAN));
  }

  static SeismicTrace synthetic() {
    double[] s = new double[3000];
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) (1234.5 * Math.sin(i / 17.0) + (i % 7) * 0.25);
    }
    Instant start = Instant.parse("2023-05-06T07:08:09.123456Z");
    return SeismicTrace.builder(SeismicFormat.MSEED2)
        .network("XX")
        .station("SYN")
        .location("00")
        .channel("HHZ")
        .startTimeNanos(start.getEpochSecond() * 1_000_000_000L + start.getNano())
        .sampleRateHz(200)
        .encoding(SampleEncoding.FLOAT32)
        .samples(s)
        .header("quality", "D")
        .build();
  }

  @Test
  public void traceOfAnotherFormat_getsDefaultHeader() throws IOException {
    SeismicTrace t = synthetic();
    SeismicTrace back = SacReaderTest.readOne(writeFile(t, ByteOrder.LITTLE_ENDIAN));
    assertArrayEquals(t.samples(), back.samples(), 0.0);
    assertThat(
        Arrays.asList(back.network(), back.station(), back.location(), back.channel()),
        equalTo(Arrays.asList("XX", "SYN", "00", "HHZ")));
    assertThat(back.startTimeNanos(), equalTo(t.startTimeNanos()));
    assertThat(back.sampleRateHz(), equalTo(200.0));
    assertThat(back.header("NZYEAR"), equalTo("2023"));
    assertThat(back.header("NZJDAY"), equalTo("126"));
    assertThat(back.header("NZHOUR"), equalTo("7"));
    assertThat(back.header("NZMIN"), equalTo("8"));
    assertThat(back.header("NZSEC"), equalTo("9"));
    assertThat(back.header("NZMSEC"), equalTo("123"));
    assertThat(back.header("B"), equalTo("0.000456"));
    assertThat(back.header("DELTA"), equalTo("0.005"));
    assertThat(back.header("NPTS"), equalTo("3000"));
    assertThat(back.header("IFTYPE"), equalTo("1"));
    assertThat(back.header("LEVEN"), equalTo("1"));
    assertThat(back.header("NVHDR"), equalTo("6"));
    assertThat(back.header("KEVNM"), equalTo("-12345"));
    assertThat(back.header("STLA"), equalTo("-12345"));
    assertThat(back.header("IZTYPE"), equalTo("-12345"));
    double min = Arrays.stream(t.samples()).min().getAsDouble();
    double max = Arrays.stream(t.samples()).max().getAsDouble();
    assertThat(Float.parseFloat(back.header("DEPMIN")), equalTo((float) min));
    assertThat(Float.parseFloat(back.header("DEPMAX")), equalTo((float) max));
    double mean = Arrays.stream(t.samples()).sum() / t.sampleCount();
    assertThat(Math.abs(Float.parseFloat(back.header("DEPMEN")) - mean) < 1e-3, is(true));
  }

  @Test
  public void traceOfAnotherFormat_withoutStartOrIdentifiers_leavesThemUndefined() throws IOException {
    SeismicTrace t =
        SeismicTrace.builder(SeismicFormat.SEGY)
            .sampleRateHz(500)
            .encoding(SampleEncoding.IBM_FLOAT32)
            .samples(new double[] {1, 2, 3})
            .build();
    SeismicTrace back = SacReaderTest.readOne(writeFile(t, ByteOrder.BIG_ENDIAN));
    assertThat(back.startTimeNanos(), equalTo(null));
    assertThat(back.station(), equalTo(null));
    assertThat(back.header("KSTNM"), equalTo("-12345"));
    assertThat(back.header("NZYEAR"), equalTo("-12345"));
    assertThat(back.header("B"), equalTo("0"));
    assertThat(back.header("E"), equalTo("0.004"));
  }

  @Test
  public void changedStartTimeAndIdentifiers_ofSacTrace_areWritten() throws IOException {
    SeismicTrace orig = SacReaderTest.readOne(TestData.entry("sac/obspy/seism.sac").file());
    long newStart = orig.startTimeNanos() + 3_600_000_000_000L;
    SeismicTrace changed = orig.toBuilder().startTimeNanos(newStart).station("NEW").build();
    SeismicTrace back = SacReaderTest.readOne(writeFile(changed, ByteOrder.LITTLE_ENDIAN));
    assertThat(back.startTimeNanos(), equalTo(newStart));
    assertThat(back.station(), equalTo("NEW"));
    assertThat(back.header("B"), equalTo(orig.header("B")));
    assertThat(back.header("NZHOUR"), equalTo("11"));
  }

  @Test
  public void unevenlySampledTrace_isRejected() throws IOException {
    SeismicTrace t = SacReaderTest.readOne(TestData.entry("sac/sacfiles/delta-utime.sac").file());
    assertThrows(IllegalArgumentException.class, () -> write(t, ByteOrder.LITTLE_ENDIAN));
    SeismicTrace even = SacReaderTest.readOne(TestData.entry("sac/obspy/test.sac").file());
    SeismicTrace lying = even.toBuilder().header("LEVEN", "0").build();
    assertThrows(IllegalArgumentException.class, () -> write(lying, ByteOrder.LITTLE_ENDIAN));
  }

  @Test
  public void stationLongerThanEightBytes_isRejected() {
    SeismicTrace t = synthetic().toBuilder().station("TOOLONGNAME").build();
    assertThrows(IllegalArgumentException.class, () -> write(t, ByteOrder.LITTLE_ENDIAN));
  }

  @Test
  public void secondWrite_isRejected() throws IOException {
    try (SacWriter w = new SacWriter(new ByteArrayOutputStream())) {
      w.write(synthetic());
      assertThrows(IllegalStateException.class, () -> w.write(synthetic()));
    }
  }

  // ---- cross-check with the independent Debian tools ----

  private static void requireTool(String path, String pkg) {
    if (!Files.isExecutable(Paths.get(path))) {
      fail(path + " is missing: install the Debian package " + pkg + " (apt-get install " + pkg
          + "); the SAC cross-check cannot run without it");
    }
  }

  private static String run(File dir, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", cmd) + " did not finish in 60 s");
    }
    assertThat(String.join(" ", cmd) + " exit status; output: " + out, p.exitValue(), equalTo(0));
    return out;
  }

  /**
   * Our SAC file through sac2mseed (which parses our header: byte order, NVHDR, NPTS, DELTA,
   * NZ*+B, KNETWK/KSTNM/KHOLE/KCMPNM, and our float32 data, packed as float32 miniSEED, -e 4) and
   * back through mseed2sac (an independent SAC writer), read by SacReader: samples identical,
   * identifiers, start time and rate equal.
   */
  private SeismicTrace throughTools(SeismicTrace t, ByteOrder order, String sacFormatFlag)
      throws IOException, InterruptedException {
    requireTool(SAC2MSEED, "sac2mseed");
    requireTool(MSEED2SAC, "mseed2sac");
    File dir = tmp.newFolder();
    Path sac = dir.toPath().resolve("ours.sac");
    Files.write(sac, write(t, order));
    run(dir, SAC2MSEED, "-f", sacFormatFlag, "-e", "4", "-r", "512", "-o", "ours.mseed", "ours.sac");
    File back = new File(dir, "back");
    assertThat(back.mkdir(), is(true));
    run(back, MSEED2SAC, "-f", "3", "../ours.mseed");
    List<Path> made;
    try (Stream<Path> s = Files.list(back.toPath())) {
      made = s.collect(Collectors.toCollection(ArrayList::new));
    }
    assertThat("files written by mseed2sac: " + made, made, hasSize(1));
    return SacReaderTest.readOne(made.get(0));
  }

  private static void assertToolsAgree(String what, SeismicTrace viaTools, SeismicTrace orig) {
    assertArrayEquals(what + " samples", orig.samples(), viaTools.samples(), 0.0);
    // sac2mseed puts network XX where KNETWK is undefined.
    String network = orig.network() == null ? "XX" : orig.network();
    assertThat(what + " network", viaTools.network(), equalTo(network));
    assertThat(what + " station", viaTools.station(), equalTo(orig.station()));
    assertThat(what + " location", viaTools.location(), equalTo(orig.location()));
    assertThat(what + " channel", viaTools.channel(), equalTo(orig.channel()));
    assertThat(what + " start", viaTools.startTimeNanos(), equalTo(orig.startTimeNanos()));
    assertThat(what + " rate", viaTools.sampleRateHz(), equalTo(orig.sampleRateHz()));
  }

  @Test
  public void sac2mseedAndMseed2sac_readOurFileOfAnotherFormatsTrace_bothByteOrders()
      throws IOException, InterruptedException {
    SeismicTrace t = synthetic();
    // -f 3: sac2mseed must take our file as little-endian binary, -f 4 as big-endian.
    assertToolsAgree("little-endian", throughTools(t, ByteOrder.LITTLE_ENDIAN, "3"), t);
    assertToolsAgree("big-endian", throughTools(t, ByteOrder.BIG_ENDIAN, "4"), t);
  }

  @Test
  public void sac2mseedAndMseed2sac_readOurRewrittenManifestFiles() throws IOException, InterruptedException {
    for (String p : List.of("sac/obspy/LMOW.BHE.SAC", "sac/generated/mseed2sac_le.sac", "sac/generated/mseed2sac_alpha.sac")) {
      SeismicTrace orig = SacReaderTest.readOne(TestData.entry(p).file());
      SeismicTrace viaTools = throughTools(orig, ByteOrder.BIG_ENDIAN, "2");
      assertToolsAgree(p, viaTools, orig);
    }
  }
}
