package dev.sediment.io.sac;

import dev.sediment.io.seismic.SeismicFormat;
import dev.sediment.io.seismic.SeismicTrace;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * Writes one evenly sampled trace as a binary SAC file (header version 6, float32 data), in
 * little-endian order unless told otherwise (what SAC itself writes on x86 and ARM hosts).
 *
 * <p>{@code
 * try (SacWriter w = new SacWriter(Files.newByteChannel(out, CREATE_NEW, WRITE))) {
 *   w.write(trace);
 * }
 * }
 *
 * <p>A trace read from SAC (binary or alphanumeric) is written with its header values as read
 * ({@code headers()}, see {@link SacHeader}) so that reading the file back gives the same samples
 * and headers; only NPTS, the identifiers (KNETWK, KSTNM, KHOLE, KCMPNM from the trace's fields,
 * null as "-12345"), DELTA when the trace's rate no longer matches it, and the reference time
 * when {@code startTimeNanos} no longer matches NZ*+B are taken from the trace. A trace whose
 * {@code headers()} say NVHDR 7 is written as version 7: the header, the data, then the {@link
 * SacFooter} of its {@code DELTA_F64}, {@code B_F64}, ... values (a missing one from its float32
 * field), DELTA_F64 and B_F64 (and their float32 fields) changed only as DELTA and B above; so a
 * version 7 file read and written back gives the same bytes. Any other SAC trace gets NVHDR 6. A trace of another format gets a header with NPTS, DELTA = 1/rate, B
 * (0, or the part of the start time below a millisecond), E, NZYEAR...NZMSEC from {@code
 * startTimeNanos}, the four identifiers, DEPMIN/DEPMAX/DEPMEN, IFTYPE = ITIME, LEVEN = true,
 * NVHDR = 6, and -12345 everywhere else. Samples are rounded to float32 (exact for samples read
 * from SAC, int16, float32 and integers up to 2^24).
 *
 * <p>One trace per file: a second {@link #write} fails. Traces that are not evenly sampled time
 * series (NaN rate, LEVEN false, spectral IFTYPE) are rejected with {@link
 * IllegalArgumentException}, as are identifiers longer than their 8-byte fields.
 */
public final class SacWriter implements Closeable {
  private final WritableByteChannel out;
  private final ByteOrder order;
  private boolean written;
  private boolean closed;

  /** A little-endian writer to {@code out}. */
  public SacWriter(WritableByteChannel out) {
    this(out, ByteOrder.LITTLE_ENDIAN);
  }

  public SacWriter(WritableByteChannel out, ByteOrder order) {
    this.out = Objects.requireNonNull(out, "out");
    this.order = Objects.requireNonNull(order, "order");
  }

  /** A little-endian writer to {@code out}. */
  public SacWriter(OutputStream out) {
    this(Channels.newChannel(out));
  }

  public SacWriter(OutputStream out, ByteOrder order) {
    this(Channels.newChannel(out), order);
  }

  /** The header this writer would write for {@code trace}. */
  public static SacHeader headerFor(SeismicTrace trace) {
    return plan(trace).header;
  }

  /** The header and, for NVHDR 7, the footer of a trace. */
  private static final class Plan {
    final SacHeader header;
    final SacFooter footer;

    Plan(SacHeader header, SacFooter footer) {
      this.header = header;
      this.footer = footer;
    }
  }

  private static boolean isVersion7(SeismicTrace trace) {
    String v = trace.header("NVHDR");
    return trace.format() == SeismicFormat.SAC && v != null && v.trim().equals("7");
  }

  private static Plan plan(SeismicTrace trace) {
    double rate = trace.sampleRateHz();
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException(
          "SacWriter writes evenly sampled traces; " + trace + " has sample rate " + rate);
    }
    int npts = trace.sampleCount();
    SacHeader h;
    SacFooter footer = null;
    if (isVersion7(trace)) {
      h = SacHeader.fromMap(trace.headers());
      footer = SacFooter.from(trace.headers(), h);
      checkEvenlySampled(trace, h);
      if (SacReader.rateFromDelta(footer.get("DELTA")) != rate) {
        footer.set("DELTA", 1.0 / rate);
        h.setFloat("DELTA", (float) (1.0 / rate));
      }
      Long start = trace.startTimeNanos();
      Long fromHeader;
      try {
        fromHeader = SacReader.startTimeNanos(h, footer.get("B"), 0, "trace");
      } catch (IOException e) {
        fromHeader = null;
      }
      if (!Objects.equals(start, fromHeader)) {
        double b = footer.get("B");
        if (start == null) {
          for (String n : new String[] {"NZYEAR", "NZJDAY", "NZHOUR", "NZMIN", "NZSEC", "NZMSEC"}) {
            h.setInt(n, SacHeader.UNDEFINED);
          }
        } else {
          boolean undefinedB = b == SacHeader.UNDEFINED || !(Math.abs(b) <= 1e12);
          long bNanos = undefinedB ? 0 : new java.math.BigDecimal(b).movePointRight(9)
              .setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
          long ref = start - bNanos;
          setReferenceTime(h, ref, 0f);
          double newB = (undefinedB ? 0 : b) + Math.floorMod(ref, 1_000_000L) / 1e9;
          footer.set("B", newB);
          h.setFloat("B", (float) newB);
        }
      }
      h.setInt("NVHDR", 7);
    } else if (trace.format() == SeismicFormat.SAC && trace.header("NVHDR") != null) {
      h = SacHeader.fromMap(trace.headers());
      checkEvenlySampled(trace, h);
      if (SacHeader.rateFromDelta(h.getFloat("DELTA")) != rate) {
        h.setFloat("DELTA", (float) (1.0 / rate));
      }
      Long start = trace.startTimeNanos();
      Long fromHeader;
      try {
        fromHeader = SacReader.startTimeNanos(h, "trace");
      } catch (IOException e) {
        fromHeader = null;
      }
      if (!Objects.equals(start, fromHeader)) {
        float b = h.getFloat("B");
        if (start == null) {
          for (String n : new String[] {"NZYEAR", "NZJDAY", "NZHOUR", "NZMIN", "NZSEC", "NZMSEC"}) {
            h.setInt(n, SacHeader.UNDEFINED);
          }
        } else {
          long bNanos = b == SacHeader.UNDEFINED ? 0 : Math.round((double) b * 1e6) * 1000L;
          setReferenceTime(h, start - bNanos, b == SacHeader.UNDEFINED ? 0f : b);
        }
      }
    } else {
      h = SacHeader.undefined();
      float delta = (float) (1.0 / rate);
      h.setFloat("DELTA", delta);
      if (trace.startTimeNanos() != null) {
        setReferenceTime(h, trace.startTimeNanos(), 0f);
      } else {
        h.setFloat("B", 0f);
      }
      float b = h.getFloat("B");
      h.setFloat("E", (float) (b + (double) delta * Math.max(0, npts - 1)));
      if (npts > 0) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (double v : trace.samples()) {
          float f = (float) v;
          min = Math.min(min, f);
          max = Math.max(max, f);
          sum += f;
        }
        h.setFloat("DEPMIN", (float) min);
        h.setFloat("DEPMAX", (float) max);
        h.setFloat("DEPMEN", (float) (sum / npts));
      }
      h.setInt("IFTYPE", SacHeader.ITIME);
      h.setInt("LEVEN", 1);
    }
    if (footer == null) {
      h.setInt("NVHDR", 6);
    }
    h.setInt("NPTS", npts);
    h.setString("KNETWK", trace.network());
    h.setString("KSTNM", trace.station());
    h.setString("KHOLE", trace.location());
    h.setString("KCMPNM", trace.channel());
    return new Plan(h, footer);
  }

  private static void checkEvenlySampled(SeismicTrace trace, SacHeader h) {
    int iftype = h.getInt("IFTYPE");
    if (h.getInt("LEVEN") == 0 || iftype == SacHeader.IRLIM || iftype == SacHeader.IAMPH) {
      throw new IllegalArgumentException(
          "SacWriter writes evenly sampled time series; " + trace + " has LEVEN "
              + h.getInt("LEVEN") + " and IFTYPE " + iftype);
    }
  }

  /**
   * Sets NZYEAR...NZMSEC to {@code refNanos} truncated to the millisecond and B to {@code b} plus
   * the part below the millisecond.
   */
  private static void setReferenceTime(SacHeader h, long refNanos, float b) {
    long ms = Math.floorDiv(refNanos, 1_000_000L);
    long subMs = Math.floorMod(refNanos, 1_000_000L);
    java.time.LocalDateTime t =
        java.time.LocalDateTime.ofEpochSecond(
            Math.floorDiv(ms, 1000L), (int) Math.floorMod(ms, 1000L) * 1_000_000, java.time.ZoneOffset.UTC);
    h.setInt("NZYEAR", t.getYear());
    h.setInt("NZJDAY", t.getDayOfYear());
    h.setInt("NZHOUR", t.getHour());
    h.setInt("NZMIN", t.getMinute());
    h.setInt("NZSEC", t.getSecond());
    h.setInt("NZMSEC", t.getNano() / 1_000_000);
    h.setFloat("B", subMs == 0 ? b : (float) (b + subMs / 1e9));
  }

  /** Writes {@code trace}; see the class comment for the header. */
  public void write(SeismicTrace trace) throws IOException {
    if (closed) {
      throw new IllegalStateException("SacWriter is closed");
    }
    if (written) {
      throw new IllegalStateException("a SAC file holds one trace; this writer already wrote one");
    }
    Plan plan = plan(trace);
    SacHeader h = plan.header;
    written = true;
    byte[] head = new byte[SacHeader.SIZE];
    h.encode(head, 0, order);
    writeFully(ByteBuffer.wrap(head));
    double[] s = trace.samples();
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(1 << 20, 4L * s.length)).order(order);
    for (int i = 0; i < s.length; ) {
      buf.clear();
      int n = Math.min(s.length - i, buf.capacity() / 4);
      encodeFloat32(s, i, buf.array(), 0, n, order);
      buf.limit(4 * n);
      writeFully(buf);
      i += n;
    }
    if (plan.footer != null) {
      writeFully(ByteBuffer.wrap(plan.footer.encode(order)));
    }
  }

  /** Encodes {@code n} samples from {@code src} at {@code off} as float32 into {@code dst}. */
  public static void encodeFloat32(
      double[] src, int off, byte[] dst, int dstOff, int n, ByteOrder order) {
    for (int i = 0; i < n; i++) {
      SacHeader.writeInt(dst, dstOff + 4 * i, Float.floatToRawIntBits((float) src[off + i]), order);
    }
  }

  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      out.write(b);
    }
  }

  /** Closes the channel (or stream). */
  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      out.close();
    }
  }
}
