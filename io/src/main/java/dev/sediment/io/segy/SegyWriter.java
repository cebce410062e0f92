package dev.sediment.io.segy;

import dev.sediment.io.seismic.SeismicTrace;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a SEG-Y file: textual, binary and extended textual headers, then one trace per {@link
 * #write(SeismicTrace)}.
 *
 * <pre>{@code
 * try (SegyReader r = SegyReader.open(in, "in.sgy");
 *     SegyWriter w = new SegyWriter(out, r.fileHeaders())) {
 *   for (SeismicTrace t = r.next(); t != null; t = r.next()) {
 *     w.write(t);
 *   }
 * }
 * }</pre>
 *
 * <p><b>From a SEG-Y file.</b> When {@code fileHeaders} are a {@link SegyReader#fileHeaders()}
 * (they hold {@code Format}), the textual header is written in its encoding ({@code
 * TextualHeaderEncoding}), every binary header field from its value (fields not given are 0), the
 * extended textual headers {@code ExtendedTextualHeader.1..n}, and each trace header field from the
 * trace's {@code headers()}; only {@code Format} follows the format written, and {@code
 * TRACE_SAMPLE_COUNT} the trace's sample count in a variable-length file. In rev 2 files each trace
 * gets its additional trace headers back ({@code SEG00001.*} as Trace Header Extension 1, {@code
 * AdditionalTraceHeader.k} from hex; as many as its {@code SEG00001.AdditionalTraceHeaderCount},
 * else {@code MaxAdditionalTraceHeaders}; a missing one is an {@link IllegalArgumentException}),
 * and {@link #close()} writes {@code NrTrailerStanza} trailer stanzas from {@code
 * TrailerStanza.1..n} in their encodings. Files of other revisions get neither. Reading the written file
 * gives the same headers and samples (IBM samples bit for bit, except unnormalised IBM values,
 * which are written normalised with the same value).
 *
 * <p><b>From another format.</b> Otherwise a rev 1 file is made: an EBCDIC card header naming
 * the source, {@code Samples} and {@code Interval} from the first trace, {@code TraceFlag} 1, the
 * byte-order word {@code IntConstant} 16909060. Trace header fields missing from a trace's {@code
 * headers()} (all of them for other formats) get {@code TRACE_SEQUENCE_LINE} ({@code
 * traceNumber()} or the ordinal from 1), {@code TRACE_SEQUENCE_FILE}, {@code FieldRecord} ({@code
 * line()}), {@code CDP}, {@code TraceIdentificationCode} 1, the sample interval, and the start
 * time to the whole second with {@code TimeBaseCode} 4 (UTC); the others are 0. If a later trace has another
 * length and the output is a {@link SeekableByteChannel}, {@code TraceFlag} is set to 0
 * (variable length) in place; on a plain stream that is an {@link IllegalArgumentException}. More
 * than 65535 samples per trace use rev 2's {@code ExtSamples}.
 *
 * <p>The format code and byte order are the file's ({@code Format}, {@code ByteOrder}) unless
 * given; format 5 (IEEE float) big-endian by default. Samples that the format cannot hold
 * (fractions or out-of-range values in an integer format, NaN in IBM) are an {@link
 * IllegalArgumentException}; float32 rounds to nearest.
 *
 * <p>Output is buffered; {@link #close()} flushes and closes the channel or stream.
 */
public final class SegyWriter implements Closeable {
  private static final int BUFFER = 1 << 18;

  private final WritableByteChannel out;
  private final Map<String, String> fileHeaders;
  private final int formatCode;
  private final ByteOrder order;
  private final int bytesPerSample;
  private final boolean fromSegy;
  private final ByteBuffer staging = ByteBuffer.allocate(BUFFER);
  private final long startPosition;

  private boolean headerWritten;
  private boolean fixedLength;
  private int fixedSamples;
  private int maxAdditional;
  private int fixedAdditional = -1;
  private int trailerStanzas;
  private long traces;
  private byte[] traceBytes = new byte[0];

  /** Writes in the format and byte order of {@code fileHeaders}, or IEEE float big-endian. */
  public SegyWriter(WritableByteChannel out, Map<String, String> fileHeaders) throws IOException {
    this(out, fileHeaders, defaultFormat(fileHeaders), defaultOrder(fileHeaders));
  }

  public SegyWriter(OutputStream out, Map<String, String> fileHeaders) throws IOException {
    this(Channels.newChannel(out), fileHeaders);
  }

  public SegyWriter(OutputStream out, Map<String, String> fileHeaders, int formatCode, ByteOrder order)
      throws IOException {
    this(Channels.newChannel(out), fileHeaders, formatCode, order);
  }

  /**
   * Writes samples in {@code formatCode} (1, 2, 3, 5, 6, 7, 8, 10, 11, 15 or 16) and {@code order}.
   */
  public SegyWriter(
      WritableByteChannel out, Map<String, String> fileHeaders, int formatCode, ByteOrder order)
      throws IOException {
    if (!SegySamples.isSupported(formatCode)) {
      throw new IllegalArgumentException(
          "formatCode must be one of 1, 2, 3, 5, 6, 7, 8, 10, 11, 15, 16, got " + formatCode);
    }
    this.out = Objects.requireNonNull(out, "out");
    this.fileHeaders = Map.copyOf(Objects.requireNonNull(fileHeaders, "fileHeaders"));
    this.formatCode = formatCode;
    this.order = Objects.requireNonNull(order, "order");
    this.bytesPerSample = SegySamples.bytesPerSample(formatCode);
    this.fromSegy = fileHeaders.containsKey(SegyBinaryHeader.FORMAT);
    this.startPosition = out instanceof SeekableByteChannel ? ((SeekableByteChannel) out).position() : -1;
  }

  private static int defaultFormat(Map<String, String> h) {
    String f = h.get(SegyBinaryHeader.FORMAT);
    if (f != null) {
      int code = Integer.parseInt(f.trim());
      if (SegySamples.isSupported(code)) {
        return code;
      }
    }
    return 5;
  }

  private static ByteOrder defaultOrder(Map<String, String> h) {
    return "little-endian".equals(h.get(SegyReader.BYTE_ORDER))
        ? ByteOrder.LITTLE_ENDIAN
        : ByteOrder.BIG_ENDIAN;
  }

  /** Traces written so far. */
  public long tracesWritten() {
    return traces;
  }

  /** Appends one trace (and, before the first, the file headers). */
  public void write(SeismicTrace trace) throws IOException {
    int ns = trace.sampleCount();
    if (!headerWritten) {
      writeFileHeaders(trace);
    }
    if (fixedLength && ns != fixedSamples) {
      if (!fromSegy && startPosition >= 0 && ns <= 0xFFFF) {
        becomeVariableLength();
      } else {
        throw new IllegalArgumentException("trace " + traces + " has " + ns
            + " samples but this fixed-length SEG-Y file has " + fixedSamples
            + " per trace; write a variable-length rev 1 file (SEGYRevision 256, TraceFlag 0)");
      }
    }
    if (!fixedLength && ns > 0xFFFF) {
      throw new IllegalArgumentException("trace " + traces + " has " + ns
          + " samples; a variable-length SEG-Y trace header holds at most 65535");
    }
    Map<String, String> h = trace.headers();
    int additional = additionalCount(h);
    int headerBytes = SegyTraceHeader.SIZE * (1 + additional);
    int len = headerBytes + ns * bytesPerSample;
    if (traceBytes.length < len) {
      traceBytes = new byte[len];
    }
    java.util.Arrays.fill(traceBytes, 0, headerBytes, (byte) 0);
    defaultTraceHeader(trace);
    SegyTraceHeader.write(h, traceBytes, 0, order);
    if (!fixedLength || !h.containsKey(SegyTraceHeader.TRACE_SAMPLE_COUNT)) {
      SegyTraceHeader.set(traceBytes, 0, order, SegyTraceHeader.TRACE_SAMPLE_COUNT, ns <= 0xFFFF ? ns : 0);
    }
    if (!h.containsKey(SegyTraceHeader.TRACE_SAMPLE_INTERVAL)) {
      SegyTraceHeader.set(traceBytes, 0, order, SegyTraceHeader.TRACE_SAMPLE_INTERVAL, intervalUs(trace));
    }
    writeAdditional(h, additional);
    try {
      SegySamples.encode(formatCode, trace.samples(), ns, traceBytes, headerBytes, order);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("trace " + traces + ": " + e.getMessage(), e);
    }
    put(traceBytes, 0, len);
    traces++;
  }

  /**
   * The number of additional trace headers the trace gets: none unless the binary header allows
   * some, else its {@code SEG00001.AdditionalTraceHeaderCount} when not 0, else the maximum.
   */
  private int additionalCount(Map<String, String> h) {
    if (maxAdditional == 0) {
      return 0;
    }
    int n = maxAdditional;
    if (SegyTraceHeaderExtension.present(h)) {
      String count = h.get(SegyTraceHeaderExtension.PREFIX + SegyTraceHeaderExtension.ADDITIONAL_TRACE_HEADER_COUNT);
      long c = count == null ? 0 : Long.parseLong(count.trim());
      if (c < 0 || c > maxAdditional) {
        throw new IllegalArgumentException("trace " + traces + " has "
            + SegyTraceHeaderExtension.PREFIX + SegyTraceHeaderExtension.ADDITIONAL_TRACE_HEADER_COUNT + " " + c
            + " but MaxAdditionalTraceHeaders is " + maxAdditional);
      }
      if (c != 0) {
        n = (int) c;
      }
    }
    if (fixedLength) {
      if (fixedAdditional == -1) {
        fixedAdditional = n;
      } else if (n != fixedAdditional) {
        throw new IllegalArgumentException("trace " + traces + " has " + n + " additional trace headers but "
            + "the first trace of this fixed-length file has " + fixedAdditional);
      }
    }
    return n;
  }

  /** Writes additional trace headers 1..n after the standard header in {@link #traceBytes}. */
  private void writeAdditional(Map<String, String> h, int n) {
    for (int k = 1; k <= n; k++) {
      int off = k * SegyTraceHeader.SIZE;
      String hex = h.get(SegyReader.ADDITIONAL_TRACE_HEADER + k);
      if (k == 1 && SegyTraceHeaderExtension.present(h)) {
        SegyTraceHeaderExtension.write(h, traceBytes, off, order);
      } else if (hex != null) {
        String t = hex.trim();
        byte[] raw;
        try {
          raw = HexFormat.of().parseHex(t.startsWith("0x") || t.startsWith("0X") ? t.substring(2) : t);
        } catch (IllegalArgumentException e) {
          raw = null;
        }
        if (raw == null || raw.length != SegyTraceHeader.SIZE) {
          throw new IllegalArgumentException("trace " + traces + ": " + SegyReader.ADDITIONAL_TRACE_HEADER + k
              + " must be 0x and 480 hex digits (240 bytes)");
        }
        System.arraycopy(raw, 0, traceBytes, off, raw.length);
      } else {
        throw new IllegalArgumentException("trace " + traces + " needs " + n + " additional trace headers but"
            + " its headers have neither " + (k == 1 ? SegyTraceHeaderExtension.PREFIX + "* nor " : "")
            + SegyReader.ADDITIONAL_TRACE_HEADER + k);
      }
    }
  }

  private void defaultTraceHeader(SeismicTrace t) {
    byte[] b = traceBytes;
    long seq = traces + 1;
    SegyTraceHeader.set(b, 0, order, SegyTraceHeader.TRACE_SEQUENCE_LINE,
        t.traceNumber() != null ? t.traceNumber() : seq);
    SegyTraceHeader.set(b, 0, order, SegyTraceHeader.TRACE_SEQUENCE_FILE, seq);
    if (t.line() != null) {
      SegyTraceHeader.set(b, 0, order, SegyTraceHeader.FIELD_RECORD, t.line());
    }
    if (t.cdp() != null) {
      SegyTraceHeader.set(b, 0, order, SegyTraceHeader.CDP, t.cdp());
    }
    SegyTraceHeader.set(b, 0, order, SegyTraceHeader.TRACE_IDENTIFICATION_CODE, 1);
    if (t.startTimeNanos() != null) {
      ZonedDateTime z =
          Instant.ofEpochSecond(Math.floorDiv(t.startTimeNanos(), 1_000_000_000L)).atZone(ZoneOffset.UTC);
      if (z.getYear() >= 1900 && z.getYear() <= 32767) {
        SegyTraceHeader.set(b, 0, order, SegyTraceHeader.YEAR, z.getYear());
        SegyTraceHeader.set(b, 0, order, SegyTraceHeader.DAY_OF_YEAR, z.getDayOfYear());
        SegyTraceHeader.set(b, 0, order, SegyTraceHeader.HOUR, z.getHour());
        SegyTraceHeader.set(b, 0, order, SegyTraceHeader.MINUTE, z.getMinute());
        SegyTraceHeader.set(b, 0, order, SegyTraceHeader.SECOND, z.getSecond());
        SegyTraceHeader.set(b, 0, order, SegyTraceHeader.TIME_BASE_CODE, 4);
      }
    }
  }

  /** The sample interval in whole µs, or 0 when the rate is unknown or does not fit 16 bits. */
  private static long intervalUs(SeismicTrace t) {
    double rate = t.sampleRateHz();
    if (!(rate > 0) || Double.isInfinite(rate)) {
      return 0;
    }
    long us = Math.round(1e6 / rate);
    return us >= 1 && us <= 0xFFFF ? us : 0;
  }

  private void writeFileHeaders(SeismicTrace first) throws IOException {
    headerWritten = true;
    int ns = first == null ? 0 : first.sampleCount();
    boolean ebcdic;
    String text = fileHeaders.get(SegyReader.TEXTUAL_HEADER);
    if (text != null) {
      ebcdic = !TextHeader.ASCII.equals(fileHeaders.get(SegyReader.TEXTUAL_HEADER_ENCODING));
    } else {
      ebcdic = true;
      String source = first == null ? "no traces" : "converted from " + first.format().label();
      if (first != null && first.station() != null) {
        source += " " + String.join(".", nz(first.network()), nz(first.station()), nz(first.location()),
            nz(first.channel()));
      }
      text = TextHeader.cards(
          "SEG-Y WRITTEN BY SEDIMENT",
          source,
          "SAMPLE FORMAT CODE " + formatCode + " (" + SegySamples.encoding(formatCode) + "), "
              + (order == ByteOrder.BIG_ENDIAN ? "BIG-ENDIAN" : "LITTLE-ENDIAN"),
          "SAMPLES PER TRACE " + ns);
      text = text.substring(0, 38 * 80) + String.format("%-80s", "C39 SEG Y REV1")
          + String.format("%-80s", "C40 END TEXTUAL HEADER");
    }
    put(TextHeader.encode(text, ebcdic), 0, TextHeader.SIZE);

    byte[] bh = new byte[SegyBinaryHeader.SIZE];
    if (!fromSegy) {
      long interval = first == null ? 0 : intervalUs(first);
      if (ns > 0xFFFF) {
        SegyBinaryHeader.field("SEGYRevision").write("512", bh, 0, SegyBinaryHeader.FIRST_BYTE, order);
        SegyBinaryHeader.field(SegyBinaryHeader.EXT_SAMPLES).write(Integer.toString(ns), bh, 0,
            SegyBinaryHeader.FIRST_BYTE, order);
      } else {
        SegyBinaryHeader.field("SEGYRevision").write("256", bh, 0, SegyBinaryHeader.FIRST_BYTE, order);
        SegyBinaryHeader.field(SegyBinaryHeader.SAMPLES).write(Integer.toString(ns), bh, 0,
            SegyBinaryHeader.FIRST_BYTE, order);
      }
      SegyBinaryHeader.field(SegyBinaryHeader.INTERVAL).write(Long.toString(interval), bh, 0,
          SegyBinaryHeader.FIRST_BYTE, order);
      SegyBinaryHeader.field(SegyBinaryHeader.TRACE_FLAG).write("1", bh, 0, SegyBinaryHeader.FIRST_BYTE, order);
      SegyBinaryHeader.field(SegyBinaryHeader.INT_CONSTANT).write("16909060", bh, 0,
          SegyBinaryHeader.FIRST_BYTE, order);
      SegyBinaryHeader.field("Traces").write("1", bh, 0, SegyBinaryHeader.FIRST_BYTE, order);
    }
    SegyBinaryHeader.write(fileHeaders, bh, 0, order);
    SegyBinaryHeader.field(SegyBinaryHeader.FORMAT).write(Integer.toString(formatCode), bh, 0,
        SegyBinaryHeader.FIRST_BYTE, order);

    int extended = 0;
    while (fileHeaders.containsKey(SegyReader.EXTENDED_TEXTUAL_HEADER + (extended + 1))) {
      extended++;
    }
    int declared = (int) SegyBinaryHeader.get(bh, 0, order, SegyBinaryHeader.EXTENDED_HEADERS);
    if (!fromSegy && !fileHeaders.containsKey(SegyBinaryHeader.EXTENDED_HEADERS)) {
      declared = extended;
      SegyBinaryHeader.field(SegyBinaryHeader.EXTENDED_HEADERS).write(Integer.toString(extended), bh, 0,
          SegyBinaryHeader.FIRST_BYTE, order);
    }
    if (declared < -1 || declared > extended) {
      throw new IllegalArgumentException("ExtendedHeaders is " + declared + " but fileHeaders hold "
          + extended + " extended textual headers (" + SegyReader.EXTENDED_TEXTUAL_HEADER + "1..)");
    }
    int writeExtended = declared == -1 ? extended : declared;

    int byte3501 = bh[300] & 0xFF;
    int revField = (int) SegyBinaryHeader.get(bh, 0, order, SegyBinaryHeader.REVISION);
    int revision = byte3501 == 1 || byte3501 == 2 ? byte3501
        : (revField >>> 8) == 1 || (revField >>> 8) == 2 ? revField >>> 8 : 0;
    fixedLength = revision == 0
        || SegyBinaryHeader.get(bh, 0, order, SegyBinaryHeader.TRACE_FLAG) == 1;
    fixedSamples = (int) SegyBinaryHeader.get(bh, 0, order, SegyBinaryHeader.SAMPLES);
    if (revision >= 2) {
      long ext = SegyBinaryHeader.get(bh, 0, order, SegyBinaryHeader.EXT_SAMPLES);
      if (ext != 0) {
        fixedSamples = (int) ext;
      }
    }
    if (fixedSamples == 0) {
      fixedSamples = ns; // readers take the first trace's count when the binary header has none
    }
    if (revision >= 2) {
      maxAdditional = (int) SegyBinaryHeader.get(bh, 0, order, SegyBinaryHeader.MAX_ADDITIONAL_TRACE_HEADERS);
      trailerStanzas = (int) SegyBinaryHeader.get(bh, 0, order, SegyBinaryHeader.NR_TRAILER_STANZA);
      if (maxAdditional < 0) {
        throw new IllegalArgumentException("MaxAdditionalTraceHeaders must not be negative, got " + maxAdditional);
      }
      int available = 0;
      while (fileHeaders.containsKey(SegyReader.TRAILER_STANZA + (available + 1))) {
        available++;
      }
      if (trailerStanzas < 0 || trailerStanzas > available) {
        throw new IllegalArgumentException("NrTrailerStanza is " + trailerStanzas + " but fileHeaders hold "
            + available + " trailer stanzas (" + SegyReader.TRAILER_STANZA + "1..)");
      }
    }
    put(bh, 0, bh.length);
    for (int k = 1; k <= writeExtended; k++) {
      String ext = fileHeaders.get(SegyReader.EXTENDED_TEXTUAL_HEADER + k);
      boolean e = !TextHeader.ASCII.equals(fileHeaders.get(SegyReader.EXTENDED_TEXTUAL_HEADER_ENCODING + k));
      put(TextHeader.encode(ext, e), 0, TextHeader.SIZE);
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** Rewrites TraceFlag (3503-3504) as 0 in the header already written. */
  private void becomeVariableLength() throws IOException {
    flush();
    SeekableByteChannel ch = (SeekableByteChannel) out;
    long here = ch.position();
    byte[] zero = new byte[2];
    ch.position(startPosition + 3502);
    writeFully(ByteBuffer.wrap(zero));
    ch.position(here);
    fixedLength = false;
  }

  private void put(byte[] b, int off, int len) throws IOException {
    if (len > staging.remaining()) {
      flush();
      if (len > staging.capacity()) {
        writeFully(ByteBuffer.wrap(b, off, len));
        return;
      }
    }
    staging.put(b, off, len);
  }

  private void flush() throws IOException {
    staging.flip();
    writeFully(staging);
    staging.clear();
  }

  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      out.write(b);
    }
  }

  /** Writes the file headers if no trace was written, flushes and closes the output. */
  @Override
  public void close() throws IOException {
    try {
      if (!headerWritten) {
        writeFileHeaders(null);
      }
      for (int k = 1; k <= trailerStanzas; k++) {
        String stanza = fileHeaders.get(SegyReader.TRAILER_STANZA + k);
        boolean e = !TextHeader.ASCII.equals(fileHeaders.get(SegyReader.TRAILER_STANZA_ENCODING + k));
        put(TextHeader.encode(stanza, e), 0, TextHeader.SIZE);
      }
      flush();
    } finally {
      out.close();
    }
  }
}
