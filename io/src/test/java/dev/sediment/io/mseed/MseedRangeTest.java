package dev.sediment.io.mseed;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertArrayEquals;

import dev.sediment.io.seismic.SeismicTrace;
import dev.sediment.io.seismic.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.Test;

public class MseedRangeTest {

  static List<SeismicTrace> readRanges(Path f, long[] cuts) throws IOException {
    List<SeismicTrace> out = new ArrayList<>();
    for (int i = 0; i + 1 < cuts.length; i++) {
      try (MseedReader r = MseedReader.open(TestData.open(f), f.toString(), cuts[i], cuts[i + 1])) {
        for (SeismicTrace t; (t = r.next()) != null; ) {
          assertThat(f + " offset in range", t.offset() >= cuts[i] && t.offset() < cuts[i + 1], equalTo(true));
          assertThat(f + " index", t.index(), equalTo(cuts[i] == 0 ? (long) out.size() : -1L));
          out.add(t);
        }
      }
    }
    return out;
  }

  private static void assertSame(String what, List<SeismicTrace> whole, List<SeismicTrace> parts) {
    assertThat(what + " records", parts.size(), equalTo(whole.size()));
    for (int i = 0; i < whole.size(); i++) {
      SeismicTrace a = whole.get(i);
      SeismicTrace b = parts.get(i);
      assertThat(what + " offset", b.offset(), equalTo(a.offset()));
      assertThat(what + " start", b.startTimeNanos(), equalTo(a.startTimeNanos()));
      assertThat(what + " channel", b.channel(), equalTo(a.channel()));
      assertThat(what + " headers", b.headers(), equalTo(a.headers()));
      assertArrayEquals(what, a.samples(), b.samples(), 0.0);
    }
  }

  @Test
  public void ranges_everyManifestFileCutAtArbitraryBytes_giveExactlyTheWholeFileRecords()
      throws IOException {
    Random rnd = new Random(42);
    int files = 0;
    for (String format : new String[] {"miniSEED2", "miniSEED3"}) {
      for (TestData.Entry e : TestData.of(format)) {
        files++;
        Path f = e.file();
        long size = Files.size(f);
        List<SeismicTrace> whole = MseedReaderTest.readAll(f);
        for (int trial = 0; trial < 6; trial++) {
          TreeSet<Long> cuts = new TreeSet<>();
          cuts.add(0L);
          cuts.add(size);
          int n = 1 + rnd.nextInt(trial < 3 ? 4 : 40);
          for (int i = 0; i < n; i++) {
            long c = (long) (rnd.nextDouble() * size);
            // Also cut exactly at record starts and one byte off them.
            if (trial == 5 && !whole.isEmpty()) {
              c = whole.get(rnd.nextInt(whole.size())).offset() + rnd.nextInt(3) - 1;
            }
            cuts.add(Math.max(0, Math.min(size, c)));
          }
          long[] arr = cuts.stream().mapToLong(Long::longValue).toArray();
          assertSame(e + " cuts " + cuts, whole, readRanges(f, arr));
        }
      }
    }
    assertThat(files, equalTo(71));
  }

  @Test
  public void ranges_everyByteAsCut_fullSeedVolumeAndMixedLengths() throws IOException {
    for (String path :
        new String[] {
          "mseed2/obspy/fullseed.mseed",
          "mseed2/libmseed/testdata-oneseries-mixedlengths-mixedorder.mseed2",
          "mseed3/libmseed/testdata-oneseries-mixedlengths-mixedorder.mseed3",
          "mseed2/obspy/mseed_no_blkt_1000.mseed"
        }) {
      Path f = TestData.entry(path).file();
      long size = Files.size(f);
      List<SeismicTrace> whole = MseedReaderTest.readAll(f);
      for (long c = 1; c < size; c += 61) {
        assertSame(path + " cut " + c, whole, readRanges(f, new long[] {0, c, size}));
      }
    }
  }

  @Test
  public void range_emptyOrPastTheEnd_returnsNothing() throws IOException {
    Path f = TestData.entry("mseed2/generated/steim2_512_be.mseed").file();
    assertThat(readRanges(f, new long[] {100, 100}).size(), equalTo(0));
    assertThat(readRanges(f, new long[] {1 << 20, 1 << 21}).size(), equalTo(0));
    assertThat(readRanges(f, new long[] {1, 512}).size(), equalTo(0));
    assertThat(readRanges(f, new long[] {1, 513}).size(), equalTo(1));
  }
}
