package dev.sediment.io.sort;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.emptyArray;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.values.KV;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * ByteKeySorter against a stable in-memory sort of the same entries: in memory, spilled to a few
 * runs, and spilled to more runs than one merge may open, with the run files gone afterwards.
 */
@RunWith(JUnit4.class)
public class ByteKeySorterTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  /**
   * Entries with repeated keys (so stability shows) and bytes above 0x7f (so signedness shows).
   * Every entry costs exactly 2 + 6 + {@link ByteKeySorter#ENTRY_OVERHEAD} bytes.
   */
  private static List<KV<byte[], String>> entries(int n, long seed) {
    Random r = new Random(seed);
    List<KV<byte[], String>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] key = new byte[2];
      for (int j = 0; j < key.length; j++) {
        key[j] = (byte) (r.nextBoolean() ? r.nextInt(4) : 0xfe + r.nextInt(2));
      }
      out.add(KV.of(key, String.format("v%05d", i)));
    }
    return out;
  }

  private static List<String> expected(List<KV<byte[], String>> in) {
    List<KV<byte[], String>> copy = new ArrayList<>(in);
    copy.sort((a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
    List<String> out = new ArrayList<>();
    for (KV<byte[], String> kv : copy) {
      out.add(Arrays.toString(kv.getKey()) + "=" + kv.getValue());
    }
    return out;
  }

  private List<String> sortAndRead(List<KV<byte[], String>> in, long memory, int expectRuns)
      throws Exception {
    File root = tmp.newFolder();
    List<String> out = new ArrayList<>();
    try (ByteKeySorter<String> s =
        ByteKeySorter.sort(in, StringUtf8Coder.of(), memory, root.toPath())) {
      assertThat(s.spilledRuns(), equalTo(expectRuns));
      for (KV<byte[], String> kv : s) {
        out.add(Arrays.toString(kv.getKey()) + "=" + kv.getValue());
      }
      assertThrows(IllegalStateException.class, s::iterator);
    }
    assertThat("run files removed", root.list(), emptyArray());
    return out;
  }

  @Test
  public void inMemory_sortsUnsignedAndStable() throws Exception {
    List<KV<byte[], String>> in = entries(5_000, 1);
    assertThat(sortAndRead(in, 64L << 20, 0), equalTo(expected(in)));
  }

  @Test
  public void spilled_mergesRunsIntoTheSameOrder() throws Exception {
    List<KV<byte[], String>> in = entries(5_000, 2);
    // A run is spilled when the 100th entry passes the limit: 50 runs.
    long perRun = 100 * (8 + ByteKeySorter.ENTRY_OVERHEAD) - 1;
    List<String> got = sortAndRead(in, perRun, 50);
    assertThat(got, equalTo(expected(in)));
  }

  @Test
  public void moreRunsThanOneMergeOpens_mergesInPasses() throws Exception {
    List<KV<byte[], String>> in = entries(20_000, 3);
    long perRun = 100 * (8 + ByteKeySorter.ENTRY_OVERHEAD) - 1;
    // 200 runs: merged in groups of 64 into 4 runs (64, 64, 64, 8), then merged while read.
    List<String> got = sortAndRead(in, perRun, 4);
    assertThat(got, equalTo(expected(in)));
  }

  @Test
  public void empty_yieldsNothing() throws Exception {
    try (ByteKeySorter<Void> s =
        ByteKeySorter.sort(List.of(), VoidCoder.of(), 1, tmp.getRoot().toPath())) {
      Iterator<KV<byte[], Void>> it = s.iterator();
      assertThat(it.hasNext(), equalTo(false));
    }
  }

  @Test
  public void voidValues_spilled_keepEveryKey() throws Exception {
    List<KV<byte[], Void>> in = new ArrayList<>();
    for (int i = 999; i >= 0; i--) {
      in.add(KV.of(String.format("%04d", i % 500).getBytes(StandardCharsets.US_ASCII), null));
    }
    List<String> got = new ArrayList<>();
    try (ByteKeySorter<Void> s =
        ByteKeySorter.sort(
            in, VoidCoder.of(), 10 * ByteKeySorter.ENTRY_OVERHEAD, tmp.getRoot().toPath())) {
      for (KV<byte[], Void> kv : s) {
        got.add(new String(kv.getKey(), StandardCharsets.US_ASCII));
      }
    }
    assertThat(got.size(), equalTo(1000));
    assertThat(got.subList(0, 4), equalTo(List.of("0000", "0000", "0001", "0001")));
    assertThat(got.get(999), equalTo("0499"));
  }
}
