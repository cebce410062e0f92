package dev.sediment.io.mseed;

import dev.sediment.io.seismic.SampleBuffer;
import dev.sediment.io.seismic.SampleEncoding;
import dev.sediment.io.seismic.SeismicError;
import dev.sediment.io.seismic.SeismicFormat;
import dev.sediment.io.seismic.SeismicFormatException;
import dev.sediment.io.seismic.SeismicInput;
import dev.sediment.io.seismic.SeismicTrace;
import dev.sediment.io.seismic.TraceReader;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the data records of a miniSEED 2 (SEED manual v2.4, chapter 8) or miniSEED 3 (FDSN 2023)
 * file, one {@link SeismicTrace} per record, detecting the version of every record.
 *
 * <p>{@code
 * try (MseedReader r = MseedReader.open(Files.newByteChannel(path), path.toString())) {
 *   for (SeismicTrace t; (t = r.next()) != null; ) { ... }
 * }
 * }
 *
 * <p>miniSEED 2: the 48-byte fixed header and its blockette chain (1000 encoding, word order and
 * record length; 1001 timing quality, microseconds, frame count; 100 actual sample rate; others
 * skipped). Records are 128 to 65536 bytes (powers of two), their lengths may change inside a file;
 * without blockette 1000 the length is the distance to the next record header (or the end of the
 * file) and the data are Steim-1 big-endian, as libmseed assumes. The header byte order is found
 * per record from the plausibility of the start year and day, as libmseed does. SEED volume control
 * headers (types V, A, S, T) are skipped. {@link SeismicTrace#sampleRateHz()} is the nominal rate
 * from the factor and multiplier; blockette 100's rate is kept in {@code actual_sample_rate}. The start time includes blockette 1001's microseconds and
 * an unapplied time correction (activity flag bit 1 clear), as libmseed's {@code msr_starttime}.
 *
 * <p>miniSEED 3: the 40-byte little-endian header, the source identifier ({@code
 * FDSN:NET_STA_LOC_B_S_SS}: channel = band + source + subsource), extra headers (kept as the JSON
 * text in header {@code extra_headers}) and the payload; the CRC-32C is verified.
 *
 * <p>Encodings 0 (text: one sample per byte, 0 to 255), 1 (int16), 3 (int32), 4 (float32), 5
 * (float64), 10 (Steim-1), 11 (Steim-2) in either byte order, and the legacy 16-bit encodings 13 and
 * 14 (GEOSCOPE), 16 (CDSN), 30 (SRO) and 32 (DWWSSN), reported by the type of their values (float32,
 * int32, int16; header {@code encoding_format} keeps the code). Other legacy encodings (2, 12, 15,
 * 17 to 19, 31, 33) fail with {@link SeismicError#UNSUPPORTED}. Steim records are checked against their reverse
 * integration constant ({@link SeismicError#CORRUPT_DATA}).
 *
 * <p>Headers of each trace: {@code format_version} (2 or 3), {@code record_length}, {@code
 * byte_order} (of the header), {@code encoding_format} (the numeric code), {@code sample_count}.
 * Version 2 adds {@code sequence_number}, {@code quality}, {@code btime} ("YYYY,DDD,HH:MM:SS.FFFF",
 * as stored), {@code sample_rate_factor}, {@code sample_rate_multiplier}, {@code activity_flags},
 * {@code io_flags}, {@code data_quality_flags}, {@code blockette_count}, {@code time_correction}
 * (0.0001 s units), {@code data_offset}, {@code first_blockette_offset}, {@code blockettes} (types
 * in chain order), {@code word_order} (blockette 1000: 0 little-, 1 big-endian), {@code
 * timing_quality}, {@code microseconds}, {@code frame_count} (blockette 1001) and {@code
 * actual_sample_rate} (blockette 100). Version 3 adds {@code flags}, {@code sample_rate_or_period}
 * (negative: period in seconds), {@code crc} (8 hex digits), {@code publication_version}, {@code
 * sid}, {@code extra_headers}, {@code data_length}.
 *
 * <p>Range readers ({@link #open(SeekableByteChannel, String, long, long)}) return the records whose
 * first byte lies in [start, end). miniSEED 2 records start at multiples of 128 bytes, so the
 * reader looks for a plausible record header at the first multiple of 128 at or after {@code
 * start} and the ones after it; miniSEED 3 records have any length, so the reader looks at every
 * byte for "MS" 3 and accepts a place only when the header is plausible and its CRC matches. From
 * there records are read one after the other. {@link SeismicTrace#index()} is the record's ordinal
 * in the file when reading from byte 0, and -1 for a range that starts later (the ordinal is not
 * known without reading the file from its start); {@link SeismicTrace#offset()} is always the
 * record's byte offset.
 */
public final class MseedReader implements TraceReader {
  static final int MIN_RECLEN = 128;
  static final int MAX_RECLEN = 65536;
  /** Largest miniSEED 3 record accepted (libmseed's limit, 10 MiB). */
  static final int MAX_V3_RECLEN = 10 * 1024 * 1024;

  // A record header asks for the 64 KiB a blockette chain may span, so a block is refilled 64 KiB
  // before its end: 1 MiB blocks re-read about 6 %.
  private static final int BLOCK = 1024 * 1024;
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

  private final SeismicInput in;
  private final String name;
  private final long size;
  private final long end;
  private long pos;
  private long ordinal;

  private byte[] buf = new byte[0];
  private long bufPos;
  private int bufLen;

  private Parsed pending;
  /** While {@link #next(SampleBuffer)} runs: where the record's samples are decoded to. */
  private SampleBuffer into;
  /** Steim-1 differences of one record, reused (grows to the largest record). */
  private int[] diffs = new int[0];
  private final Set<String> versions = new TreeSet<>();
  private final Set<String> encodings = new TreeSet<>();
  private final Set<String> orders = new TreeSet<>();
  private final Set<Integer> lengths = new TreeSet<>();

  /** A record parsed at some offset and where the next one starts. */
  private static final class Parsed {
    final SeismicTrace.Builder trace;
    final long next;

    Parsed(SeismicTrace.Builder trace, long next) {
      this.trace = trace;
      this.next = next;
    }
  }

  private MseedReader(SeismicInput in, long start, long end) {
    this.in = in;
    this.name = in.name();
    this.size = in.size();
    this.end = Math.min(end, size);
    this.pos = start;
    this.ordinal = start == 0 ? 0 : -1;
  }

  /** A reader of every record of the file. */
  public static MseedReader open(SeekableByteChannel ch, String name) throws IOException {
    return open(ch, name, 0, Long.MAX_VALUE);
  }

  /**
   * A reader of the records whose first byte lies in [{@code start}, {@code end}); see the class
   * comment for how it finds the first one and what {@link SeismicTrace#index()} is.
   */
  public static MseedReader open(SeekableByteChannel ch, String name, long start, long end)
      throws IOException {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException(
          "byte range [" + start + ", " + end + ") of " + name + " is not a range");
    }
    MseedReader r = new MseedReader(new SeismicInput(ch, name), start, end);
    if (start > 0) {
      r.pos = r.sync(start);
    }
    return r;
  }

  // ---------------------------------------------------------------- detection

  /**
   * True when {@code head} starts like a miniSEED file: a miniSEED 2 data record header (six
   * digits or spaces, quality D, R, Q or M, a space, a plausible start time), a SEED volume control
   * header, or a plausible miniSEED 3 header ("MS", version 3).
   */
  public static boolean probe(byte[] head, int len) {
    len = Math.min(len, head.length);
    if (len >= 48 && isDataHeader(head, 0)) {
      return true;
    }
    if (len >= 15 && isControlHeader(head, 0)) {
      // The first blockette: a 3-digit type and a 4-character length (digits or spaces).
      for (int i = 8; i < 15; i++) {
        boolean digit = head[i] >= '0' && head[i] <= '9';
        if (!digit && (i < 11 || head[i] != ' ')) {
          return false;
        }
      }
      return true;
    }
    return len >= 40 && isV3Header(head, 0);
  }

  private static boolean seqChar(byte c) {
    return (c >= '0' && c <= '9') || c == ' ' || c == 0;
  }

  private static boolean validYearDay(int year, int day) {
    return year >= 1900 && year <= 2100 && day >= 1 && day <= 366;
  }

  /** libmseed's MS_ISVALIDHEADER plus a start year and day plausible in one byte order. */
  static boolean isDataHeader(byte[] b, int o) {
    for (int i = 0; i < 6; i++) {
      if (!seqChar(b[o + i])) {
        return false;
      }
    }
    byte q = b[o + 6];
    if (q != 'D' && q != 'R' && q != 'Q' && q != 'M') {
      return false;
    }
    if (b[o + 7] != ' ' && b[o + 7] != 0) {
      return false;
    }
    if ((b[o + 24] & 0xFF) > 23 || (b[o + 25] & 0xFF) > 59 || (b[o + 26] & 0xFF) > 60) {
      return false;
    }
    int yb = ((b[o + 20] & 0xFF) << 8) | (b[o + 21] & 0xFF);
    int db = ((b[o + 22] & 0xFF) << 8) | (b[o + 23] & 0xFF);
    int yl = ((b[o + 21] & 0xFF) << 8) | (b[o + 20] & 0xFF);
    int dl = ((b[o + 23] & 0xFF) << 8) | (b[o + 22] & 0xFF);
    return validYearDay(yb, db) || validYearDay(yl, dl);
  }

  /** A SEED volume control header: sequence number, type V, A, S or T, space or '*'. */
  static boolean isControlHeader(byte[] b, int o) {
    for (int i = 0; i < 6; i++) {
      byte c = b[o + i];
      if ((c < '0' || c > '9') && c != ' ') {
        return false;
      }
    }
    byte t = b[o + 6];
    return (t == 'V' || t == 'A' || t == 'S' || t == 'T') && (b[o + 7] == ' ' || b[o + 7] == '*');
  }

  /** "MS", version 3 and a plausible start time; needs 40 bytes. */
  static boolean isV3Header(byte[] b, int o) {
    if (b[o] != 'M' || b[o + 1] != 'S' || b[o + 2] != 3) {
      return false;
    }
    long nanos = u32(b, o + 4);
    int year = u16(b, o + 8, true);
    int day = u16(b, o + 10, true);
    return nanos < 1_000_000_000L
        && year >= 1
        && day >= 1
        && day <= 366
        && (b[o + 12] & 0xFF) <= 23
        && (b[o + 13] & 0xFF) <= 59
        && (b[o + 14] & 0xFF) <= 60;
  }

  // ---------------------------------------------------------------- TraceReader

  @Override
  public SeismicFormat format() {
    if (versions.isEmpty()) {
      variant();
    }
    return versions.contains("miniSEED2") || versions.isEmpty()
        ? SeismicFormat.MSEED2
        : SeismicFormat.MSEED3;
  }

  /**
   * What the records read so far hold (the first record if none was read yet): "miniSEED2 steim2
   * big-endian 512-byte records"; several encodings, byte orders or lengths are listed with "/".
   */
  @Override
  public String variant() {
    if (versions.isEmpty() && pending == null && pos < end && pos < size) {
      try {
        pending = parseNext();
      } catch (IOException e) {
        return "miniSEED (first record unreadable: " + e.getMessage() + ")";
      }
    }
    if (versions.isEmpty()) {
      return "miniSEED (no records)";
    }
    StringBuilder s = new StringBuilder(String.join("+", versions));
    s.append(' ').append(String.join("/", encodings));
    if (!orders.isEmpty()) {
      s.append(' ').append(String.join("/", orders));
    }
    if (versions.contains("miniSEED3")) {
      s.append(" variable-length records");
    } else if (lengths.size() > 4) {
      s.append(" mixed-length records (").append(lengths.size()).append(" lengths)");
    } else {
      StringBuilder l = new StringBuilder();
      for (int len : lengths) {
        l.append(l.length() == 0 ? "" : "/").append(len);
      }
      s.append(' ').append(l).append("-byte records");
    }
    return s.toString();
  }

  @Override
  public Map<String, String> fileHeaders() {
    return Collections.emptyMap();
  }

  @Override
  public SeismicTrace next() throws IOException {
    Parsed p = pending != null ? pending : parseNext();
    pending = null;
    if (p == null) {
      return null;
    }
    pos = p.next;
    long idx = ordinal;
    if (ordinal >= 0) {
      ordinal++;
    }
    return p.trace.index(idx).build();
  }

  /** As {@link #next()}, decoding the record's samples straight into {@code buffer}. */
  @Override
  public SeismicTrace next(SampleBuffer buffer) throws IOException {
    Objects.requireNonNull(buffer, "buffer");
    if (pending != null) {
      // Parsed ahead (by variant()) into its own array.
      return TraceReader.super.next(buffer);
    }
    into = buffer;
    try {
      return next();
    } finally {
      into = null;
    }
  }

  /** A record's sample array: the caller's buffer during {@link #next(SampleBuffer)}, else new. */
  private double[] target(int count) {
    return into != null ? into.reserve(count) : new double[count];
  }

  private SeismicTrace.Builder withSamples(SeismicTrace.Builder b, double[] samples) {
    return into != null ? b.samplesIn(into) : b.samples(samples);
  }

  @Override
  public void close() throws IOException {
    in.channel().close();
  }

  /** The next data record at or after {@link #pos}, skipping control headers, or null. */
  private Parsed parseNext() throws IOException {
    long p = pos;
    while (true) {
      if (p >= end || p >= size) {
        return null;
      }
      long left = size - p;
      int b = fill(p, (int) Math.min(48, left));
      if (left >= 3 && buf[b] == 'M' && buf[b + 1] == 'S' && buf[b + 2] == 3) {
        return readV3(p);
      }
      if (left < 48) {
        if (left >= 8 && (isControlHeader(buf, b) || looksLikeDataStart(buf, b))) {
          throw in.error(
              p, SeismicError.TRUNCATED, "record header needs 48 bytes but the file has " + left + " left");
        }
        throw in.error(p, SeismicError.BAD_MAGIC, left + " trailing bytes that are not a miniSEED record");
      }
      if (isControlHeader(buf, b)) {
        p = nextHeader(p, size);
        pos = p;
        continue;
      }
      if (!isDataHeader(buf, b)) {
        throw in.error(
            p,
            SeismicError.BAD_MAGIC,
            "not a miniSEED record header (neither a miniSEED 2 data or control header nor \"MS\" 3)");
      }
      return readV2(p);
    }
  }

  private static boolean looksLikeDataStart(byte[] b, int o) {
    for (int i = 0; i < 6; i++) {
      if (!seqChar(b[o + i])) {
        return false;
      }
    }
    byte q = b[o + 6];
    return q == 'D' || q == 'R' || q == 'Q' || q == 'M';
  }

  private boolean isAnyHeaderAt(long q) throws IOException {
    if (size - q < 48) {
      return false;
    }
    int b = fill(q, 48);
    return isDataHeader(buf, b) || isControlHeader(buf, b) || isV3Header(buf, b);
  }

  /** The first record header at p + k·128 (k ≥ 1) before {@code limit}, or {@code size}. */
  private long nextHeader(long p, long limit) throws IOException {
    for (long q = p + MIN_RECLEN; q < limit && q < size; q += MIN_RECLEN) {
      if (isAnyHeaderAt(q)) {
        return q;
      }
    }
    return size;
  }

  /** Where the first record starting at or after {@code start} is, or {@link #end} if none. */
  private long sync(long start) throws IOException {
    if (start >= end || size < 3) {
      return end;
    }
    int h = fill(0, (int) Math.min(3, size));
    boolean v3 = size >= 3 && buf[h] == 'M' && buf[h + 1] == 'S' && buf[h + 2] == 3;
    if (!v3) {
      for (long q = (start + MIN_RECLEN - 1) / MIN_RECLEN * MIN_RECLEN; q < end; q += MIN_RECLEN) {
        if (size - q >= 48) {
          int b = fill(q, 48);
          if (isDataHeader(buf, b) || isControlHeader(buf, b) || isV3Header(buf, b)) {
            return q;
          }
        }
      }
      return end;
    }
    for (long q = start; q < end && size - q >= 40; q++) {
      int b = fill(q, 40);
      if (buf[b] != 'M' || buf[b + 1] != 'S' || buf[b + 2] != 3 || !isV3Header(buf, b)) {
        continue;
      }
      long total = 40L + (buf[b + 33] & 0xFF) + u16(buf, b + 34, true) + u32(buf, b + 36);
      if (total > MAX_V3_RECLEN || total > size - q) {
        continue;
      }
      b = fill(q, (int) total);
      int stored = (int) I32_LE.get(buf, b + 28);
      if (Crc32c.ofRecord(buf, b, (int) total) == stored) {
        return q;
      }
      // A damaged record (not a chance "MS" 3 inside data) is followed by a record or the end.
      long after = q + total;
      if (after == size || (size - after >= 40 && isV3Header(buf, fill(after, 40)))) {
        return q;
      }
    }
    return end;
  }

  /**
   * Makes [p, p + len) available in {@link #buf}, reading a large block, and returns its index;
   * the caller made sure the file holds these bytes.
   */
  private int fill(long p, int len) throws IOException {
    if (p >= bufPos && p + len <= bufPos + bufLen) {
      return (int) (p - bufPos);
    }
    int want = (int) Math.min(Math.max(len, BLOCK), size - p);
    if (buf.length < want) {
      buf = new byte[Math.max(want, Math.min(BLOCK, (int) Math.min(Integer.MAX_VALUE, size)))];
    }
    bufLen = 0;
    in.readFully(p, ByteBuffer.wrap(buf, 0, want), "miniSEED record");
    bufPos = p;
    bufLen = want;
    return 0;
  }

  // ---------------------------------------------------------------- miniSEED 2

  private Parsed readV2(long p) throws IOException {
    int b = fill(p, 48);
    int yb = ((buf[b + 20] & 0xFF) << 8) | (buf[b + 21] & 0xFF);
    int db = ((buf[b + 22] & 0xFF) << 8) | (buf[b + 23] & 0xFF);
    ByteOrder ho = validYearDay(yb, db) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    boolean le = ho == ByteOrder.LITTLE_ENDIAN;

    String seq = ascii(buf, b, 6);
    char quality = (char) buf[b + 6];
    if (lastStation == null || !Arrays.equals(buf, b + 8, b + 20, lastId, 0, 12)) {
      // a new channel: records of one channel share these strings
      System.arraycopy(buf, b + 8, lastId, 0, 12);
      lastStation = ascii(buf, b + 8, 5);
      lastLocation = ascii(buf, b + 13, 2);
      lastChannel = ascii(buf, b + 15, 3);
      lastNetwork = ascii(buf, b + 18, 2);
    }
    String station = lastStation;
    String location = lastLocation;
    String channel = lastChannel;
    String network = lastNetwork;
    int year = u16(buf, b + 20, le);
    int day = u16(buf, b + 22, le);
    int hour = buf[b + 24] & 0xFF;
    int minute = buf[b + 25] & 0xFF;
    int second = buf[b + 26] & 0xFF;
    int fract = u16(buf, b + 28, le);
    int nsamp = u16(buf, b + 30, le);
    int factor = s16(buf, b + 32, le);
    int mult = s16(buf, b + 34, le);
    int act = buf[b + 36] & 0xFF;
    int io = buf[b + 37] & 0xFF;
    int dq = buf[b + 38] & 0xFF;
    int nblk = buf[b + 39] & 0xFF;
    int tc = s32(buf, b + 40, le);
    int dataOff = u16(buf, b + 44, le);
    int blkOff = u16(buf, b + 46, le);
    if (fract > 9999) {
      throw in.error(p, SeismicError.BAD_HEADER, "start time fraction " + fract + " is above 9999");
    }

    // Blockette chain: offsets must grow (no loops) and stay inside the record.
    int bound = (int) Math.min(MAX_RECLEN, size - p);
    b = fill(p, bound);
    int reclen = -1;
    int enc = -1;
    int wordOrder = -1;
    int tq = -1;
    int usec = 0;
    int frameCount = -1;
    float actualRate = Float.NaN;
    boolean has1001 = false;
    StringBuilder types = new StringBuilder();
    int maxEnd = 48;
    int prev = 0;
    for (int off = blkOff; off != 0; ) {
      if (off < 48 || off <= prev || off + 4 > bound) {
        throw in.error(p, SeismicError.BAD_HEADER, badBlocketteOffset(off, prev, bound));
      }
      int type = u16(buf, b + off, le);
      int next = u16(buf, b + off + 2, le);
      int blen = type == 1000 || type == 1001 ? 8 : type == 100 ? 12 : 4;
      if (off + blen > bound) {
        throw in.error(
            p, SeismicError.BAD_HEADER, "blockette " + type + " at " + off + " runs past the record");
      }
      if (type == 1000) {
        enc = buf[b + off + 4] & 0xFF;
        wordOrder = buf[b + off + 5] & 0xFF;
        int exp = buf[b + off + 6] & 0xFF;
        if (exp < 7 || exp > 16) {
          throw in.error(
              p,
              SeismicError.BAD_HEADER,
              "blockette 1000 record length 2^" + exp + " is not within 128..65536 bytes");
        }
        reclen = 1 << exp;
      } else if (type == 1001) {
        has1001 = true;
        tq = buf[b + off + 4] & 0xFF;
        usec = buf[b + off + 5];
        frameCount = buf[b + off + 7] & 0xFF;
      } else if (type == 100) {
        actualRate = le ? (float) F32_LE.get(buf, b + off + 4) : (float) F32_BE.get(buf, b + off + 4);
      }
      types.append(types.length() == 0 ? "" : ",").append(type);
      maxEnd = Math.max(maxEnd, off + blen);
      prev = off;
      off = next;
    }
    if (reclen < 0) {
      long q = nextHeader(p, p + MAX_RECLEN + 1);
      long len = q - p;
      if (q == size && len > MAX_RECLEN) {
        throw in.error(
            p,
            SeismicError.BAD_HEADER,
            "no blockette 1000 and no next record header within 65536 bytes to infer the length");
      }
      if (len < MIN_RECLEN || Long.bitCount(len) != 1) {
        throw in.error(
            p,
            SeismicError.BAD_HEADER,
            "no blockette 1000 and the inferred record length " + len + " is not a power of two");
      }
      reclen = (int) len;
    }
    if (reclen > size - p) {
      throw in.error(
          p,
          SeismicError.TRUNCATED,
          "record of " + reclen + " bytes but the file has " + (size - p) + " left");
    }
    if (maxEnd > reclen) {
      throw in.error(
          p, SeismicError.BAD_HEADER, "blockettes end at " + maxEnd + ", past the " + reclen + "-byte record");
    }
    if (enc < 0) {
      enc = 10;
    }
    ByteOrder dataOrder = wordOrder == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    b = fill(p, reclen);
    double[] samples;
    if (nsamp == 0) {
      samples = target(0);
    } else {
      if (dataOff < 48 || dataOff >= reclen) {
        throw in.error(
            p, SeismicError.BAD_HEADER, "data offset " + dataOff + " is outside the " + reclen + "-byte record");
      }
      samples = decode(p, enc, buf, b + dataOff, reclen - dataOff, nsamp, dataOrder, false);
    }

    long start = btimeNanos(year, day, hour, minute, second, fract);
    if (tc != 0 && (act & 0x02) == 0) {
      start += tc * 100_000L;
    }
    start += usec * 1000L;

    SeismicTrace.Builder t =
        SeismicTrace.builder(SeismicFormat.MSEED2)
            .offset(p)
            .network(network)
            .station(station)
            .location(location)
            .channel(channel)
            .startTimeNanos(start)
            .sampleRateHz(nominalRate(factor, mult))
            .encoding(encodingName(enc));
    withSamples(t, samples);
    // Formatted only when the caller asks for headers(): most readers want the samples.
    final int fReclen = reclen;
    final int fEnc = enc;
    final int fWordOrder = wordOrder;
    final int fTq = tq;
    final int fUsec = usec;
    final int fFrameCount = frameCount;
    final boolean fHas1001 = has1001;
    final float fActualRate = actualRate;
    final String fTypes = types.toString();
    t.lazyHeaders(
        () -> {
          Map<String, String> h = new LinkedHashMap<>(32);
          h.put("format_version", "2");
          h.put("record_length", Integer.toString(fReclen));
          h.put("byte_order", ho == ByteOrder.BIG_ENDIAN ? "big-endian" : "little-endian");
          h.put("sequence_number", seq);
          h.put("quality", String.valueOf(quality));
          h.put(
              "btime",
              String.format(
                  "%04d,%03d,%02d:%02d:%02d.%04d", year, day, hour, minute, second, fract));
          h.put("sample_count", Integer.toString(nsamp));
          h.put("sample_rate_factor", Integer.toString(factor));
          h.put("sample_rate_multiplier", Integer.toString(mult));
          h.put("activity_flags", Integer.toString(act));
          h.put("io_flags", Integer.toString(io));
          h.put("data_quality_flags", Integer.toString(dq));
          h.put("blockette_count", Integer.toString(nblk));
          h.put("time_correction", Integer.toString(tc));
          h.put("data_offset", Integer.toString(dataOff));
          h.put("first_blockette_offset", Integer.toString(blkOff));
          h.put("blockettes", fTypes);
          h.put("encoding_format", Integer.toString(fEnc));
          if (fWordOrder >= 0) {
            h.put("word_order", Integer.toString(fWordOrder));
          }
          if (fHas1001) {
            h.put("timing_quality", Integer.toString(fTq));
            h.put("microseconds", Integer.toString(fUsec));
            h.put("frame_count", Integer.toString(fFrameCount));
          }
          if (!Float.isNaN(fActualRate)) {
            h.put("actual_sample_rate", Float.toString(fActualRate));
          }
          return h;
        });
    noteV2(enc, le, reclen);
    return new Parsed(t, p + reclen);
  }

  // The summary sets change rarely: a record like the last one adds nothing to them.
  private int lastEnc = -1;
  /** Bytes 8-19 of the last miniSEED 2 header (station, location, channel, network) and their strings. */
  private final byte[] lastId = new byte[12];
  private String lastStation;
  private String lastLocation;
  private String lastChannel;
  private String lastNetwork;
  private int lastReclen = -1;
  private int lastOrder = -1;

  private void noteV2(int enc, boolean le, int reclen) {
    int o = le ? 1 : 0;
    if (enc == lastEnc && reclen == lastReclen && o == lastOrder) {
      return;
    }
    versions.add("miniSEED2");
    encodings.add(encodingName(enc));
    orders.add(le ? "little-endian" : "big-endian");
    lengths.add(reclen);
    lastEnc = enc;
    lastReclen = reclen;
    lastOrder = o;
  }

  /** SEED nominal sample rate from factor and multiplier (libmseed's {@code ms_nomsamprate}). */
  public static double nominalRate(int factor, int multiplier) {
    double rate = 0.0;
    if (factor > 0) {
      rate = factor;
    } else if (factor < 0) {
      rate = -1.0 / factor;
    }
    if (multiplier > 0) {
      rate = rate * multiplier;
    } else if (multiplier < 0) {
      rate = -1.0 * (rate / multiplier);
    }
    return rate;
  }

  // ---------------------------------------------------------------- miniSEED 3

  private Parsed readV3(long p) throws IOException {
    long left = size - p;
    if (left < 40) {
      throw in.error(
          p, SeismicError.TRUNCATED, "miniSEED 3 header needs 40 bytes but the file has " + left + " left");
    }
    int b = fill(p, 40);
    int flags = buf[b + 3] & 0xFF;
    long nanos = u32(buf, b + 4);
    int year = u16(buf, b + 8, true);
    int day = u16(buf, b + 10, true);
    int hour = buf[b + 12] & 0xFF;
    int minute = buf[b + 13] & 0xFF;
    int second = buf[b + 14] & 0xFF;
    int enc = buf[b + 15] & 0xFF;
    double rateOrPeriod = (double) F64_LE.get(buf, b + 16);
    long nsamp = u32(buf, b + 24);
    int crc = (int) I32_LE.get(buf, b + 28);
    int pubVersion = buf[b + 32] & 0xFF;
    int sidLen = buf[b + 33] & 0xFF;
    int extraLen = u16(buf, b + 34, true);
    long dataLen = u32(buf, b + 36);
    if (nanos >= 1_000_000_000L || day < 1 || day > 366 || hour > 23 || minute > 59 || second > 60) {
      throw in.error(
          p,
          SeismicError.BAD_HEADER,
          String.format(
              "implausible start time %d,%d %d:%d:%d.%09d", year, day, hour, minute, second, nanos));
    }
    long total = 40L + sidLen + extraLen + dataLen;
    if (total > left) {
      throw in.error(
          p,
          SeismicError.TRUNCATED,
          "record of " + total + " bytes (identifier " + sidLen + ", extra headers " + extraLen
              + ", data " + dataLen + ") but the file has " + left + " left");
    }
    if (total > MAX_V3_RECLEN) {
      throw in.error(
          p, SeismicError.BAD_HEADER, "record length " + total + " is above the 10 MiB limit");
    }
    int reclen = (int) total;
    b = fill(p, reclen);
    int computed = Crc32c.ofRecord(buf, b, reclen);
    if (computed != crc) {
      throw in.error(
          p,
          SeismicError.CRC_MISMATCH,
          String.format("CRC-32C is %08x, the header says %08x", computed, crc));
    }
    String sid = new String(buf, b + 40, sidLen, StandardCharsets.UTF_8);
    String extra = new String(buf, b + 40 + sidLen, extraLen, StandardCharsets.UTF_8);
    int dataAt = b + 40 + sidLen + extraLen;
    double[] samples =
        nsamp == 0
            ? target(0)
            : decode(p, enc, buf, dataAt, (int) dataLen, nsamp, ByteOrder.LITTLE_ENDIAN, true);
    double rate =
        rateOrPeriod > 0 ? rateOrPeriod : rateOrPeriod < 0 ? -1.0 / rateOrPeriod : 0.0;

    SeismicTrace.Builder t =
        SeismicTrace.builder(SeismicFormat.MSEED3)
            .offset(p)
            .startTimeNanos(dayNanos(year, day, hour, minute, second) + nanos)
            .sampleRateHz(rate)
            .encoding(encodingName(enc));
    withSamples(t, samples);
    String[] nslc = sidToNslc(sid);
    if (nslc != null) {
      t.network(nslc[0]).station(nslc[1]).location(nslc[2]).channel(nslc[3]);
    }
    t.header("format_version", "3");
    t.header("record_length", Integer.toString(reclen));
    t.header("byte_order", "little-endian");
    t.header("flags", Integer.toString(flags));
    t.header("encoding_format", Integer.toString(enc));
    t.header("sample_rate_or_period", Double.toString(rateOrPeriod));
    t.header("sample_count", Long.toString(nsamp));
    t.header("crc", String.format("%08x", crc));
    t.header("publication_version", Integer.toString(pubVersion));
    t.header("sid", sid);
    t.header("extra_headers", extra);
    t.header("data_length", Long.toString(dataLen));
    versions.add("miniSEED3");
    encodings.add(encodingName(enc));
    lengths.add(reclen);
    return new Parsed(t, p + reclen);
  }

  /**
   * Network, station, location and channel of an FDSN source identifier {@code
   * FDSN:NET_STA_LOC_B_S_SS} (channel = band + source + subsource), or null for other schemes.
   */
  public static String[] sidToNslc(String sid) {
    if (!sid.startsWith("FDSN:")) {
      return null;
    }
    String s = sid.substring(5);
    int a = s.indexOf('_');
    int b = a < 0 ? -1 : s.indexOf('_', a + 1);
    int c = b < 0 ? -1 : s.indexOf('_', b + 1);
    if (c < 0) {
      return null;
    }
    String chan = s.substring(c + 1);
    String[] parts = chan.split("_", -1);
    if (parts.length == 3) {
      chan = parts[0] + parts[1] + parts[2];
    }
    return new String[] {s.substring(0, a), s.substring(a + 1, b), s.substring(b + 1, c), chan};
  }

  // ---------------------------------------------------------------- samples

  /** The sample type name of a miniSEED encoding code. */
  public static String encodingName(int code) {
    switch (code) {
      case 0:
        return SampleEncoding.TEXT;
      case 1:
        return SampleEncoding.INT16;
      case 3:
        return SampleEncoding.INT32;
      case 4:
        return SampleEncoding.FLOAT32;
      case 5:
        return SampleEncoding.FLOAT64;
      case 10:
        return SampleEncoding.STEIM1;
      case 11:
        return SampleEncoding.STEIM2;
      // Legacy encodings by the type of their decoded values; encoding_format keeps the code.
      case 13:
      case 14:
        return SampleEncoding.FLOAT32;
      case 16:
      case 30:
        return SampleEncoding.INT32;
      case 32:
        return SampleEncoding.INT16;
      default:
        return "mseed_encoding_" + code;
    }
  }

  private double[] decode(
      long p, int enc, byte[] src, int off, int len, long n, ByteOrder order, boolean v3)
      throws SeismicFormatException {
    long capacity;
    switch (enc) {
      case 0:
        capacity = len;
        break;
      case 1:
        capacity = len / 2;
        break;
      case 3:
      case 4:
        capacity = len / 4;
        break;
      case 5:
        capacity = len / 8;
        break;
      case 10:
        capacity = (len / 64) * 60L;
        break;
      case 11:
        capacity = (len / 64) * 105L;
        break;
      case 13:
      case 14:
      case 16:
      case 30:
      case 32:
        capacity = len / 2;
        break;
      case 2:
      case 12:
      case 15:
      case 17:
      case 18:
      case 19:
      case 31:
      case 33:
        throw in.error(
            p, SeismicError.UNSUPPORTED, "legacy data encoding " + enc + " is not decoded");
      default:
        throw in.error(p, SeismicError.BAD_HEADER, "unknown data encoding " + enc);
    }
    if (n > capacity) {
      throw in.error(
          p,
          SeismicError.BAD_HEADER,
          n + " samples of encoding " + enc + " do not fit in the record's " + len + " data bytes");
    }
    int count = (int) n;
    if (enc == 10 || enc == 11) {
      return decodeSteim(p, enc, src, off, len, count, v3 ? ByteOrder.BIG_ENDIAN : order);
    }
    double[] dst = target(count);
    switch (enc) {
      case 0:
        decodeText(src, off, dst, count);
        break;
      case 1:
        decodeInt16(src, off, dst, count, order);
        break;
      case 3:
        decodeInt32(src, off, dst, count, order);
        break;
      case 4:
        decodeFloat32(src, off, dst, count, order);
        break;
      case 5:
        decodeFloat64(src, off, dst, count, order);
        break;
      case 13:
      case 14:
      case 16:
      case 30:
      case 32:
        int bad = decodeLegacy16(enc, src, off, dst, count, order);
        if (bad >= 0) {
          throw in.error(
              p, SeismicError.CORRUPT_DATA, "SRO gain range above 10 at sample " + bad);
        }
        break;
      default:
        throw new AssertionError("encoding " + enc);
    }
    return dst;
  }

  // Steim records decode straight into the record's own new array: measured against decoding into
  // a reused array and copying it (a copy of a new array is not zeroed first), this is faster for
  // both levels (bench/run-decode-bench; the copy reads the samples a second time).
  private double[] decodeSteim(long p, int enc, byte[] src, int off, int len, int count, ByteOrder so)
      throws SeismicFormatException {
    int level = enc == 10 ? 1 : 2;
    int frames = len / 64;
    int need = Steim.scratchLength(level, frames, count);
    if (need > 0 && diffs.length < need) {
      diffs = new int[Math.max(need, 4096)];
    }
    double[] samples = target(count);
    try {
      Steim.decode(level, src, off, frames, so == ByteOrder.LITTLE_ENDIAN, samples, 0, count, diffs);
    } catch (Steim.SteimException e) {
      throw new SeismicFormatException(
          name, p, SeismicError.CORRUPT_DATA, e.getMessage() + " (frame at data byte " + e.frameOffset() + ")", e);
    }
    return samples;
  }

  /**
   * The legacy 16-bit encodings (SEED manual v2.4, appendix A; as libmseed decodes them): 13 and
   * 14 GEOSCOPE gain-ranged (12-bit offset mantissa, 3- or 4-bit exponent: (m - 2048) / 2^e, a
   * float32), 16 CDSN (14-bit offset mantissa, 2-bit gain code 0, 2, 4, 7 bits of shift), 30 SRO
   * (12-bit two's-complement mantissa shifted left by 10 - gain range), 32 DWWSSN (int16). Returns
   * -1, or the index of an SRO sample whose gain range is above 10.
   */
  public static int decodeLegacy16(
      int enc, byte[] src, int off, double[] dst, int n, ByteOrder order) {
    boolean le = order == ByteOrder.LITTLE_ENDIAN;
    for (int i = 0; i < n; i++) {
      int w = u16(src, off + 2 * i, le);
      switch (enc) {
        case 13:
          dst[i] = (float) (((w & 0x0fff) - 2048) / (double) (1 << ((w & 0x7000) >> 12)));
          break;
        case 14:
          dst[i] = (float) (((w & 0x0fff) - 2048) / (double) (1 << (w >> 12)));
          break;
        case 16:
          int shift = CDSN_SHIFT[w >> 14];
          dst[i] = ((w & 0x3fff) - 0x1fff) << shift;
          break;
        case 30:
          int gain = w >> 12;
          if (gain > 10) {
            return i;
          }
          int m = w & 0x0fff;
          if (m > 0x7ff) {
            m -= 4096;
          }
          dst[i] = m << (10 - gain);
          break;
        default:
          dst[i] = (short) w;
          break;
      }
    }
    return -1;
  }

  private static final int[] CDSN_SHIFT = {0, 2, 4, 7};

  /** Text (encoding 0): each byte is a sample 0..255. */
  public static void decodeText(byte[] src, int off, double[] dst, int n) {
    for (int i = 0; i < n; i++) {
      dst[i] = src[off + i] & 0xFF;
    }
  }

  public static void decodeInt16(byte[] src, int off, double[] dst, int n, ByteOrder order) {
    if (order == ByteOrder.BIG_ENDIAN) {
      for (int i = 0; i < n; i++) {
        dst[i] = (short) I16_BE.get(src, off + 2 * i);
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[i] = (short) I16_LE.get(src, off + 2 * i);
      }
    }
  }

  public static void decodeInt32(byte[] src, int off, double[] dst, int n, ByteOrder order) {
    if (order == ByteOrder.BIG_ENDIAN) {
      for (int i = 0; i < n; i++) {
        dst[i] = (int) I32_BE.get(src, off + 4 * i);
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[i] = (int) I32_LE.get(src, off + 4 * i);
      }
    }
  }

  public static void decodeFloat32(byte[] src, int off, double[] dst, int n, ByteOrder order) {
    if (order == ByteOrder.BIG_ENDIAN) {
      for (int i = 0; i < n; i++) {
        dst[i] = (float) F32_BE.get(src, off + 4 * i);
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[i] = (float) F32_LE.get(src, off + 4 * i);
      }
    }
  }

  public static void decodeFloat64(byte[] src, int off, double[] dst, int n, ByteOrder order) {
    if (order == ByteOrder.BIG_ENDIAN) {
      for (int i = 0; i < n; i++) {
        dst[i] = (double) F64_BE.get(src, off + 8 * i);
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[i] = (double) F64_LE.get(src, off + 8 * i);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private static int s16(byte[] b, int o, boolean le) {
    return le ? (short) I16_LE.get(b, o) : (short) I16_BE.get(b, o);
  }

  private static int u16(byte[] b, int o, boolean le) {
    return s16(b, o, le) & 0xFFFF;
  }

  private static int s32(byte[] b, int o, boolean le) {
    return le ? (int) I32_LE.get(b, o) : (int) I32_BE.get(b, o);
  }

  /** Unsigned little-endian 32-bit (miniSEED 3). */
  private static long u32(byte[] b, int o) {
    return ((int) I32_LE.get(b, o)) & 0xFFFFFFFFL;
  }

  /** ASCII text with trailing and leading spaces and NULs removed. */
  private static String ascii(byte[] b, int o, int len) {
    int s = o;
    int e = o + len;
    while (s < e && (b[s] == ' ' || b[s] == 0)) {
      s++;
    }
    while (e > s && (b[e - 1] == ' ' || b[e - 1] == 0)) {
      e--;
    }
    return new String(b, s, e - s, StandardCharsets.US_ASCII);
  }

  /** Days from 1970-01-01 to January 1st of {@code year} (proleptic Gregorian). */
  static long daysBeforeYear(int year) {
    long y = year - 1L;
    return y * 365 + Math.floorDiv(y, 4) - Math.floorDiv(y, 100) + Math.floorDiv(y, 400) - 719162L;
  }

  static long dayNanos(int year, int day, int hour, int minute, int second) {
    long days = daysBeforeYear(year) + day - 1;
    return ((days * 24 + hour) * 60 + minute) * 60_000_000_000L + second * 1_000_000_000L;
  }

  /** A SEED BTIME (fraction in 0.0001 s) in nanoseconds since 1970. */
  static long btimeNanos(int year, int day, int hour, int minute, int second, int fract) {
    return dayNanos(year, day, hour, minute, second) + fract * 100_000L;
  }

  /**
   * Why a blockette offset is refused, in one sentence: it points into the fixed header, back at
   * or before the previous blockette (a loop), or past the bytes of the record.
   */
  static String badBlocketteOffset(int off, int prev, int bound) {
    if (off < 48) {
      return "blockette offset " + off + " points into the 48-byte fixed header";
    }
    if (off <= prev) {
      return "blockette offset "
          + off
          + " does not come after the previous blockette at "
          + prev
          + " (the blockette chain loops)";
    }
    return "blockette offset "
        + off
        + (bound < MAX_RECLEN
            ? " is past the end of the file: " + bound + " bytes remain from the record's start"
            : " is past the largest record length, " + MAX_RECLEN + " bytes");
  }
}
