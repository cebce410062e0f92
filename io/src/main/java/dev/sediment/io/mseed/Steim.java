package dev.sediment.io.mseed;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Steim-1 and Steim-2 compression (SEED manual v2.4, appendix B; FDSN miniSEED 3 encodings 10
 * and 11), hand-written for speed: decoding works on a {@code byte[]} of 64-byte frames straight
 * into a {@code double[]}, with no per-sample allocation.
 *
 * <p>{@code
 * int n = Steim.decodeSteim2(record, 64, 7, ByteOrder.BIG_ENDIAN, samples, 0, count);
 * }
 *
 * <p>Each frame is 16 32-bit words: word 0 holds sixteen 2-bit nibbles saying how words 1..15 are
 * packed; in the first frame of a record words 1 and 2 are the forward and reverse integration
 * constants X0 (first sample) and Xn (last sample). The first difference of a record is relative
 * to the previous record and is not used: sample 0 is X0, sample i is sample i-1 plus difference i.
 * Decoding checks that the last sample equals Xn.
 */
public final class Steim {
  private static final VarHandle BE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** Frames of data that do not decode; {@link #frameOffset()} is relative to the data start. */
  public static final class SteimException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int frameOffset;

    SteimException(int frameOffset, String message) {
      super(message);
      this.frameOffset = frameOffset;
    }

    /** Byte offset of the frame at fault from the first frame. */
    public int frameOffset() {
      return frameOffset;
    }
  }

  private Steim() {}

  // VarHandles must be constants for the JIT: pick one by a flag, never pass one around.
  private static int rd(byte[] b, int o, boolean le) {
    return le ? (int) LE.get(b, o) : (int) BE.get(b, o);
  }

  private static void wr(byte[] b, int o, int v, boolean le) {
    if (le) {
      LE.set(b, o, v);
    } else {
      BE.set(b, o, v);
    }
  }

  /**
   * Decodes {@code n} Steim-1 samples from {@code frames} 64-byte frames at {@code src[off]} into
   * {@code dst[dstOff..]}; 32-bit words are in {@code order}. Returns {@code n}.
   *
   * @throws SteimException when the frames hold fewer than {@code n} samples or the last sample
   *     differs from the reverse integration constant
   */
  public static int decodeSteim1(
      byte[] src, int off, int frames, ByteOrder order, double[] dst, int dstOff, int n)
      throws SteimException {
    return decode(1, src, off, frames, order == ByteOrder.LITTLE_ENDIAN, dst, dstOff, n);
  }

  /** As {@link #decodeSteim1} for Steim-2. */
  public static int decodeSteim2(
      byte[] src, int off, int frames, ByteOrder order, double[] dst, int dstOff, int n)
      throws SteimException {
    return decode(2, src, off, frames, order == ByteOrder.LITTLE_ENDIAN, dst, dstOff, n);
  }

  /** Steim-1 differences of one record, unpacked before the running sum; grows as needed. */
  private static final ThreadLocal<int[]> DIFFS = ThreadLocal.withInitial(() -> new int[4096]);

  private static int decode(
      int level, byte[] src, int off, int frames, boolean le, double[] dst, int dstOff, int n)
      throws SteimException {
    if (level == 2) {
      return decode2(src, off, frames, le, dst, dstOff, n);
    }
    if (n == 0) {
      return 0;
    }
    if (frames <= 0) {
      throw new SteimException(0, "no Steim frames for " + n + " samples");
    }
    int[] d = DIFFS.get();
    int need = scratchLength(level, frames, n);
    if (d.length < need) {
      d = new int[need];
      DIFFS.set(d);
    }
    return decode(level, src, off, frames, le, dst, dstOff, n, d);
  }

  /**
   * Length of the difference array {@link #decode(int, byte[], int, int, boolean, double[], int,
   * int, int[])} needs (Steim-2 needs none: 0).
   */
  static int scratchLength(int level, int frames, int n) {
    if (level == 2) {
      return 0;
    }
    // Unpacking stops at the first word that reaches n and writes at most 3 slots past it.
    return (int) Math.min((long) frames * 15 * 4, (long) n) + 8;
  }

  /**
   * As {@link #decodeSteim1} (level 1) or {@link #decodeSteim2} (level 2); Steim-1 unpacks into the
   * caller's difference array {@code d} of at least {@link #scratchLength} entries (a reader keeps
   * one), Steim-2 does not use it.
   */
  static int decode(
      int level, byte[] src, int off, int frames, boolean le, double[] dst, int dstOff, int n, int[] d)
      throws SteimException {
    if (level == 2) {
      return decode2(src, off, frames, le, dst, dstOff, n);
    }
    if (n == 0) {
      return 0;
    }
    if (frames <= 0) {
      throw new SteimException(0, "no Steim frames for " + n + " samples");
    }
    int x0 = rd(src, off + 4, le);
    int xn = rd(src, off + 8, le);
    // Two passes: unpack the record's differences (a branch per 32-bit word), then one tight
    // running-sum loop into dst; words after the n-th sample are not looked at.
    int m = unpack1(src, off, frames, le, d, n);
    if (m < n) {
      throw new SteimException(
          0, "the " + frames + " Steim-" + level + " frames hold " + m + " of " + n + " samples");
    }
    // The record's first difference refers to the previous record: sample 0 is X0.
    int last = x0;
    dst[dstOff] = x0;
    for (int i = 1; i < n; i++) {
      last += d[i];
      dst[dstOff + i] = last;
    }
    checkLast(level, last, xn);
    return n;
  }

  private static void checkLast(int level, int last, int xn) throws SteimException {
    if (last != xn) {
      throw new SteimException(
          0,
          "Steim-" + level + " last sample " + last + " differs from the reverse integration constant "
              + xn);
    }
  }

  /** Unpacks Steim-1 differences into {@code d} until at least {@code n}; returns how many. */
  private static int unpack1(byte[] src, int off, int frames, boolean le, int[] d, int n) {
    int m = 0;
    for (int f = 0; f < frames && m < n; f++) {
      int base = off + (f << 6);
      int ctrl = rd(src, base, le);
      for (int w = f == 0 ? 3 : 1; w < 16 && m < n; w++) {
        int nib = (ctrl >>> (30 - (w << 1))) & 3;
        if (nib == 0) {
          continue;
        }
        int v = rd(src, base + (w << 2), le);
        if (nib == 1) {
          if (le) { // little-endian Steim swaps each difference, not the word: memory order stays
            d[m] = (v << 24) >> 24;
            d[m + 1] = (v << 16) >> 24;
            d[m + 2] = (v << 8) >> 24;
            d[m + 3] = v >> 24;
          } else {
            d[m] = v >> 24;
            d[m + 1] = (v << 8) >> 24;
            d[m + 2] = (v << 16) >> 24;
            d[m + 3] = (v << 24) >> 24;
          }
          m += 4;
        } else if (nib == 2) {
          if (le) {
            d[m] = (v << 16) >> 16;
            d[m + 1] = v >> 16;
          } else {
            d[m] = v >> 16;
            d[m + 1] = (v << 16) >> 16;
          }
          m += 2;
        } else {
          d[m++] = v;
        }
      }
    }
    return m;
  }

  // Steim-2 tables for the packings decode2 does not special-case and for the last frames: code =
  // nibble * 4 + sub-code (the word's top two bits) gives the count of differences, their left
  // shifts and the right shift.
  private static final int[] S2_K = new int[16];
  private static final int[] S2_RIGHT = new int[16];
  private static final int[] S2_LEFT_BE = new int[16 * 8];
  private static final int[] S2_LEFT_LE = new int[16 * 8];
  /**
   * Per code for decode2's whole frames: -1 four 8-bit differences (nibble 01), 0 three 10-bit
   * differences (nibble 10, sub-code 11), 1 anything else (the tables, an empty word or an error).
   */
  private static final int[] S2_FAST = {1, 1, 1, 1, -1, -1, -1, -1, 1, 1, 1, 0, 1, 1, 1, 1};

  /** Codes that are not Steim-2 (nibble 10 with sub-code 00, nibble 11 with sub-code 11). */
  private static final int BAD = -1;

  static {
    for (int dnib = 0; dnib < 4; dnib++) {
      // nibble 01: four 8-bit differences; little-endian Steim stores them in reverse order
      s2(4 + dnib, 4, 24, new int[] {0, 8, 16, 24}, new int[] {24, 16, 8, 0});
    }
    S2_K[8] = BAD;
    s2(9, 1, 2, new int[] {2}, null);
    s2(10, 2, 17, new int[] {2, 17}, null);
    s2(11, 3, 22, new int[] {2, 12, 22}, null);
    s2(12, 5, 26, new int[] {2, 8, 14, 20, 26}, null);
    s2(13, 6, 27, new int[] {2, 7, 12, 17, 22, 27}, null);
    s2(14, 7, 28, new int[] {4, 8, 12, 16, 20, 24, 28}, null);
    S2_K[15] = BAD;
  }

  private static void s2(int code, int k, int right, int[] leftBe, int[] leftLe) {
    S2_K[code] = k;
    S2_RIGHT[code] = right;
    for (int j = 0; j < 8; j++) {
      // Slots past k still get a valid shift; their values are overwritten.
      S2_LEFT_BE[code * 8 + j] = j < k ? leftBe[j] : 0;
      S2_LEFT_LE[code * 8 + j] = j < k ? (leftLe != null ? leftLe : leftBe)[j] : 0;
    }
  }

  /**
   * Steim-2 in one pass, summing while unpacking straight into {@code dst}. Sample i is the sum of
   * X0 and differences 1..i; with {@code acc} starting at X0 minus difference 0, sample i is simply
   * {@code acc} after adding difference i, for every i from 0 (int arithmetic wraps the same way).
   *
   * <p>Words are read as the two-pass decoder before it read them (frame 0 from word 3, up to the
   * word that reaches n), so the errors are the same. While a whole frame fits below n (at most 105
   * differences), its words are decoded without checking n: the two packings that make up nearly
   * all real data, four 8-bit and three 10-bit differences, are decoded together without a branch
   * (both are extracted, the mask from {@link #S2_FAST} picks one; a branch between them would be
   * mispredicted about every third word on real data), the others through the tables. The last
   * frames go word by word, writing only below n. Alternatives measured slower (paired A/B runs on
   * the benchmark file, docs/benchmarks.md): a branch per packing, a separate method for the rare
   * packings, and an int-to-double conversion by bit pattern instead of {@code (double)}.
   */
  private static int decode2(
      byte[] src, int off, int frames, boolean le, double[] dst, int dstOff, int n)
      throws SteimException {
    if (n == 0) {
      return 0;
    }
    if (frames <= 0) {
      throw new SteimException(0, "no Steim frames for " + n + " samples");
    }
    int x0 = rd(src, off + 4, le);
    int xn = rd(src, off + 8, le);
    int acc = x0 - firstDiff2(src, off, frames, le);
    // Whole frames: few live values, so that the loop keeps them in registers; o is where the
    // next difference goes in dst.
    int end = dstOff + n;
    int o = dstOff;
    int f = 0;
    for (; f < frames && end - o >= 105; f++) {
      int at = off + (f << 6);
      int last = at + 60;
      int ctrl = rd(src, at, le);
      if (f == 0) {
        at += 8;
        ctrl <<= 4;
      }
      while (at < last) {
        at += 4;
        ctrl <<= 2; // this word's nibble in the top two bits
        int v = rd(src, at, le);
        int code = ((ctrl >>> 30) << 2) | (v >>> 30);
        int is8 = S2_FAST[code & 15];
        if (is8 <= 0) {
          int t0 = (v << 2) >> 22;
          int t1 = (v << 12) >> 22;
          int t2 = (v << 22) >> 22;
          // Four 8-bit differences are the word's bytes in memory order, in either word order.
          int d0 = t0 ^ ((src[at] ^ t0) & is8);
          int d1 = t1 ^ ((src[at + 1] ^ t1) & is8);
          int d2 = t2 ^ ((src[at + 2] ^ t2) & is8);
          int d3 = src[at + 3] & is8; // 0 for 3 x 10 bits: slot o + 3 is rewritten next
          acc += d0;
          dst[o] = acc;
          acc += d1;
          dst[o + 1] = acc;
          acc += d2;
          dst[o + 2] = acc;
          acc += d3;
          dst[o + 3] = acc;
          o += 3 - is8;
        } else if (code > 3) {
          int k = S2_K[code];
          if (k == BAD) {
            throw badWord(at - off & ~63, (at - off & 63) >> 2, code >> 2);
          }
          int r = S2_RIGHT[code];
          int l = code << 3;
          int[] lefts = le ? S2_LEFT_LE : S2_LEFT_BE;
          for (int j = 0; j < k; j++) {
            acc += (v << lefts[l + j]) >> r;
            dst[o + j] = acc;
          }
          o += k;
        }
      }
    }
    final int[] rights = S2_RIGHT;
    final int[] lefts = le ? S2_LEFT_LE : S2_LEFT_BE;
    int m = o - dstOff;
    // The last frames: stop at the word that reaches n and write nothing at or past n.
    for (; f < frames && m < n; f++) {
      int base = off + (f << 6);
      int ctrl = rd(src, base, le);
      for (int w = f == 0 ? 3 : 1; w < 16 && m < n; w++) {
        int nib = (ctrl >>> (30 - (w << 1))) & 3;
        if (nib == 0) {
          continue;
        }
        int v = rd(src, base + (w << 2), le);
        int code = (nib << 2) | (v >>> 30);
        int k = S2_K[code];
        if (k == BAD) {
          throw badWord(base - off, w, nib);
        }
        int r = rights[code];
        int l = code << 3;
        int until = Math.min(k, n - m);
        for (int j = 0; j < until; j++) {
          acc += (v << lefts[l + j]) >> r;
          dst[dstOff + m + j] = acc;
        }
        m += k;
      }
    }
    if (m < n) {
      throw new SteimException(0, "the " + frames + " Steim-2 frames hold " + m + " of " + n + " samples");
    }
    checkLast(2, (int) dst[dstOff + n - 1], xn);
    return n;
  }

  /**
   * The first difference of a record (that of its first non-empty word from frame 0 word 3 on), or
   * 0 when there is none or the word is not Steim-2: the decoder then fails on that word or on the
   * sample count.
   */
  private static int firstDiff2(byte[] src, int off, int frames, boolean le) {
    for (int f = 0; f < frames; f++) {
      int base = off + (f << 6);
      int ctrl = rd(src, base, le);
      for (int w = f == 0 ? 3 : 1; w < 16; w++) {
        int nib = (ctrl >>> (30 - (w << 1))) & 3;
        if (nib != 0) {
          int v = rd(src, base + (w << 2), le);
          int code = (nib << 2) | (v >>> 30);
          if (S2_K[code] == BAD) {
            return 0;
          }
          return (v << (le ? S2_LEFT_LE : S2_LEFT_BE)[code << 3]) >> S2_RIGHT[code];
        }
      }
    }
    return 0;
  }

  private static SteimException badWord(int frameOffset, int w, int nib) {
    return new SteimException(
        frameOffset,
        "Steim-2 word " + w + " has nibble " + (nib == 2 ? "10 with sub-code 00" : "11 with sub-code 11"));
  }

  /** Bits needed for {@code d} in two's complement. */
  private static int bits(int d) {
    return 33 - Integer.numberOfLeadingZeros(d ^ (d >> 31));
  }

  private static final int[] S2_COUNT = {7, 6, 5, 4, 3, 2, 1};
  private static final int[] S2_WIDTH = {4, 5, 6, 8, 10, 15, 30};
  private static final int[] S1_COUNT = {4, 2, 1};
  private static final int[] S1_WIDTH = {8, 16, 32};

  /**
   * Packs as many of {@code count} samples {@code x[from..]} as fit into at most {@code maxFrames}
   * frames at {@code out[off]}, greedily taking in each word the packing that holds the most
   * differences. {@code firstDiff} is the difference of {@code x[from]} to the previous record's
   * last sample (0 for the first record). Unused frames are left zero; the caller zeroes {@code
   * out}.
   *
   * @return the samples packed in the high 32 bits and the frames used in the low 32 bits
   * @throws IllegalArgumentException when a difference does not fit (32 bits for Steim-1, 30 for
   *     Steim-2)
   */
  public static long encode(
      int level,
      int[] x,
      int from,
      int count,
      int firstDiff,
      byte[] out,
      int off,
      int maxFrames,
      ByteOrder order) {
    if (level != 1 && level != 2) {
      throw new IllegalArgumentException("Steim level must be 1 or 2, got " + level);
    }
    boolean le = order == ByteOrder.LITTLE_ENDIAN;
    if (count == 0 || maxFrames <= 0) {
      return 0;
    }
    int perFrame = level == 1 ? 60 : 105;
    int window = (int) Math.min(count, (long) maxFrames * perFrame + 1);
    int[] diff = new int[window];
    byte[] nbits = new byte[window];
    for (int i = 0; i < window; i++) {
      long dl = i == 0 ? firstDiff : (long) x[from + i] - x[from + i - 1];
      int maxBits = level == 1 ? 32 : 30;
      int d = (int) dl;
      if (dl != d || bits(d) > maxBits) {
        if (i == 0) {
          d = 0;
        } else {
          throw new IllegalArgumentException(
              "Steim-" + level + " cannot hold the difference " + dl + " at sample " + (from + i));
        }
      }
      diff[i] = d;
      nbits[i] = (byte) bits(d);
    }
    int[] counts = level == 1 ? S1_COUNT : S2_COUNT;
    int[] widths = level == 1 ? S1_WIDTH : S2_WIDTH;
    int i = 0;
    int frame = 0;
    for (; frame < maxFrames && i < window; frame++) {
      int base = off + (frame << 6);
      int ctrl = 0;
      for (int w = frame == 0 ? 3 : 1; w < 16 && i < window; w++) {
        int remaining = window - i;
        int choice = -1;
        for (int c = 0; c < counts.length; c++) {
          int k = counts[c];
          if (k > remaining) {
            continue;
          }
          int width = widths[c];
          boolean fits = true;
          for (int j = 0; j < k; j++) {
            if (nbits[i + j] > width) {
              fits = false;
              break;
            }
          }
          if (fits) {
            choice = c;
            break;
          }
        }
        int k = counts[choice];
        int width = widths[choice];
        int word;
        int nib;
        boolean reverse = le && k > 1 && (k == 4 || level == 1);
        if (level == 1) {
          nib = k == 4 ? 1 : k == 2 ? 2 : 3;
          word = 0;
          for (int j = 0; j < k; j++) {
            int dj = diff[i + (reverse ? k - 1 - j : j)];
            word = (int) (((long) word << width) | (dj & ((1L << width) - 1)));
          }
        } else {
          int dnib;
          switch (k) {
            case 4:
              nib = 1;
              dnib = -1;
              break;
            case 1:
              nib = 2;
              dnib = 1;
              break;
            case 2:
              nib = 2;
              dnib = 2;
              break;
            case 3:
              nib = 2;
              dnib = 3;
              break;
            case 5:
              nib = 3;
              dnib = 0;
              break;
            case 6:
              nib = 3;
              dnib = 1;
              break;
            default:
              nib = 3;
              dnib = 2;
              break;
          }
          word = 0;
          for (int j = 0; j < k; j++) {
            int dj = diff[i + (reverse ? k - 1 - j : j)];
            word = (word << width) | (dj & ((1 << width) - 1));
          }
          if (dnib >= 0) {
            word |= dnib << 30;
          }
        }
        wr(out, base + (w << 2), word, le);
        ctrl |= nib << (30 - (w << 1));
        i += k;
      }
      wr(out, base, ctrl, le);
    }
    int packed = i;
    wr(out, off + 4, x[from], le);
    wr(out, off + 8, x[from + packed - 1], le);
    return ((long) packed << 32) | frame;
  }
}
