package dev.sediment.io.sac;

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
import java.time.Year;
import java.util.Collections;
import java.util.Map;

/**
 * Reads a SAC file (SAC manual, "SAC Data File Format"): binary in either byte order (told by
 * NVHDR, 6 or 7, at byte 304) or alphanumeric (header as 5G15.7 / 5I10 / A8 lines, data 5G15.7,
 * read as whitespace-separated values rounded to float32). A SAC file holds one trace.
 *
 * <p>{@code
 * try (SeekableByteChannel ch = Files.newByteChannel(path);
 *     SacReader r = SacReader.open(ch, path.toString())) {
 *   SeismicTrace t = r.next(); // KNETWK.KSTNM.KHOLE.KCMPNM, float32 samples
 * }
 * }
 *
 * <p>The trace: network, station, location, channel are KNETWK, KSTNM, KHOLE, KCMPNM (null when
 * undefined, "-12345"); {@code startTimeNanos} is NZYEAR/NZJDAY/NZHOUR/NZMIN/NZSEC/NZMSEC plus B
 * rounded to the microsecond (null when a reference time field or B is undefined);
 * {@code sampleRateHz} is 1/DELTA taken from the shortest decimal of the float32 DELTA (0.01
 * gives exactly 100 Hz), NaN for unevenly sampled (LEVEN false), spectral and x-y files;
 * {@code encoding} is {@code float32} for binary and {@code sac_alpha} for alphanumeric files;
 * {@code headers()} holds all 133 header fields by name ({@link SacHeader}), undefined values
 * included. Files with two data blocks (LEVEN false, or IFTYPE IRLIM/IAMPH) give the first block
 * (the dependent variable, amplitude or real part) as samples; the second block (the independent
 * variable, phase or imaginary part) is not part of the trace and is available from {@link
 * #secondBlock()} after {@link #next()}.
 *
 * <p><b>NVHDR 7.</b> A binary file of header version 7 ends with a footer of 22 float64 values
 * after the data ({@link SacFooter}: DELTA, B, E, O, A, T0..T9, F, EVLO, EVLA, STLO, STLA, SB,
 * SDELTA). They go into {@code headers()} beside the float32 fields as {@code DELTA_F64}, {@code
 * B_F64}, ...; {@code sampleRateHz} is then 1/DELTA_F64 and {@code startTimeNanos} uses B_F64
 * (its exact value rounded to the nanosecond) instead of the float32 DELTA and B. A footer cut
 * short is a {@code TRUNCATED} error at the footer's offset (632 + the data bytes). Alphanumeric
 * files have no footer.
 *
 * <p>Byte ranges: the trace starts at byte 0, so a reader opened on {@code [start, end)} returns
 * it only when {@code start <= 0 < end}; other ranges read nothing.
 */
public final class SacReader implements TraceReader {
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_BE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final int CHUNK = 1 << 20;

  private final SeismicInput in;
  private final boolean inRange;
  private final SacHeader header;
  private final ByteOrder order; // null for alphanumeric
  private final TextScanner text; // null for binary
  private final int npts;
  private final boolean twoBlocks;
  private final SacFooter footer; // null unless binary NVHDR 7
  private final long footerOffset;
  private boolean done;
  private double[] second;

  private SacReader(
      SeismicInput in,
      boolean inRange,
      SacHeader header,
      ByteOrder order,
      TextScanner text,
      boolean twoBlocks,
      SacFooter footer,
      long footerOffset) {
    this.in = in;
    this.inRange = inRange;
    this.header = header;
    this.order = order;
    this.text = text;
    this.npts = header == null ? 0 : header.getInt("NPTS");
    this.twoBlocks = twoBlocks;
    this.footer = footer;
    this.footerOffset = footerOffset;
    this.done = !inRange;
  }

  /** A reader of the whole file. */
  public static SacReader open(SeekableByteChannel ch, String name) throws IOException {
    return open(ch, name, 0, Long.MAX_VALUE);
  }

  /**
   * A reader of the traces starting in {@code [start, end)}: the file's one trace when {@code
   * start <= 0 < end}, else nothing (and nothing is read).
   */
  public static SacReader open(SeekableByteChannel ch, String name, long start, long end)
      throws IOException {
    SeismicInput in = new SeismicInput(ch, name);
    if (!(start <= 0 && end > 0)) {
      return new SacReader(in, false, null, null, null, false, null, -1);
    }
    long size = in.size();
    int headLen = (int) Math.min(size, 8192);
    byte[] head = new byte[headLen];
    in.readFully(0, ByteBuffer.wrap(head), "SAC header");
    ByteOrder order = headLen >= NVHDR_END ? SacHeader.byteOrder(head, 0) : null;
    if (order != null) {
      if (size < SacHeader.SIZE) {
        throw in.error(
            0,
            SeismicError.TRUNCATED,
            "SAC header needs " + SacHeader.SIZE + " bytes but the file has " + size);
      }
      SacHeader h = SacHeader.decode(head, 0, order);
      int n = h.getInt("NPTS");
      if (n < 0) {
        throw in.error(SacHeader.NPTS_OFFSET, SeismicError.BAD_HEADER, "NPTS is negative: " + n);
      }
      boolean two = hasTwoBlocks(h);
      long need = 4L * n * (two ? 2 : 1);
      if (need > in.remaining(SacHeader.SIZE)) {
        throw in.error(
            SacHeader.SIZE,
            SeismicError.TRUNCATED,
            "NPTS "
                + n
                + (two ? " in two data blocks" : "")
                + " needs "
                + need
                + " data bytes but the file has "
                + in.remaining(SacHeader.SIZE)
                + " after the header");
      }
      SacFooter footer = null;
      long footerAt = SacHeader.SIZE + need;
      if (h.getInt("NVHDR") == 7) {
        if (in.remaining(footerAt) < SacFooter.SIZE) {
          throw in.error(footerAt, SeismicError.TRUNCATED, "NVHDR 7 footer needs " + SacFooter.SIZE
              + " bytes after the data but the file has " + in.remaining(footerAt));
        }
        byte[] f = in.read(footerAt, SacFooter.SIZE, order, "SAC footer").array();
        footer = SacFooter.decode(f, 0, order);
      }
      return new SacReader(in, true, h, order, null, two, footer, footerAt);
    }
    if (looksLikeText(head, headLen)) {
      TextScanner s = new TextScanner(in);
      SacHeader h = readTextHeader(s, in);
      int n = h.getInt("NPTS");
      if (n < 0) {
        throw in.error(s.lastTokenOffset(NPTS_TOKEN), SeismicError.BAD_HEADER, "NPTS is negative: " + n);
      }
      boolean two = hasTwoBlocks(h);
      long values = (long) n * (two ? 2 : 1);
      // Each value needs at least one character and one separator.
      if (2 * values > in.remaining(s.position()) + 1) {
        throw in.error(
            s.position(),
            SeismicError.TRUNCATED,
            "NPTS "
                + n
                + " needs at least "
                + (2 * values - 1)
                + " bytes of text data but the file has "
                + in.remaining(s.position()));
      }
      return new SacReader(in, true, h, null, s, two, null, -1);
    }
    throw in.error(
        SacHeader.NVHDR_OFFSET,
        SeismicError.BAD_MAGIC,
        "not SAC: NVHDR at byte 304 is neither 6 nor 7 in either byte order"
            + " and the file does not start with an alphanumeric SAC header");
  }

  private static final int NVHDR_END = SacHeader.NVHDR_OFFSET + 4;
  private static final int NPTS_TOKEN = 70 + 9;

  static boolean hasTwoBlocks(SacHeader h) {
    int iftype = h.getInt("IFTYPE");
    return h.getInt("LEVEN") == 0 || iftype == SacHeader.IRLIM || iftype == SacHeader.IAMPH;
  }

  /**
   * True when the first {@code len} bytes look like a SAC file: binary with NVHDR 6 or 7 in
   * either byte order at byte 304, NPTS not negative and IFTYPE, LEVEN and NZJDAY in range; or the
   * alphanumeric header (70 numbers, 40 integers with NVHDR 6 or 7 and NPTS not negative).
   */
  public static boolean probe(byte[] head, int len) {
    if (len >= SacHeader.SIZE) {
      ByteOrder order = SacHeader.byteOrder(head, 0);
      if (order != null) {
        int npts = SacHeader.readInt(head, SacHeader.NPTS_OFFSET, order);
        int iftype = SacHeader.readInt(head, 280 + 4 * 15, order);
        int leven = SacHeader.readInt(head, 280 + 4 * 35, order);
        int jday = SacHeader.readInt(head, 280 + 4, order);
        return npts >= 0
            && (iftype == SacHeader.UNDEFINED || (iftype >= 1 && iftype <= 4) || iftype == 51)
            && (leven == 0 || leven == 1 || leven == SacHeader.UNDEFINED)
            && (jday == SacHeader.UNDEFINED || (jday >= 1 && jday <= 366));
      }
    }
    return looksLikeText(head, len);
  }

  /** The alphanumeric header test of {@link #probe}. */
  static boolean looksLikeText(byte[] head, int len) {
    int p = 0;
    int nvhdr = -1;
    int npts = -1;
    for (int t = 0; t < 110; t++) {
      while (p < len && isSpace(head[p])) {
        p++;
      }
      int s = p;
      while (p < len && !isSpace(head[p])) {
        byte c = head[p];
        if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
          return false;
        }
        p++;
      }
      if (s == p || p == len) {
        return false;
      }
      String tok = new String(head, s, p - s, StandardCharsets.US_ASCII);
      try {
        if (t < 70) {
          Float.parseFloat(tok);
        } else {
          int v = Integer.parseInt(tok);
          if (t == 76) {
            nvhdr = v;
          } else if (t == NPTS_TOKEN) {
            npts = v;
          }
        }
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return (nvhdr == 6 || nvhdr == 7) && npts >= 0;
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  private static SacHeader readTextHeader(TextScanner s, SeismicInput in) throws IOException {
    SacHeader h = SacHeader.undefined();
    for (int i = 0; i < 110; i++) {
      String tok = s.nextToken();
      if (tok == null) {
        throw in.error(s.position(), SeismicError.TRUNCATED, "alphanumeric SAC header ends after " + i + " of 110 numbers");
      }
      try {
        if (i < 70) {
          h.setFloat(SacHeader.FLOAT_NAMES.get(i), Float.parseFloat(tok));
        } else {
          h.setInt(SacHeader.INT_NAMES.get(i - 70), Integer.parseInt(tok));
        }
      } catch (NumberFormatException e) {
        throw in.error(
            s.tokenOffset(),
            SeismicError.BAD_HEADER,
            "alphanumeric SAC header "
                + (i < 70 ? SacHeader.FLOAT_NAMES.get(i) : SacHeader.INT_NAMES.get(i - 70))
                + " is not a number: '"
                + tok
                + "'");
      }
      s.remember(i);
    }
    String rest = s.readLine();
    if (rest != null && !rest.isBlank()) {
      throw in.error(
          s.lineOffset(), SeismicError.BAD_HEADER, "more than 110 numbers before the header strings: '" + rest.trim() + "'");
    }
    int field = 0;
    for (int line = 0; line < 8; line++) {
      String l = s.readLine();
      if (l == null) {
        throw in.error(s.position(), SeismicError.TRUNCATED, "alphanumeric SAC header ends in its strings");
      }
      byte[] b = l.getBytes(StandardCharsets.ISO_8859_1);
      int col = 0;
      int fieldsOnLine = line == 0 ? 2 : 3;
      for (int k = 0; k < fieldsOnLine; k++, field++) {
        int w = SacHeader.stringWidth(field);
        byte[] cell = new byte[w];
        java.util.Arrays.fill(cell, (byte) ' ');
        if (col < b.length) {
          System.arraycopy(b, col, cell, 0, Math.min(w, b.length - col));
        }
        h.setString(SacHeader.STRING_NAMES.get(field), SacHeader.cleanString(cell, 0, w));
        col += w;
      }
    }
    return h;
  }

  @Override
  public SeismicFormat format() {
    return SeismicFormat.SAC;
  }

  @Override
  public String variant() {
    if (header == null) {
      return "SAC";
    }
    String form =
        order == null
            ? "alphanumeric"
            : "binary " + (order == ByteOrder.BIG_ENDIAN ? "big-endian" : "little-endian");
    String spacing = header.getInt("LEVEN") == 0 ? "unevenly sampled" : "evenly sampled";
    return form + " v" + header.getInt("NVHDR") + " " + spacing;
  }

  /** SAC has no file-level headers: empty. */
  @Override
  public Map<String, String> fileHeaders() {
    return Collections.emptyMap();
  }

  /** The header, or null for a reader whose range does not hold the trace. */
  public SacHeader header() {
    return header;
  }

  /**
   * The second data block of the trace last returned by {@link #next()} (the x values of an
   * unevenly sampled or x-y file, the phase or imaginary part of a spectral file), or null when
   * the file has one block.
   */
  public double[] secondBlock() {
    return second;
  }

  @Override
  public SeismicTrace next() throws IOException {
    if (done) {
      return null;
    }
    done = true;
    double[] y = new double[npts];
    if (order != null) {
      readBinary(SacHeader.SIZE, y);
      if (twoBlocks) {
        second = new double[npts];
        readBinary(SacHeader.SIZE + 4L * npts, second);
      }
    } else {
      readText(y);
      if (twoBlocks) {
        second = new double[npts];
        readText(second);
      }
    }
    Long start = footer == null
        ? startTimeNanos(header, in.name())
        : startTimeNanos(header, footer.get("B"), footerOffset + 8, in.name());
    int iftype = header.getInt("IFTYPE");
    boolean timeSeries =
        header.getInt("LEVEN") != 0
            && iftype != SacHeader.IRLIM
            && iftype != SacHeader.IAMPH
            && iftype != SacHeader.IXY;
    return SeismicTrace.builder(SeismicFormat.SAC)
        .index(0)
        .offset(0)
        .network(header.getDefinedString("KNETWK"))
        .station(header.getDefinedString("KSTNM"))
        .location(header.getDefinedString("KHOLE"))
        .channel(header.getDefinedString("KCMPNM"))
        .startTimeNanos(start)
        .sampleRateHz(!timeSeries ? Double.NaN
            : footer == null ? SacHeader.rateFromDelta(header.getFloat("DELTA"))
            : rateFromDelta(footer.get("DELTA")))
        .encoding(order == null ? SampleEncoding.SAC_ALPHA : SampleEncoding.FLOAT32)
        .samples(y)
        .headers(headers())
        .build();
  }

  private Map<String, String> headers() {
    Map<String, String> m = header.toMap();
    if (footer != null) {
      footer.putInto(m);
    }
    return m;
  }

  /** The footer of a binary NVHDR 7 file, or null. */
  public SacFooter footer() {
    return footer;
  }

  /** 1/DELTA for a float64 DELTA, NaN when it is undefined, not positive or not finite. */
  static double rateFromDelta(double delta) {
    if (!(delta > 0) || Double.isInfinite(delta) || delta == SacHeader.UNDEFINED) {
      return Double.NaN;
    }
    return 1.0 / delta;
  }

  private void readBinary(long pos, double[] dst) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, 4L * dst.length));
    int done = 0;
    while (done < dst.length) {
      int n = Math.min(dst.length - done, buf.capacity() / 4);
      buf.clear().limit(4 * n);
      in.readFully(pos + 4L * done, buf, "SAC data");
      decodeFloat32(buf.array(), 0, dst, done, n, order);
      done += n;
    }
  }

  private void readText(double[] dst) throws IOException {
    for (int i = 0; i < dst.length; i++) {
      String tok = text.nextToken();
      if (tok == null) {
        throw in.error(
            text.position(),
            SeismicError.TRUNCATED,
            "alphanumeric SAC data end after " + i + " of " + dst.length + " values");
      }
      try {
        dst[i] = Float.parseFloat(tok);
      } catch (NumberFormatException e) {
        throw in.error(text.tokenOffset(), SeismicError.CORRUPT_DATA, "not a number: '" + tok + "'");
      }
    }
  }

  /**
   * Decodes {@code n} IEEE float32 values from {@code src} at {@code off} into {@code dst} from
   * {@code dstOff}, widened to float64.
   */
  public static void decodeFloat32(
      byte[] src, int off, double[] dst, int dstOff, int n, ByteOrder order) {
    if (order == ByteOrder.BIG_ENDIAN) {
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] = Float.intBitsToFloat((int) INT_BE.get(src, off + 4 * i));
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] = Float.intBitsToFloat((int) INT_LE.get(src, off + 4 * i));
      }
    }
  }

  /**
   * NZYEAR...NZMSEC + B in nanoseconds since 1970, B rounded to the microsecond; null when a field
   * is undefined.
   *
   * @throws SeismicFormatException BAD_HEADER when a field is out of its range
   */
  static Long startTimeNanos(SacHeader h, String file) throws SeismicFormatException {
    Long ref = referenceNanos(h, file);
    if (ref == null) {
      return null;
    }
    float b = h.getFloat("B");
    if (b == SacHeader.UNDEFINED) {
      return null;
    }
    if (Float.isNaN(b) || Float.isInfinite(b) || Math.abs(b) > 1e12f) {
      throw new SeismicFormatException(file, 20, SeismicError.BAD_HEADER, "B is not a usable time: " + b);
    }
    return addB(ref, Math.multiplyExact(Math.round((double) b * 1e6), 1000L), file);
  }

  /**
   * NZYEAR...NZMSEC + the float64 {@code b} (the NVHDR 7 footer's B, at {@code bOffset}) in
   * nanoseconds since 1970, B's exact binary value rounded half-even to the nanosecond; null when a
   * field is undefined.
   */
  static Long startTimeNanos(SacHeader h, double b, long bOffset, String file) throws SeismicFormatException {
    Long ref = referenceNanos(h, file);
    if (ref == null || b == SacHeader.UNDEFINED) {
      return null;
    }
    if (Double.isNaN(b) || Double.isInfinite(b) || Math.abs(b) > 1e12) {
      throw new SeismicFormatException(file, bOffset, SeismicError.BAD_HEADER, "footer B is not a usable time: " + b);
    }
    long bNanos = new java.math.BigDecimal(b).movePointRight(9)
        .setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
    return addB(ref, bNanos, file);
  }

  private static Long addB(long ref, long bNanos, String file) throws SeismicFormatException {
    try {
      return Math.addExact(ref, bNanos);
    } catch (ArithmeticException e) {
      throw new SeismicFormatException(file, 280, SeismicError.BAD_HEADER, "reference time plus B is out of range", e);
    }
  }

  /** NZYEAR...NZMSEC in nanoseconds since 1970, or null when a field is undefined. */
  private static Long referenceNanos(SacHeader h, String file) throws SeismicFormatException {
    String[] names = {"NZYEAR", "NZJDAY", "NZHOUR", "NZMIN", "NZSEC", "NZMSEC"};
    int[] max = {Integer.MAX_VALUE, 366, 23, 59, 60, 999};
    int[] min = {Integer.MIN_VALUE, 1, 0, 0, 0, 0};
    int[] v = new int[6];
    for (int i = 0; i < 6; i++) {
      v[i] = h.getInt(names[i]);
      if (v[i] == SacHeader.UNDEFINED) {
        return null;
      }
      if (v[i] < min[i] || v[i] > max[i]) {
        throw new SeismicFormatException(
            file, 280 + 4 * i, SeismicError.BAD_HEADER, names[i] + " out of range: " + v[i]);
      }
    }
    try {
      if (v[1] > Year.of(v[0]).length()) {
        throw new SeismicFormatException(
            file, 284, SeismicError.BAD_HEADER, "NZJDAY " + v[1] + " is past the end of " + v[0]);
      }
      long day = Math.addExact(java.time.LocalDate.of(v[0], 1, 1).toEpochDay(), v[1] - 1);
      long sec = Math.addExact(Math.multiplyExact(day, 86400L), v[2] * 3600L + v[3] * 60L + v[4]);
      long nanos = Math.multiplyExact(sec, 1_000_000_000L);
      return Math.addExact(nanos, v[5] * 1_000_000L);
    } catch (ArithmeticException | java.time.DateTimeException e) {
      throw new SeismicFormatException(
          file, 280, SeismicError.BAD_HEADER, "reference time NZYEAR " + v[0] + " is out of range", e);
    }
  }

  @Override
  public void close() throws IOException {
    in.channel().close();
  }

  /** Whitespace-separated tokens and lines of an alphanumeric SAC file, read in 64 KiB blocks. */
  static final class TextScanner {
    private final SeismicInput in;
    private final byte[] buf = new byte[1 << 16];
    private long bufPos; // file offset of buf[0]
    private int len;
    private int p;
    private long tokenOffset;
    private long lineOffset;
    private final long[] remembered = new long[110];

    TextScanner(SeismicInput in) {
      this.in = in;
    }

    long position() {
      return bufPos + p;
    }

    long tokenOffset() {
      return tokenOffset;
    }

    long lineOffset() {
      return lineOffset;
    }

    void remember(int i) {
      remembered[i] = tokenOffset;
    }

    long lastTokenOffset(int i) {
      return remembered[i];
    }

    private int peek() throws IOException {
      if (p == len) {
        bufPos += len;
        p = 0;
        long left = in.remaining(bufPos);
        len = (int) Math.min(buf.length, left);
        if (len == 0) {
          return -1;
        }
        in.readFully(bufPos, ByteBuffer.wrap(buf, 0, len), "alphanumeric SAC");
      }
      return buf[p] & 0xff;
    }

    String nextToken() throws IOException {
      int c;
      while ((c = peek()) == ' ' || c == '\n' || c == '\r' || c == '\t') {
        p++;
      }
      if (c < 0) {
        return null;
      }
      tokenOffset = position();
      StringBuilder sb = new StringBuilder(16);
      while ((c = peek()) >= 0 && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        sb.append((char) c);
        p++;
        if (sb.length() > 64) {
          break;
        }
      }
      return sb.toString();
    }

    /** The rest of the current line without its terminator, or null at the end of the file. */
    String readLine() throws IOException {
      lineOffset = position();
      int c = peek();
      if (c < 0) {
        return null;
      }
      StringBuilder sb = new StringBuilder(80);
      while ((c = peek()) >= 0 && c != '\n') {
        if (c != '\r') {
          sb.append((char) c);
        }
        p++;
        if (sb.length() > 4096) {
          break;
        }
      }
      if (c == '\n') {
        p++;
      }
      return sb.toString();
    }
  }
}
