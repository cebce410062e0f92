package dev.sediment.io.mseed;

import dev.sediment.io.seismic.SampleEncoding;
import dev.sediment.io.seismic.SeismicTrace;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Writes {@link SeismicTrace}s as miniSEED 2 data records (SEED manual v2.4, chapter 8, with
 * blockette 1000 and, when needed, 1001 and 100) or miniSEED 3 records (FDSN 2023, with CRC-32C),
 * splitting each trace into as many records as its samples need.
 *
 * <p>{@code
 * try (MseedWriter w = new MseedWriter(out, MseedWriter.Options.defaults()
 *     .withRecordLength(512).withEncoding(SampleEncoding.STEIM2))) {
 *   w.write(trace);
 * }
 * }
 *
 * <p>Each option left unset follows the trace: its {@code record_length}, {@code byte_order} and
 * encoding when it came from a miniSEED file of the same version, else 4096-byte records,
 * big-endian (v2), and the trace's encoding when the writer has it (else float64, which holds any
 * sample). The samples must be representable in the encoding (integers in range for int16, int32
 * and Steim; differences within 30 bits for Steim-2; exact float32 values for float32; 0..255 for
 * text), else {@link IllegalArgumentException}. Steim records are packed greedily, taking in
 * every word the packing that holds the most differences, and carry correct integration constants.
 *
 * <p>A miniSEED 2 trace's quality indicator, activity, I/O and data quality flags, time
 * correction, sample rate factor and multiplier (when they give the trace's rate) and timing
 * quality are written back; a miniSEED 3 trace's flags, publication version, extra headers and
 * rate-or-period field likewise.
 *
 * <p>Start times: record k starts at the trace start plus the samples before it divided by the rate
 * (rounded to the nanosecond). miniSEED 2 holds microseconds: the nearest 0.0001 s goes into the
 * header's start time and the rest (-50 to 49 µs) into blockette 1001, written when those digits are not zero or
 * the trace carried blockette 1001 ({@code timing_quality}); sub-microsecond digits are dropped. A
 * trace's unapplied time correction ({@code time_correction} with activity flag bit 1 clear) is
 * kept, and the header time written without it, so a reader applying it gets the trace's start
 * back. Sequence numbers run 1 to 999999 over the whole output, then start again.
 *
 * <p>Not thread-safe. {@link #close()} flushes and closes the output.
 */
public final class MseedWriter implements Closeable {

  /** The writer's settings; each {@code withX} returns a changed copy. */
  public static final class Options {
    private final int formatVersion;
    private final Integer recordLength;
    private final String encoding;
    private final ByteOrder byteOrder;

    private Options(int formatVersion, Integer recordLength, String encoding, ByteOrder byteOrder) {
      this.formatVersion = formatVersion;
      this.recordLength = recordLength;
      this.encoding = encoding;
      this.byteOrder = byteOrder;
    }

    /** miniSEED 2; record length, encoding and byte order follow each trace (see the class). */
    public static Options defaults() {
      return new Options(2, null, null, null);
    }

    /** 2 (default) or 3. */
    public Options withFormatVersion(int version) {
      if (version != 2 && version != 3) {
        throw new IllegalArgumentException("formatVersion must be 2 or 3, got " + version);
      }
      return new Options(version, recordLength, encoding, byteOrder);
    }

    /**
     * miniSEED 2: the record length, a power of two from 128 to 65536. miniSEED 3: the largest
     * record, at least 128 bytes. Default: the trace's {@code record_length} when it is valid and
     * the trace has this version, else 4096.
     */
    public Options withRecordLength(int bytes) {
      if (bytes < 128 || bytes > MseedReader.MAX_V3_RECLEN) {
        throw new IllegalArgumentException(
            "recordLength must be 128 to " + MseedReader.MAX_V3_RECLEN + " bytes, got " + bytes);
      }
      return new Options(formatVersion, bytes, encoding, byteOrder);
    }

    /**
     * One of {@link SampleEncoding#STEIM1}, {@code STEIM2}, {@code INT16}, {@code INT32}, {@code
     * FLOAT32}, {@code FLOAT64}, {@code TEXT}. Default: the trace's encoding when it is one of
     * these, else float64.
     */
    public Options withEncoding(String encoding) {
      if (code(encoding) < 0) {
        throw new IllegalArgumentException(
            "encoding must be steim1, steim2, int16, int32, float32, float64 or text, got "
                + encoding);
      }
      return new Options(formatVersion, recordLength, encoding, byteOrder);
    }

    /**
     * miniSEED 2 only (miniSEED 3 is little-endian with big-endian Steim frames by definition).
     * Default: the trace's {@code byte_order} for a miniSEED 2 trace, else big-endian.
     */
    public Options withByteOrder(ByteOrder order) {
      return new Options(formatVersion, recordLength, encoding, Objects.requireNonNull(order));
    }

    public int formatVersion() {
      return formatVersion;
    }
  }

  private static final VarHandle I16_BE =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle I16_LE =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I32_BE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle I32_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle F32_BE =
      MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle F32_LE =
      MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle F64_BE =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle F64_LE =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

  private final WritableByteChannel out;
  private final Options options;
  private final ByteBuffer pendingOut = ByteBuffer.allocate(1 << 16);
  private int sequence = 1;
  private long records;
  private boolean closed;

  public MseedWriter(WritableByteChannel out, Options options) {
    this.out = Objects.requireNonNull(out, "out");
    this.options = Objects.requireNonNull(options, "options");
  }

  public MseedWriter(OutputStream out, Options options) {
    this(Channels.newChannel(out), options);
  }

  /** A miniSEED 2 writer following each trace's record length, encoding and byte order. */
  public MseedWriter(OutputStream out) {
    this(out, Options.defaults());
  }

  /** Records written so far. */
  public long recordsWritten() {
    return records;
  }

  static int code(String encoding) {
    if (encoding == null) {
      return -1;
    }
    switch (encoding) {
      case SampleEncoding.TEXT:
        return 0;
      case SampleEncoding.INT16:
        return 1;
      case SampleEncoding.INT32:
        return 3;
      case SampleEncoding.FLOAT32:
        return 4;
      case SampleEncoding.FLOAT64:
        return 5;
      case SampleEncoding.STEIM1:
        return 10;
      case SampleEncoding.STEIM2:
        return 11;
      default:
        return -1;
    }
  }

  /** Writes the trace as one or more records. */
  public void write(SeismicTrace t) throws IOException {
    if (closed) {
      throw new IOException("writer is closed");
    }
    if (t.startTimeNanos() == null) {
      throw new IllegalArgumentException(t + " has no start time; miniSEED needs one");
    }
    int version = options.formatVersion;
    boolean sameVersion = Integer.toString(version).equals(t.header("format_version"));
    int enc = options.encoding != null ? code(options.encoding) : code(t.encoding());
    if (enc < 0) {
      enc = 5;
    }
    int reclen;
    if (options.recordLength != null) {
      reclen = options.recordLength;
    } else {
      reclen = 4096;
      String h = sameVersion ? t.header("record_length") : null;
      if (h != null) {
        try {
          reclen = Integer.parseInt(h);
        } catch (NumberFormatException e) {
          reclen = 4096;
        }
      }
    }
    if (version == 2 && (reclen < 128 || reclen > 65536 || Integer.bitCount(reclen) != 1)) {
      if (options.recordLength != null) {
        throw new IllegalArgumentException(
            "miniSEED 2 record length must be a power of two from 128 to 65536, got " + reclen);
      }
      reclen = 4096;
    }
    double rate = t.sampleRateHz();
    if (Double.isNaN(rate) || rate < 0 || Double.isInfinite(rate)) {
      throw new IllegalArgumentException(t + " has sample rate " + rate + "; miniSEED needs a rate >= 0");
    }
    double[] x = t.samples();
    int[] ints = checkSamples(t, enc, x);
    if (version == 2) {
      ByteOrder order = options.byteOrder;
      if (order == null) {
        order =
            sameVersion && "little-endian".equals(t.header("byte_order"))
                ? ByteOrder.LITTLE_ENDIAN
                : ByteOrder.BIG_ENDIAN;
      }
      writeV2(t, enc, reclen, order, rate, x, ints, sameVersion);
    } else {
      writeV3(t, enc, reclen, rate, x, ints, sameVersion);
    }
  }

  /** Integer samples for the integer encodings, after checking every sample fits. */
  private static int[] checkSamples(SeismicTrace t, int enc, double[] x) {
    if (enc == 5) {
      return null;
    }
    if (enc == 4) {
      for (int i = 0; i < x.length; i++) {
        if ((float) x[i] != x[i] && !Double.isNaN(x[i])) {
          throw new IllegalArgumentException(
              t + ": sample " + i + " = " + x[i] + " is not exactly a float32");
        }
      }
      return null;
    }
    long lo = enc == 0 ? 0 : enc == 1 ? Short.MIN_VALUE : Integer.MIN_VALUE;
    long hi = enc == 0 ? 255 : enc == 1 ? Short.MAX_VALUE : Integer.MAX_VALUE;
    int[] ints = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      double v = x[i];
      if (!(v >= lo && v <= hi) || v != Math.rint(v)) {
        throw new IllegalArgumentException(
            t + ": sample " + i + " = " + v + " does not fit encoding "
                + MseedReader.encodingName(enc) + " (integers " + lo + ".." + hi + ")");
      }
      ints[i] = (int) v;
    }
    if (enc == 11) {
      for (int i = 1; i < ints.length; i++) {
        long d = (long) ints[i] - ints[i - 1];
        if (d < -(1 << 29) || d >= (1 << 29)) {
          throw new IllegalArgumentException(
              t + ": the difference " + d + " at sample " + i + " does not fit Steim-2's 30 bits");
        }
      }
    } else if (enc == 10) {
      for (int i = 1; i < ints.length; i++) {
        long d = (long) ints[i] - ints[i - 1];
        if (d != (int) d) {
          throw new IllegalArgumentException(
              t + ": the difference " + d + " at sample " + i + " does not fit Steim-1's 32 bits");
        }
      }
    }
    return ints;
  }

  private static int sampleSize(int enc) {
    switch (enc) {
      case 0:
        return 1;
      case 1:
        return 2;
      case 3:
      case 4:
        return 4;
      case 5:
        return 8;
      default:
        return 0;
    }
  }

  private static int headerInt(SeismicTrace t, String name, int dflt, boolean use) {
    String v = use ? t.header(name) : null;
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  /** Start of the record holding samples from {@code first} on, in nanoseconds. */
  private static long recordStart(long start, int first, double rate) {
    return rate > 0 ? start + Math.round(first * 1e9 / rate) : start;
  }

  /** Packs samples from {@code first} into {@code rec[off..off+len)}; returns the count packed. */
  private static int packData(
      int enc, double[] x, int[] ints, int first, byte[] rec, int off, int len, ByteOrder order,
      int[] framesOut) {
    int n = x.length - first;
    if (enc == 10 || enc == 11) {
      int firstDiff = first == 0 ? 0 : ints[first] - ints[first - 1];
      long r = Steim.encode(enc - 9, ints, first, n, firstDiff, rec, off, len / 64, order);
      framesOut[0] = (int) r;
      return (int) (r >>> 32);
    }
    int size = sampleSize(enc);
    int count = Math.min(n, len / size);
    boolean be = order == ByteOrder.BIG_ENDIAN;
    switch (enc) {
      case 0:
        for (int i = 0; i < count; i++) {
          rec[off + i] = (byte) ints[first + i];
        }
        break;
      case 1:
        for (int i = 0; i < count; i++) {
          if (be) {
            I16_BE.set(rec, off + 2 * i, (short) ints[first + i]);
          } else {
            I16_LE.set(rec, off + 2 * i, (short) ints[first + i]);
          }
        }
        break;
      case 3:
        for (int i = 0; i < count; i++) {
          if (be) {
            I32_BE.set(rec, off + 4 * i, ints[first + i]);
          } else {
            I32_LE.set(rec, off + 4 * i, ints[first + i]);
          }
        }
        break;
      case 4:
        for (int i = 0; i < count; i++) {
          if (be) {
            F32_BE.set(rec, off + 4 * i, (float) x[first + i]);
          } else {
            F32_LE.set(rec, off + 4 * i, (float) x[first + i]);
          }
        }
        break;
      default:
        for (int i = 0; i < count; i++) {
          if (be) {
            F64_BE.set(rec, off + 8 * i, x[first + i]);
          } else {
            F64_LE.set(rec, off + 8 * i, x[first + i]);
          }
        }
        break;
    }
    framesOut[0] = 0;
    return count;
  }

  // ---------------------------------------------------------------- miniSEED 2

  private void writeV2(
      SeismicTrace t,
      int enc,
      int reclen,
      ByteOrder order,
      double rate,
      double[] x,
      int[] ints,
      boolean fromV2)
      throws IOException {
    String net = code(t.network(), 2, "network");
    String sta = code(t.station(), 5, "station");
    String loc = code(t.location(), 2, "location");
    String cha = code(t.channel(), 3, "channel");
    String q = fromV2 ? t.header("quality") : null;
    char quality = q != null && q.length() == 1 && "DRQM".indexOf(q.charAt(0)) >= 0 ? q.charAt(0) : 'D';
    int act = headerInt(t, "activity_flags", 0, fromV2) & 0xFF;
    int io = headerInt(t, "io_flags", 0, fromV2) & 0xFF;
    int dq = headerInt(t, "data_quality_flags", 0, fromV2) & 0xFF;
    int tc = headerInt(t, "time_correction", 0, fromV2);
    long unapplied = tc != 0 && (act & 0x02) == 0 ? tc * 100_000L : 0;
    boolean keep1001 = fromV2 && t.header("timing_quality") != null;
    int timingQuality = headerInt(t, "timing_quality", 0, fromV2) & 0xFF;
    Integer keptUsec = keep1001 ? headerInt(t, "microseconds", 0, true) : null;
    if (keptUsec != null && (keptUsec < -128 || keptUsec > 127)) {
      keptUsec = null;
    }
    short[] fm = factorMultiplier(rate);
    int factor = headerInt(t, "sample_rate_factor", 0, fromV2);
    int mult = headerInt(t, "sample_rate_multiplier", 0, fromV2);
    if (fromV2
        && factor == (short) factor
        && mult == (short) mult
        && MseedReader.nominalRate(factor, mult) == rate) {
      fm = new short[] {(short) factor, (short) mult};
    }
    boolean need100 = MseedReader.nominalRate(fm[0], fm[1]) != rate;
    boolean le = order == ByteOrder.LITTLE_ENDIAN;

    byte[] rec = new byte[reclen];
    int[] frames = new int[1];
    int first = 0;
    do {
      long start = recordStart(t.startTimeNanos(), first, rate);
      long micros = Math.floorDiv(start, 1000L);
      // The nearest 0.0001 s goes in the header, the rest (-50..49 µs) in blockette 1001, as libmseed.
      long headerMicros = micros - unapplied / 1000;
      long tenth = Math.floorDiv(headerMicros + 50, 100L);
      if (first == 0 && keptUsec != null && Math.floorMod(headerMicros - keptUsec, 100L) == 0) {
        // Keep the trace's own split between header time and blockette 1001 (writers differ).
        tenth = (headerMicros - keptUsec) / 100;
      }
      int usec = (int) (headerMicros - tenth * 100);
      boolean with1001 = usec != 0 || keep1001;
      int blkEnd = 48 + 8 + (with1001 ? 8 : 0) + (need100 ? 12 : 0);
      // Steim frames are 64-byte aligned in the record; other data follow the blockettes.
      int align = enc == 10 || enc == 11 ? 64 : 8;
      int dataOff = (blkEnd + align - 1) / align * align;
      if (dataOff >= reclen) {
        throw new IllegalArgumentException("record length " + reclen + " leaves no room for data");
      }
      Arrays.fill(rec, (byte) 0);
      int count = packData(enc, x, ints, first, rec, dataOff, reclen - dataOff, order, frames);
      if (count == 0 && x.length > first) {
        throw new IllegalArgumentException("record length " + reclen + " holds no sample");
      }
      // Fixed header.
      byte[] seq = String.format("%06d", sequence).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(seq, 0, rec, 0, 6);
      sequence = sequence >= 999999 ? 1 : sequence + 1;
      rec[6] = (byte) quality;
      rec[7] = ' ';
      putPadded(rec, 8, sta, 5);
      putPadded(rec, 13, loc, 2);
      putPadded(rec, 15, cha, 3);
      putPadded(rec, 18, net, 2);
      long secs = Math.floorDiv(tenth, 10_000L);
      int fract = (int) (tenth - secs * 10_000L);
      long days = Math.floorDiv(secs, 86_400L);
      int sod = (int) (secs - days * 86_400L);
      int year = yearOf(days);
      int doy = (int) (days - MseedReader.daysBeforeYear(year)) + 1;
      if (year < 1900 || year > 2100) {
        throw new IllegalArgumentException(
            t + ": start year " + year + " is outside 1900..2100, which miniSEED 2 readers accept");
      }
      put16(rec, 20, (short) year, le);
      put16(rec, 22, (short) doy, le);
      rec[24] = (byte) (sod / 3600);
      rec[25] = (byte) (sod / 60 % 60);
      rec[26] = (byte) (sod % 60);
      put16(rec, 28, (short) fract, le);
      put16(rec, 30, (short) count, le);
      put16(rec, 32, fm[0], le);
      put16(rec, 34, fm[1], le);
      rec[36] = (byte) act;
      rec[37] = (byte) io;
      rec[38] = (byte) dq;
      rec[39] = (byte) (1 + (with1001 ? 1 : 0) + (need100 ? 1 : 0));
      put32(rec, 40, tc, le);
      put16(rec, 44, (short) dataOff, le);
      put16(rec, 46, (short) 48, le);
      // Blockette 1000, then 1001 and 100.
      int next = 56;
      put16(rec, 48, (short) 1000, le);
      put16(rec, 50, (short) (with1001 || need100 ? next : 0), le);
      rec[52] = (byte) enc;
      rec[53] = (byte) (order == ByteOrder.BIG_ENDIAN ? 1 : 0);
      rec[54] = (byte) Integer.numberOfTrailingZeros(reclen);
      if (with1001) {
        put16(rec, next, (short) 1001, le);
        put16(rec, next + 2, (short) (need100 ? next + 8 : 0), le);
        rec[next + 4] = (byte) timingQuality;
        rec[next + 5] = (byte) usec;
        rec[next + 7] = (byte) frames[0];
        next += 8;
      }
      if (need100) {
        put16(rec, next, (short) 100, le);
        put16(rec, next + 2, (short) 0, le);
        if (le) {
          F32_LE.set(rec, next + 4, (float) rate);
        } else {
          F32_BE.set(rec, next + 4, (float) rate);
        }
      }
      emit(rec, reclen);
      first += count;
    } while (first < x.length);
  }

  private static void put16(byte[] b, int o, short v, boolean le) {
    if (le) {
      I16_LE.set(b, o, v);
    } else {
      I16_BE.set(b, o, v);
    }
  }

  private static void put16(byte[] b, int o, int v, boolean le) {
    put16(b, o, (short) v, le);
  }

  private static void put32(byte[] b, int o, int v, boolean le) {
    if (le) {
      I32_LE.set(b, o, v);
    } else {
      I32_BE.set(b, o, v);
    }
  }

  private static String code(String s, int max, String what) {
    String v = s == null ? "" : s.trim();
    if (v.length() > max) {
      throw new IllegalArgumentException(
          what + " '" + v + "' is longer than miniSEED 2's " + max + " characters");
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException(what + " '" + v + "' is not printable ASCII");
      }
    }
    return v;
  }

  private static void putPadded(byte[] rec, int off, String s, int len) {
    for (int i = 0; i < len; i++) {
      rec[off + i] = i < s.length() ? (byte) s.charAt(i) : (byte) ' ';
    }
  }

  /** The year holding day {@code days} since 1970-01-01. */
  static int yearOf(long days) {
    int year = (int) Math.floorDiv(days * 400, 146097) + 1970;
    while (MseedReader.daysBeforeYear(year) > days) {
      year--;
    }
    while (MseedReader.daysBeforeYear(year + 1) <= days) {
      year++;
    }
    return year;
  }

  /**
   * SEED sample rate factor and multiplier for {@code rate}: the rate itself when it is a whole
   * number up to 32767, the period (negative factor) when that is whole, else the closest
   * fraction num/den with both up to 32767 (multiplier -den); blockette 100 then carries the rate.
   */
  static short[] factorMultiplier(double rate) {
    if (rate == 0) {
      return new short[] {0, 0};
    }
    if (rate == Math.rint(rate) && rate <= 32767) {
      return new short[] {(short) rate, 1};
    }
    double period = 1.0 / rate;
    if (period == Math.rint(period) && period <= 32767) {
      return new short[] {(short) -period, 1};
    }
    // Best rational approximation by continued fractions, terms up to 32767.
    long p0 = 0, q0 = 1, p1 = 1, q1 = 0;
    double v = rate;
    long bestP = Math.round(rate), bestQ = 1;
    for (int i = 0; i < 64; i++) {
      long a = (long) Math.floor(v);
      long p2 = a * p1 + p0;
      long q2 = a * q1 + q0;
      if (p2 > 32767 || q2 > 32767) {
        break;
      }
      bestP = p2;
      bestQ = q2;
      if (Math.abs((double) p2 / q2 - rate) <= 1e-12 * rate) {
        break;
      }
      p0 = p1;
      q0 = q1;
      p1 = p2;
      q1 = q2;
      double frac = v - a;
      if (frac < 1e-15) {
        break;
      }
      v = 1.0 / frac;
    }
    if (bestP == 0) {
      return new short[] {(short) -Math.min(32767, Math.round(period)), 1};
    }
    return new short[] {(short) Math.min(bestP, 32767), (short) -bestQ};
  }

  // ---------------------------------------------------------------- miniSEED 3

  private void writeV3(
      SeismicTrace t, int enc, int maxLen, double rate, double[] x, int[] ints, boolean fromV3)
      throws IOException {
    String sid = sid(t);
    byte[] sidBytes = sid.getBytes(StandardCharsets.UTF_8);
    if (sidBytes.length > 255) {
      throw new IllegalArgumentException("source identifier '" + sid + "' is longer than 255 bytes");
    }
    String extra = fromV3 && t.header("extra_headers") != null ? t.header("extra_headers") : "";
    byte[] extraBytes = extra.getBytes(StandardCharsets.UTF_8);
    if (extraBytes.length > 65535) {
      throw new IllegalArgumentException("extra headers are longer than 65535 bytes");
    }
    int flags;
    int pubVersion;
    if (fromV3) {
      flags = headerInt(t, "flags", 0, true) & 0xFF;
      pubVersion = headerInt(t, "publication_version", 1, true) & 0xFF;
    } else {
      boolean v2 = "2".equals(t.header("format_version"));
      int act = headerInt(t, "activity_flags", 0, v2);
      int io = headerInt(t, "io_flags", 0, v2);
      int dq = headerInt(t, "data_quality_flags", 0, v2);
      // libmseed's mapping of the miniSEED 2 flags that miniSEED 3 keeps.
      flags = (act & 0x01) | ((dq & 0x80) != 0 ? 0x02 : 0) | ((io & 0x20) != 0 ? 0x04 : 0);
      String q = v2 ? t.header("quality") : null;
      pubVersion = q == null ? 1 : "RDQM".indexOf(q) + 1;
      if (pubVersion <= 0) {
        pubVersion = 1;
      }
    }
    double rateField = rate;
    String stored = fromV3 ? t.header("sample_rate_or_period") : null;
    if (stored != null) {
      try {
        double s = Double.parseDouble(stored);
        double r = s > 0 ? s : s < 0 ? -1.0 / s : 0.0;
        if (r == rate) {
          rateField = s;
        }
      } catch (NumberFormatException e) {
        // keep the rate
      }
    }
    int head = 40 + sidBytes.length + extraBytes.length;
    int room = maxLen - head;
    int need = enc == 10 || enc == 11 ? 64 : sampleSize(enc);
    if (room < need && x.length > 0) {
      throw new IllegalArgumentException(
          "record length " + maxLen + " leaves no room for data after the " + head + "-byte header");
    }
    byte[] rec = new byte[maxLen];
    int[] frames = new int[1];
    int first = 0;
    do {
      Arrays.fill(rec, (byte) 0);
      int count =
          x.length == first
              ? 0
              : packData(enc, x, ints, first, rec, head, enc == 10 || enc == 11 ? room / 64 * 64 : room,
                  enc == 10 || enc == 11 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, frames);
      int dataLen = enc == 10 || enc == 11 ? frames[0] * 64 : count * sampleSize(enc);
      int len = head + dataLen;
      long start = recordStart(t.startTimeNanos(), first, rate);
      long secs = Math.floorDiv(start, 1_000_000_000L);
      int nanos = (int) (start - secs * 1_000_000_000L);
      long days = Math.floorDiv(secs, 86_400L);
      int sod = (int) (secs - days * 86_400L);
      int year = yearOf(days);
      rec[0] = 'M';
      rec[1] = 'S';
      rec[2] = 3;
      rec[3] = (byte) flags;
      I32_LE.set(rec, 4, nanos);
      I16_LE.set(rec, 8, (short) year);
      I16_LE.set(rec, 10, (short) (days - MseedReader.daysBeforeYear(year) + 1));
      rec[12] = (byte) (sod / 3600);
      rec[13] = (byte) (sod / 60 % 60);
      rec[14] = (byte) (sod % 60);
      rec[15] = (byte) enc;
      F64_LE.set(rec, 16, rateField);
      I32_LE.set(rec, 24, count);
      rec[32] = (byte) pubVersion;
      rec[33] = (byte) sidBytes.length;
      I16_LE.set(rec, 34, (short) extraBytes.length);
      I32_LE.set(rec, 36, dataLen);
      System.arraycopy(sidBytes, 0, rec, 40, sidBytes.length);
      System.arraycopy(extraBytes, 0, rec, 40 + sidBytes.length, extraBytes.length);
      I32_LE.set(rec, 28, Crc32c.ofRecord(rec, 0, len));
      emit(rec, len);
      first += count;
    } while (first < x.length);
  }

  /** The FDSN source identifier: FDSN:NET_STA_LOC_B_S_SS for a three-character channel. */
  static String sid(SeismicTrace t) {
    String c = t.channel() == null ? "" : t.channel();
    String chan = c.length() == 3 ? c.charAt(0) + "_" + c.charAt(1) + "_" + c.charAt(2) : c;
    return "FDSN:" + nz(t.network()) + "_" + nz(t.station()) + "_" + nz(t.location()) + "_" + chan;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  // ---------------------------------------------------------------- output

  private void emit(byte[] rec, int len) throws IOException {
    {
      if (pendingOut.remaining() < len) {
        flush();
      }
      if (len > pendingOut.capacity()) {
        ByteBuffer b = ByteBuffer.wrap(rec, 0, len);
        while (b.hasRemaining()) {
          out.write(b);
        }
      } else {
        pendingOut.put(rec, 0, len);
      }
      records++;
    }
  }

  private void flush() throws IOException {
    pendingOut.flip();
    while (pendingOut.hasRemaining()) {
      out.write(pendingOut);
    }
    pendingOut.clear();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      flush();
    } finally {
      out.close();
    }
  }
}
