package dev.sediment.io.mseed;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.Test;

/**
 * Steim-2 decoding on frames built word by word here, with the packing of every word chosen: each
 * packing (1 x 30, 2 x 15, 3 x 10, 4 x 8, 5 x 6, 6 x 5, 7 x 4 bits), empty words, both word orders,
 * every sample count a record's frames can end at (whole frames decoded without per-word bounds,
 * then the last frames word by word), and every error. Expected samples are the running sums of
 * the differences the test packed, not a second decoder.
 */
public class SteimTest {
  /** Packings as {count, bits, nibble, sub-code (-1: none)}. */
  private static final int[][] PACKINGS = {
    {1, 30, 2, 1}, {2, 15, 2, 2}, {3, 10, 2, 3}, {4, 8, 1, -1}, {5, 6, 3, 0}, {6, 5, 3, 1}, {7, 4, 3, 2}
  };
  private static final int EMPTY = -1;

  /** Frames under construction: words (with their nibbles) and the differences they hold. */
  private static final class Frames {
    final ByteOrder order;
    final List<int[]> words = new ArrayList<>(); // {nibble, value}
    final List<Integer> diffs = new ArrayList<>();

    Frames(ByteOrder order) {
      this.order = order;
    }

    /** Appends a word of packing {@code p} (an index of PACKINGS, or EMPTY) holding {@code d}. */
    Frames word(int p, int... d) {
      if (p == EMPTY) {
        words.add(new int[] {0, 0x5A5A5A5A});
        return this;
      }
      int[] pk = PACKINGS[p];
      assertThat(d.length, equalTo(pk[0]));
      boolean reverse = order == ByteOrder.LITTLE_ENDIAN && pk[0] == 4;
      int v = 0;
      for (int j = 0; j < pk[0]; j++) {
        int dj = d[reverse ? pk[0] - 1 - j : j];
        v = (v << pk[1]) | (dj & ((1 << pk[1]) - 1));
        diffs.add(d[j]);
      }
      if (pk[3] >= 0) {
        v |= pk[3] << 30;
      }
      words.add(new int[] {pk[2], v});
      return this;
    }

    /** A word with a nibble and a value as given (for codes that are not Steim-2). */
    Frames raw(int nibble, int value) {
      words.add(new int[] {nibble, value});
      return this;
    }

    /** Samples 0..n-1: X0, then X0 plus the differences after the first. */
    int[] samples(int x0, int n) {
      int[] x = new int[n];
      x[0] = x0;
      for (int i = 1; i < n; i++) {
        x[i] = x[i - 1] + diffs.get(i);
      }
      return x;
    }

    /** The frames, with X0 and Xn in frame 0 and unused words of the last frame empty. */
    byte[] bytes(int x0, int xn) {
      int slots = 2 + words.size();
      int frames = (slots + 14) / 15;
      ByteBuffer b = ByteBuffer.allocate(frames * 64).order(order);
      int[] ctrl = new int[frames];
      b.putInt(4, x0);
      b.putInt(8, xn);
      for (int i = 0; i < words.size(); i++) {
        int slot = i + 2;
        int f = slot / 15;
        int w = slot % 15 + 1;
        ctrl[f] |= words.get(i)[0] << (30 - 2 * w);
        b.putInt(f * 64 + w * 4, words.get(i)[1]);
      }
      for (int f = 0; f < frames; f++) {
        b.putInt(f * 64, ctrl[f]);
      }
      return b.array();
    }
  }

  /** Random differences that fit packing {@code p}, the extremes of its range included. */
  private static int[] diffsFor(int p, Random r) {
    int[] pk = PACKINGS[p];
    int[] d = new int[pk[0]];
    int max = (1 << (pk[1] - 1)) - 1;
    for (int j = 0; j < d.length; j++) {
      int pick = r.nextInt(8);
      d[j] = pick == 0 ? max : pick == 1 ? -max - 1 : r.nextInt(2 * max + 2) - max - 1;
    }
    return d;
  }

  /** Words of every packing in turn, with an empty word every eleventh word. */
  private static Frames everyPacking(ByteOrder order, int words, long seed) {
    Random r = new Random(seed);
    Frames f = new Frames(order);
    for (int i = 0; i < words; i++) {
      if (i % 11 == 10) {
        f.word(EMPTY);
      } else {
        int p = i % PACKINGS.length;
        f.word(p, diffsFor(p, r));
      }
    }
    return f;
  }

  private static double[] decode(byte[] b, ByteOrder order, int n, int pad) throws Steim.SteimException {
    double[] dst = new double[pad + n + pad];
    Arrays.fill(dst, -0.5);
    assertThat(Steim.decodeSteim2(b, 0, b.length / 64, order, dst, pad, n), equalTo(n));
    for (int i = 0; i < pad; i++) {
      assertThat("written before the samples at " + i, dst[i], equalTo(-0.5));
      assertThat("written past the samples at " + i, dst[pad + n + i], equalTo(-0.5));
    }
    return Arrays.copyOfRange(dst, pad, pad + n);
  }

  private static double[] asDoubles(int[] x) {
    return Arrays.stream(x).asDoubleStream().toArray();
  }

  @Test
  public void decodeSteim2_everyPackingAndEveryEnd_bothWordOrders() throws Exception {
    for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
      // 150 words: 10 frames, several decoded whole, the last one partly used.
      Frames f = everyPacking(order, 150, 7);
      int total = f.diffs.size();
      int x0 = -123_456_789;
      // Every sample count from 1 to all differences: ends inside a word, at a word's end, in a
      // frame decoded whole and in the last frames.
      for (int n = 1; n <= total; n++) {
        int[] want = f.samples(x0, n);
        byte[] b = f.bytes(x0, want[n - 1]);
        assertThat(order + " n=" + n, decode(b, order, n, 9), equalTo(asDoubles(want)));
      }
    }
  }

  @Test
  public void decodeSteim2_onePackingThroughout_eachPackingBothWordOrders() throws Exception {
    for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
      for (int p = 0; p < PACKINGS.length; p++) {
        Random r = new Random(p);
        Frames f = new Frames(order);
        for (int i = 0; i < 100; i++) {
          f.word(p, diffsFor(p, r));
        }
        int n = f.diffs.size() - 1; // the last word holds one difference more than used
        int[] want = f.samples(Integer.MAX_VALUE - 5, n);
        byte[] b = f.bytes(want[0], want[n - 1]);
        assertThat(order + " packing " + p, decode(b, order, n, 3), equalTo(asDoubles(want)));
      }
    }
  }

  @Test
  public void decodeSteim2_randomWordsAndSampleCounts_matchRunningSums() throws Exception {
    Random r = new Random(20261123);
    for (int trial = 0; trial < 300; trial++) {
      ByteOrder order = r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
      Frames f = new Frames(order);
      int words = 1 + r.nextInt(400);
      for (int i = 0; i < words; i++) {
        // Mostly 4 x 8 and 3 x 10 bits, as real data; every other packing and empty words too.
        int pick = r.nextInt(20);
        int p = pick < 8 ? 3 : pick < 16 ? 2 : pick == 16 ? EMPTY : r.nextInt(PACKINGS.length);
        if (p == EMPTY) {
          f.word(EMPTY);
        } else {
          f.word(p, diffsFor(p, r));
        }
      }
      if (f.diffs.isEmpty()) {
        continue;
      }
      int n = 1 + r.nextInt(f.diffs.size());
      int[] want = f.samples(r.nextInt(), n);
      byte[] b = f.bytes(want[0], want[n - 1]);
      assertThat("trial " + trial, decode(b, order, n, 1), equalTo(asDoubles(want)));
    }
  }

  @Test
  public void decodeSteim2_firstDifferenceAfterEmptyWords_isNotUsed() throws Exception {
    // The first non-empty word is in frame 1; its first difference refers to the previous record.
    Frames f = new Frames(ByteOrder.BIG_ENDIAN);
    for (int i = 0; i < 13; i++) {
      f.word(EMPTY);
    }
    f.word(2, 500, -3, 7).word(3, 1, 2, 3, 4);
    int[] want = f.samples(40, 7);
    assertThat(want, equalTo(new int[] {40, 37, 44, 45, 47, 50, 54}));
    assertThat(decode(f.bytes(40, 54), ByteOrder.BIG_ENDIAN, 7, 2), equalTo(asDoubles(want)));
  }

  @Test
  public void decodeSteim2_samplesWrapAroundAsInt32() throws Exception {
    Frames f = new Frames(ByteOrder.BIG_ENDIAN).word(0, 0).word(0, 1).word(0, 1);
    byte[] b = f.bytes(Integer.MAX_VALUE, Integer.MIN_VALUE + 1);
    assertThat(
        decode(b, ByteOrder.BIG_ENDIAN, 3, 0),
        equalTo(new double[] {Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1}));
  }

  private static Steim.SteimException fails(byte[] b, ByteOrder order, int n) {
    try {
      Steim.decodeSteim2(b, 0, b.length / 64, order, new double[n], 0, n);
    } catch (Steim.SteimException e) {
      return e;
    }
    throw new AssertionError("no error");
  }

  @Test
  public void decodeSteim2_badSubCodes_failAtTheirFrameInWholeAndLastFrames() {
    for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
      for (int[] bad : new int[][] {{2, 0x0000_0001}, {3, 0xC000_0001}}) {
        String what = bad[0] == 2 ? "10 with sub-code 00" : "11 with sub-code 11";
        // In frame 1 of 10 (decoded whole) at word 4, and in the last frame at word 9.
        for (int[] at : new int[][] {{1, 4}, {9, 9}}) {
          Frames f = everyPacking(order, 150, 3);
          int index = at[0] * 15 + at[1] - 1 - 2; // word index behind X0 and Xn
          f.words.set(index, bad);
          int n = f.diffs.size() - 3;
          byte[] b = f.bytes(0, 0);
          Steim.SteimException e = fails(b, order, n);
          assertThat(e.getMessage(), equalTo("Steim-2 word " + at[1] + " has nibble " + what));
          assertThat(e.frameOffset(), equalTo(at[0] * 64));
        }
      }
    }
  }

  @Test
  public void decodeSteim2_badWordAfterTheLastSample_isNotLookedAt() throws Exception {
    Frames f = everyPacking(ByteOrder.BIG_ENDIAN, 120, 5);
    int n = f.diffs.size();
    f.raw(3, 0xC000_0000); // after every difference used
    int[] want = f.samples(11, n);
    assertThat(
        decode(f.bytes(11, want[n - 1]), ByteOrder.BIG_ENDIAN, n, 0), equalTo(asDoubles(want)));
  }

  @Test
  public void decodeSteim2_lastSampleNotXn_failsNamingBoth() {
    Frames f = everyPacking(ByteOrder.BIG_ENDIAN, 150, 9);
    int n = f.diffs.size();
    int[] want = f.samples(0, n);
    Steim.SteimException e = fails(f.bytes(0, want[n - 1] + 1), ByteOrder.BIG_ENDIAN, n);
    assertThat(
        e.getMessage(),
        equalTo(
            "Steim-2 last sample " + want[n - 1] + " differs from the reverse integration constant "
                + (want[n - 1] + 1)));
    assertThat(e.frameOffset(), equalTo(0));
  }

  @Test
  public void decodeSteim2_fewerDifferencesThanSamples_failsWithBothCounts() {
    Frames f = everyPacking(ByteOrder.BIG_ENDIAN, 150, 9);
    int m = f.diffs.size();
    byte[] b = f.bytes(0, 0);
    Steim.SteimException e = fails(b, ByteOrder.BIG_ENDIAN, m + 1);
    assertThat(
        e.getMessage(), equalTo("the " + b.length / 64 + " Steim-2 frames hold " + m + " of " + (m + 1) + " samples"));
    try {
      Steim.decodeSteim2(b, 0, 0, ByteOrder.BIG_ENDIAN, new double[1], 0, 1);
      fail("no error without frames");
    } catch (Steim.SteimException ex) {
      assertThat(ex.getMessage(), equalTo("no Steim frames for 1 samples"));
    }
  }

  @Test
  public void encodeThenDecode_everyWidthOfDifference_roundTrips() throws Exception {
    // Our encoder picks the packings; the decoder must read them back in both word orders.
    Random r = new Random(42);
    int[] x = new int[2000];
    for (int i = 1; i < x.length; i++) {
      int bits = 1 + r.nextInt(30);
      x[i] = x[i - 1] + (r.nextInt(1 << bits) - (1 << (bits - 1))) / (bits > 20 ? 64 : 1);
    }
    for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
      byte[] out = new byte[64 * 63];
      long packed = Steim.encode(2, x, 0, x.length, 0, out, 0, 63, order);
      int n = (int) (packed >>> 32);
      int frames = (int) packed;
      double[] dst = new double[n];
      Steim.decodeSteim2(out, 0, frames, order, dst, 0, n);
      assertThat(dst, equalTo(asDoubles(Arrays.copyOf(x, n))));
    }
  }
}
