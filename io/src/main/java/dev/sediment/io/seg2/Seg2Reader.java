package dev.sediment.io.seg2;

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
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a SEG-2 file (SEG-2 standard, Pullan 1990, revision 1): the file descriptor block (block
 * id 0x3a55, little- or big-endian), its trace pointer sub-block and strings, then each trace
 * descriptor block (id 0x4422) with its strings and data in formats 1 (int16), 2 (int32), 3
 * (20-bit floating point), 4 (float32) and 5 (float64).
 *
 * <p>{@code
 * try (SeekableByteChannel ch = Files.newByteChannel(path);
 *     Seg2Reader r = Seg2Reader.open(ch, path.toString())) {
 *   for (SeismicTrace t = r.next(); t != null; t = r.next()) {
 *     double scale = Double.parseDouble(t.header("DESCALING_FACTOR"));
 *   }
 * }
 * }
 *
 * <p>The trace: {@code traceNumber} is CHANNEL_NUMBER; {@code sampleRateHz} is 1/SAMPLE_INTERVAL
 * (exact decimal division); samples are the stored values before DESCALING_FACTOR; {@code
 * startTimeNanos} comes from the file strings ACQUISITION_DATE_UTC and ACQUISITION_TIME_UTC (plus
 * ACQUISITION_TIME_MICROSECONDS_UTC when present) and is null without them (ACQUISITION_DATE/TIME
 * are local times of unknown zone) or when they do not parse; DELAY is not applied. Strings are
 * split into keyword and value (leading and trailing blanks and line terminators removed): the file
 * descriptor strings form {@link #fileHeaders()}, the trace descriptor strings {@code headers()};
 * a keyword given twice keeps both values joined by a newline. A string without its terminator
 * inside its length is accepted (Geometrics writes NOTE that way). {@code index()} is the trace's
 * position in the pointer table, {@code offset()} its descriptor block's byte offset.
 *
 * <p>Byte ranges: a reader opened on {@code [start, end)} returns, in pointer-table order, the
 * traces whose descriptor block starts in the range. Every reader checks the whole file
 * descriptor block and pointer table, so a bad pointer fails every range.
 */
public final class Seg2Reader implements TraceReader {
  private static final int FILE_BLOCK_ID = 0x3a55;
  private static final int TRACE_BLOCK_ID = 0x4422;
  private static final int MAX_STRINGS_BYTES = 1 << 20;
  private static final int CHUNK_GROUPS = 1 << 16;

  private static final VarHandle SHORT_LE =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle SHORT_BE =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_BE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final SeismicInput in;
  private final ByteOrder order;
  private final int revision;
  private final byte[] stringTerminator;
  private final long[] pointers;
  private final long start;
  private final long end;
  private final Map<String, String> fileHeaders;
  private final Long startTimeNanos;
  private int nextIndex;

  private Seg2Reader(
      SeismicInput in,
      ByteOrder order,
      int revision,
      byte[] stringTerminator,
      long[] pointers,
      long start,
      long end,
      Map<String, String> fileHeaders) {
    this.in = in;
    this.order = order;
    this.revision = revision;
    this.stringTerminator = stringTerminator;
    this.pointers = pointers;
    this.start = start;
    this.end = end;
    this.fileHeaders = Collections.unmodifiableMap(fileHeaders);
    this.startTimeNanos = utcStart(fileHeaders);
  }

  /** A reader of every trace of the file. */
  public static Seg2Reader open(SeekableByteChannel ch, String name) throws IOException {
    return open(ch, name, 0, Long.MAX_VALUE);
  }

  /** A reader of the traces whose descriptor block starts in {@code [start, end)}. */
  public static Seg2Reader open(SeekableByteChannel ch, String name, long start, long end)
      throws IOException {
    SeismicInput in = new SeismicInput(ch, name);
    long size = in.size();
    byte[] fd = new byte[32];
    int have = (int) Math.min(32, size);
    in.readFully(0, ByteBuffer.wrap(fd, 0, have), "SEG-2 file descriptor block");
    ByteOrder order = have >= 2 ? orderOf(fd) : null;
    if (order == null) {
      throw in.error(
          0, SeismicError.BAD_MAGIC, "not SEG-2: the file does not start with block id 0x3a55 in either byte order");
    }
    if (have < 32) {
      throw in.error(0, SeismicError.TRUNCATED, "SEG-2 file descriptor block needs 32 bytes but the file has " + size);
    }
    int revision = u16(fd, 2, order);
    int m = u16(fd, 4, order);
    int n = u16(fd, 6, order);
    if (4L * n > m) {
      throw in.error(
          6, SeismicError.BAD_HEADER, n + " traces need " + 4L * n + " pointer bytes but the trace pointer sub-block has " + m);
    }
    int termLen = fd[8] & 0xff;
    if (termLen < 1 || termLen > 2) {
      throw in.error(8, SeismicError.BAD_HEADER, "string terminator length must be 1 or 2, not " + termLen);
    }
    int lineLen = fd[11] & 0xff;
    if (lineLen > 2) {
      throw in.error(11, SeismicError.BAD_HEADER, "line terminator length must be 0 to 2, not " + lineLen);
    }
    byte[] term = Arrays.copyOfRange(fd, 9, 9 + termLen);
    long stringsStart = 32L + m;
    if (stringsStart > size) {
      throw in.error(
          32, SeismicError.TRUNCATED, "trace pointer sub-block of " + m + " bytes runs past the end of the file (" + size + " bytes)");
    }
    long[] pointers = new long[n];
    ByteBuffer pb = in.read(32, 4 * n, order, "trace pointer sub-block");
    long firstTrace = size;
    for (int i = 0; i < n; i++) {
      long p = pb.getInt(4 * i) & 0xffffffffL;
      long at = 32L + 4 * i;
      if (p < stringsStart) {
        throw in.error(at, SeismicError.BAD_HEADER, "trace " + i + " pointer " + p + " points into the file descriptor block (ends at " + stringsStart + ")");
      }
      if (p + 32 > size) {
        throw in.error(at, SeismicError.BAD_HEADER, "trace " + i + " pointer " + p + " is past the end of the file (" + size + " bytes)");
      }
      pointers[i] = p;
      firstTrace = Math.min(firstTrace, p);
    }
    long[] sorted = pointers.clone();
    Arrays.sort(sorted);
    for (int i = 1; i < n; i++) {
      if (sorted[i] == sorted[i - 1]) {
        int dup = -1;
        for (int j = 0, seen = 0; j < n; j++) {
          if (pointers[j] == sorted[i] && ++seen == 2) {
            dup = j;
            break;
          }
        }
        throw in.error(32L + 4 * dup, SeismicError.BAD_HEADER, "trace " + dup + " pointer " + sorted[i] + " is given twice");
      }
    }
    int stringsLen = (int) Math.min(firstTrace - stringsStart, MAX_STRINGS_BYTES);
    byte[] strings = new byte[stringsLen];
    in.readFully(stringsStart, ByteBuffer.wrap(strings), "file descriptor strings");
    Map<String, String> fileHeaders = new LinkedHashMap<>();
    parseStrings(in, strings, 0, stringsLen, stringsStart, order, term, fileHeaders);
    return new Seg2Reader(in, order, revision, term, pointers, start, end, fileHeaders);
  }

  private static ByteOrder orderOf(byte[] b) {
    if ((b[0] & 0xff) == 0x55 && (b[1] & 0xff) == 0x3a) {
      return ByteOrder.LITTLE_ENDIAN;
    }
    if ((b[0] & 0xff) == 0x3a && (b[1] & 0xff) == 0x55) {
      return ByteOrder.BIG_ENDIAN;
    }
    return null;
  }

  /**
   * True when the first {@code len} bytes start a SEG-2 file: block id 0x3a55 in either order,
   * revision 1 to 9, a trace pointer sub-block that is a multiple of 4 bytes and holds the trace
   * count, terminator lengths in range and a first trace pointer past the pointer sub-block.
   */
  public static boolean probe(byte[] head, int len) {
    if (len < 32) {
      return false;
    }
    ByteOrder order = orderOf(head);
    if (order == null) {
      return false;
    }
    int rev = u16(head, 2, order);
    int m = u16(head, 4, order);
    int n = u16(head, 6, order);
    int term = head[8] & 0xff;
    int line = head[11] & 0xff;
    if (rev < 1 || rev > 9 || m % 4 != 0 || m < 4 || 4 * n > m || term < 1 || term > 2 || line > 2) {
      return false;
    }
    if (n > 0 && len >= 36) {
      long p = (long) (int) (order == ByteOrder.LITTLE_ENDIAN ? INT_LE : INT_BE).get(head, 32) & 0xffffffffL;
      return p >= 32 + m;
    }
    return true;
  }

  static int u16(byte[] b, int off, ByteOrder order) {
    return order == ByteOrder.LITTLE_ENDIAN
        ? (b[off] & 0xff) | (b[off + 1] & 0xff) << 8
        : (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
  }

  /**
   * Parses the string list in {@code b[from, to)} (file offset {@code base} at {@code from}): each
   * string is a 16-bit length (counting itself), text, terminator; a zero length or the end of
   * the block ends the list.
   */
  private static void parseStrings(
      SeismicInput in, byte[] b, int from, int to, long base, ByteOrder order, byte[] term, Map<String, String> out)
      throws SeismicFormatException {
    int p = from;
    while (p + 2 <= to) {
      int len = u16(b, p, order);
      if (len == 0) {
        return;
      }
      long at = base + (p - from);
      if (len < 2) {
        throw in.error(at, SeismicError.BAD_HEADER, "string length " + len + " is shorter than its own length field");
      }
      if (p + len > to) {
        throw in.error(
            at, SeismicError.BAD_HEADER, "string of " + len + " bytes runs past the end of its block (" + (to - p) + " bytes left)");
      }
      int textEnd = p + len;
      for (int i = p + 2; i + term.length <= p + len; i++) {
        if (b[i] == term[0] && (term.length == 1 || b[i + 1] == term[1])) {
          textEnd = i;
          break;
        }
      }
      String s = new String(b, p + 2, textEnd - (p + 2), StandardCharsets.ISO_8859_1);
      String keyword;
      String value;
      int k = 0;
      while (k < s.length() && !Character.isWhitespace(s.charAt(k))) {
        k++;
      }
      keyword = s.substring(0, k);
      value = s.substring(k).strip();
      if (!keyword.isEmpty()) {
        out.merge(keyword, value, (a, c) -> a + "\n" + c);
      }
      p += len;
    }
  }

  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };

  /** ACQUISITION_DATE_UTC DD/MON/YYYY + ACQUISITION_TIME_UTC HH:MM:SS[.fff] in ns, or null. */
  static Long utcStart(Map<String, String> h) {
    String date = h.get("ACQUISITION_DATE_UTC");
    String time = h.get("ACQUISITION_TIME_UTC");
    if (date == null || time == null) {
      return null;
    }
    try {
      String[] d = date.trim().split("/");
      String[] t = time.trim().split(":");
      if (d.length != 3 || t.length != 3) {
        return null;
      }
      int day = Integer.parseInt(d[0].trim());
      String mon = d[1].trim().toUpperCase(Locale.ROOT);
      int month = -1;
      for (int i = 0; i < 12; i++) {
        if (mon.startsWith(MONTHS[i])) {
          month = i + 1;
        }
      }
      if (month < 0) {
        month = Integer.parseInt(mon);
      }
      int year = Integer.parseInt(d[2].trim());
      int hour = Integer.parseInt(t[0].trim());
      int minute = Integer.parseInt(t[1].trim());
      BigDecimal sec = new BigDecimal(t[2].trim());
      if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec.signum() < 0 || sec.compareTo(BigDecimal.valueOf(61)) >= 0) {
        return null;
      }
      long days = LocalDate.of(year, month, day).toEpochDay();
      long nanos = Math.multiplyExact(days * 86400L + hour * 3600L + minute * 60L, 1_000_000_000L);
      nanos += sec.movePointRight(9).longValueExact();
      String micros = h.get("ACQUISITION_TIME_MICROSECONDS_UTC");
      if (micros != null) {
        nanos += Long.parseLong(micros.trim()) * 1000L;
      }
      return nanos;
    } catch (RuntimeException e) {
      // Unparseable or impossible dates leave the start time unknown; the strings stay in
      // fileHeaders().
      return null;
    }
  }

  @Override
  public SeismicFormat format() {
    return SeismicFormat.SEG2;
  }

  @Override
  public String variant() {
    return "rev" + revision + " " + (order == ByteOrder.BIG_ENDIAN ? "big-endian" : "little-endian") + ", " + pointers.length + " traces";
  }

  @Override
  public Map<String, String> fileHeaders() {
    return fileHeaders;
  }

  /** Number of traces in the file (the pointer table's count). */
  public int traceCount() {
    return pointers.length;
  }

  @Override
  public SeismicTrace next() throws IOException {
    while (nextIndex < pointers.length) {
      int i = nextIndex++;
      long p = pointers[i];
      if (p >= start && p < end) {
        return readTrace(i, p);
      }
    }
    return null;
  }

  private SeismicTrace readTrace(int index, long p) throws IOException {
    byte[] fixed = new byte[32];
    in.readFully(p, ByteBuffer.wrap(fixed), "trace descriptor block");
    int id = u16(fixed, 0, order);
    if (id != TRACE_BLOCK_ID) {
      throw in.error(p, SeismicError.BAD_MAGIC, String.format("trace %d descriptor block id is 0x%04x, not 0x4422", index, id));
    }
    int x = u16(fixed, 2, order);
    long y = readU32(fixed, 4);
    long ns = readU32(fixed, 8);
    int code = fixed[12] & 0xff;
    if (x < 32) {
      throw in.error(p + 2, SeismicError.BAD_HEADER, "trace descriptor block size " + x + " is less than 32");
    }
    if (p + x > in.size()) {
      throw in.error(
          p, SeismicError.TRUNCATED, "trace descriptor block of " + x + " bytes needs more than the " + in.remaining(p) + " bytes left");
    }
    if (ns > Integer.MAX_VALUE - 8) {
      throw in.error(p + 8, SeismicError.BAD_HEADER, ns + " samples are more than one trace can hold (2^31 - 9)");
    }
    String encoding;
    long needed;
    switch (code) {
      case 1:
        encoding = SampleEncoding.INT16;
        needed = 2 * ns;
        break;
      case 2:
        encoding = SampleEncoding.INT32;
        needed = 4 * ns;
        break;
      case 3:
        encoding = SampleEncoding.SEG2_FLOAT20;
        needed = 10 * ((ns + 3) / 4);
        break;
      case 4:
        encoding = SampleEncoding.FLOAT32;
        needed = 4 * ns;
        break;
      case 5:
        encoding = SampleEncoding.FLOAT64;
        needed = 8 * ns;
        break;
      default:
        throw in.error(p + 12, SeismicError.BAD_MAGIC, "unknown data format code " + code + " (1 to 5 are defined)");
    }
    if (needed > y) {
      throw in.error(
          p + 8, SeismicError.BAD_HEADER, ns + " samples in format " + code + " need " + needed + " bytes but the data block size is " + y);
    }
    long dataAt = p + x;
    if (needed > in.remaining(dataAt)) {
      throw in.error(
          dataAt, SeismicError.TRUNCATED, ns + " samples need " + needed + " bytes but the file has " + in.remaining(dataAt) + " left");
    }
    byte[] strings = new byte[x - 32];
    in.readFully(p + 32, ByteBuffer.wrap(strings), "trace descriptor strings");
    Map<String, String> headers = new LinkedHashMap<>();
    parseStrings(in, strings, 0, strings.length, p + 32, order, stringTerminator, headers);

    double[] samples = new double[(int) ns];
    readSamples(dataAt, code, samples);

    Long traceNumber = null;
    String channel = headers.get("CHANNEL_NUMBER");
    if (channel != null) {
      try {
        traceNumber = Long.parseLong(channel.trim());
      } catch (NumberFormatException e) {
        traceNumber = null;
      }
    }
    return SeismicTrace.builder(SeismicFormat.SEG2)
        .index(index)
        .offset(p)
        .traceNumber(traceNumber)
        .startTimeNanos(startTimeNanos)
        .sampleRateHz(rate(headers.get("SAMPLE_INTERVAL")))
        .encoding(encoding)
        .samples(samples)
        .headers(headers)
        .build();
  }

  private long readU32(byte[] b, int off) {
    return ((int) (order == ByteOrder.LITTLE_ENDIAN ? INT_LE : INT_BE).get(b, off)) & 0xffffffffL;
  }

  /** 1/SAMPLE_INTERVAL by exact decimal division, NaN when missing or not positive. */
  static double rate(String interval) {
    if (interval == null) {
      return Double.NaN;
    }
    try {
      BigDecimal s = new BigDecimal(interval.trim());
      if (s.signum() <= 0) {
        return Double.NaN;
      }
      return BigDecimal.ONE.divide(s, MathContext.DECIMAL64).doubleValue();
    } catch (NumberFormatException | ArithmeticException e) {
      return Double.NaN;
    }
  }

  private void readSamples(long pos, int code, double[] dst) throws IOException {
    int perGroup = code == 3 ? 4 : 1;
    int bytesPerGroup = code == 1 ? 2 : code == 3 ? 10 : code == 5 ? 8 : 4;
    int groups = (dst.length + perGroup - 1) / perGroup;
    int chunkGroups = Math.min(groups, CHUNK_GROUPS);
    ByteBuffer buf = ByteBuffer.allocate(chunkGroups * bytesPerGroup);
    int done = 0;
    for (int g = 0; g < groups; ) {
      int ng = Math.min(groups - g, chunkGroups);
      buf.clear().limit(ng * bytesPerGroup);
      in.readFully(pos + (long) g * bytesPerGroup, buf, "trace data");
      int n = Math.min(ng * perGroup, dst.length - done);
      byte[] a = buf.array();
      switch (code) {
        case 1:
          decodeInt16(a, 0, dst, done, n, order);
          break;
        case 2:
          decodeInt32(a, 0, dst, done, n, order);
          break;
        case 3:
          decodeFloat20(a, 0, dst, done, n, order);
          break;
        case 4:
          decodeFloat32(a, 0, dst, done, n, order);
          break;
        default:
          decodeFloat64(a, 0, dst, done, n, order);
          break;
      }
      done += n;
      g += ng;
    }
  }

  /** Format 1: {@code n} int16 values from {@code src[off...]} into {@code dst[dstOff...]}. */
  public static void decodeInt16(byte[] src, int off, double[] dst, int dstOff, int n, ByteOrder order) {
    // Constant VarHandles only: one held in a local variable crashed C2 on JDK 17.0.15.
    if (order == ByteOrder.LITTLE_ENDIAN) {
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] = (short) SHORT_LE.get(src, off + 2 * i);
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] = (short) SHORT_BE.get(src, off + 2 * i);
      }
    }
  }

  /** Format 2: {@code n} int32 values. */
  public static void decodeInt32(byte[] src, int off, double[] dst, int dstOff, int n, ByteOrder order) {
    if (order == ByteOrder.LITTLE_ENDIAN) {
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] = (int) INT_LE.get(src, off + 4 * i);
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] = (int) INT_BE.get(src, off + 4 * i);
      }
    }
  }

  /** Format 4: {@code n} IEEE float32 values. */
  public static void decodeFloat32(byte[] src, int off, double[] dst, int dstOff, int n, ByteOrder order) {
    if (order == ByteOrder.LITTLE_ENDIAN) {
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] = Float.intBitsToFloat((int) INT_LE.get(src, off + 4 * i));
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] = Float.intBitsToFloat((int) INT_BE.get(src, off + 4 * i));
      }
    }
  }

  /** Format 5: {@code n} IEEE float64 values. */
  public static void decodeFloat64(byte[] src, int off, double[] dst, int dstOff, int n, ByteOrder order) {
    if (order == ByteOrder.LITTLE_ENDIAN) {
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] = Double.longBitsToDouble((long) LONG_LE.get(src, off + 8 * i));
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] = Double.longBitsToDouble((long) LONG_BE.get(src, off + 8 * i));
      }
    }
  }

  /**
   * Format 3, 20-bit floating point: groups of four samples in 10 bytes, a 16-bit word of four
   * 4-bit exponents (lowest nibble for the first sample) then four 16-bit one's-complement
   * mantissas; value = mantissa * 2^exponent. Decodes {@code n} samples (the last group may be
   * used in part).
   */
  public static void decodeFloat20(byte[] src, int off, double[] dst, int dstOff, int n, ByteOrder order) {
    boolean le = order == ByteOrder.LITTLE_ENDIAN;
    for (int i = 0; i < n; i += 4) {
      int g = off + (i >> 2) * 10;
      int exps = int16(src, g, le) & 0xffff;
      int m = Math.min(4, n - i);
      for (int k = 0; k < m; k++) {
        int mant = int16(src, g + 2 + 2 * k, le);
        // One's complement: a negative word's magnitude is its bitwise complement.
        int v = mant < 0 ? -(~mant & 0xffff) : mant;
        dst[dstOff + i + k] = v << ((exps >>> (4 * k)) & 0xf);
      }
    }
  }

  private static short int16(byte[] src, int pos, boolean littleEndian) {
    return littleEndian ? (short) SHORT_LE.get(src, pos) : (short) SHORT_BE.get(src, pos);
  }

  @Override
  public void close() throws IOException {
    in.channel().close();
  }
}
