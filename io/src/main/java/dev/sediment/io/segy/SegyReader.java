package dev.sediment.io.segy;

import dev.sediment.io.seismic.SampleBuffer;
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
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads SEG-Y rev 0, rev 1 and rev 2 files trace by trace (SEG-Y rev 2.0 standard, SEG Technical
 * Standards Committee, 2017).
 *
 * <pre>{@code
 * try (SegyReader r = SegyReader.open(Files.newByteChannel(path), path.toString())) {
 *   for (SeismicTrace t = r.next(); t != null; t = r.next()) { ... }
 * }
 * }</pre>
 *
 * <p><b>File layout.</b> The 3200-byte textual header (EBCDIC or ASCII, detected), the 400-byte
 * binary header, {@code ExtendedHeaders} extended textual headers of 3200 bytes (rev 1's {@code -1}
 * means a variable count ending with the {@code ((SEG: EndText))} stanza; rev 2's {@code
 * FirstTraceOffset} overrides), then the traces: a 240-byte trace header, in rev 2 its additional
 * 240-byte trace headers, and the samples; then, in rev 2, {@code NrTrailerStanza} data trailer
 * stanzas of 3200 bytes, which end the traces and are kept in {@link #fileHeaders()} as {@link
 * #TRAILER_STANZA}{@code k} with {@link #TRAILER_STANZA_ENCODING}{@code k}, as the extended
 * textual headers are.
 *
 * <p><b>Additional trace headers (rev 2).</b> {@code MaxAdditionalTraceHeaders} (3507-3510) is
 * the most a trace has. A trace whose first additional header is Trace Header Extension 1 (named
 * "SEG00001" in its bytes 233-240) has as many as that header's bytes 157-158 say (0 there means
 * the maximum); any other trace has the maximum. Extension 1's fields go into {@code headers()} as
 * {@code SEG00001.*} (see {@link SegyTraceHeaderExtension}); every other additional header, named
 * or proprietary, goes in losslessly as {@link #ADDITIONAL_TRACE_HEADER}{@code k} (k from 1, the
 * header right after the standard one) = "0x" and the hex of its 240 bytes. In a fixed-length file
 * every trace must have the first trace's count.
 *
 * <p><b>Byte order.</b> Big-endian unless the rev 2 byte-order word at 3297-3300 reads 0x01020304
 * little-endian; without that word, the byte order in which the format code (3225-3226) is a SEG-Y
 * format code.
 *
 * <p><b>Revision.</b> 3501 as a byte (rev 2) or the high byte of the word 3501-3502 in the file's
 * byte order (rev 1 writers that swap the whole word); anything else is read as rev 0 and {@link
 * #variant()} names the odd field. Rev 2 binary header fields (extended sample count and interval,
 * first trace offset, trailer stanzas) are honoured only in rev 2 files.
 *
 * <p><b>Trace length.</b> Fixed (rev 0, or {@code TraceFlag} 1): every trace has the binary
 * header's sample count (the first trace header's if that is 0) and the first trace's number
 * {@code a} of additional trace headers, so trace {@code k} starts at {@code dataOffset + k *
 * (240 * (1 + a) + ns * bytesPerSample)} and a range reader finds its first trace by arithmetic.
 * Variable (rev 1+ with {@code TraceFlag} 0): each trace has its header's {@code
 * TRACE_SAMPLE_COUNT} and its own number of additional headers; a range reader walks the trace
 * headers from the first trace (240-byte reads, or 480 when there may be additional headers, data
 * skipped) to its range. Either way {@link SeismicTrace#index()} is the true ordinal.
 *
 * <p><b>Traces.</b> {@code headers()} holds all 91 trace header fields by segyio's names (see
 * {@link SegyTraceHeader}) and the additional trace headers, formatted from a copy of the header
 * bytes on the first call; {@code line()} is {@code INLINE_3D} when not zero, else {@code
 * FieldRecord}; {@code cdp()} is {@code CDP}; {@code traceNumber()} is {@code
 * TRACE_SEQUENCE_LINE}. {@code sampleRateHz()} is 10^6 / the trace header's sample interval (µs),
 * or the binary header's when the trace's is 0. {@code startTimeNanos()} is year, day of year,
 * hour, minute and second when the year is at least 1900 and {@code TimeBaseCode} is 2 (GMT) or 4
 * (UTC), else null; the delay recording time is not applied.
 *
 * <p><b>Errors.</b> {@link SeismicFormatException} with the byte offset: {@code TRUNCATED} when the
 * file ends inside the textual (offset 0), binary (3200) or extended header, a trace header (the
 * trace's offset), its additional trace headers (the trace's offset + 240) or trace data (after
 * its headers); {@code BAD_MAGIC} for a format code that is not SEG-Y's in either byte order
 * (3224); {@code UNSUPPORTED} for codes 4, 9, 12; {@code BAD_HEADER} at the field's offset for
 * negative or impossible counts, for extended headers or trailer stanzas that overrun the file, a
 * maximum of additional trace headers that is negative or more than the traces' bytes hold (3506),
 * and an Extension 1 count above that maximum or, in a fixed-length file, unlike the first trace's
 * (the trace's offset + 396). Nothing is allocated from a header value
 * before it is checked against the bytes left in the file.
 *
 * <p>The reader reads the file in blocks of up to 1 MiB and closes the channel on {@link #close()}.
 */
public final class SegyReader implements TraceReader {
  /** Bytes before the extended textual headers: textual and binary header. */
  public static final int FILE_HEADER_BYTES = TextHeader.SIZE + SegyBinaryHeader.SIZE;

  /** {@code fileHeaders()} key of the 3200-character textual header. */
  public static final String TEXTUAL_HEADER = "TextualHeader";
  /** {@code fileHeaders()} key of its encoding, {@link TextHeader#EBCDIC} or {@link TextHeader#ASCII}. */
  public static final String TEXTUAL_HEADER_ENCODING = "TextualHeaderEncoding";
  /** Prefix of the keys of extended textual header {@code k} (1-based): "ExtendedTextualHeader.1". */
  public static final String EXTENDED_TEXTUAL_HEADER = "ExtendedTextualHeader.";
  /** Prefix of the keys of their encodings. */
  public static final String EXTENDED_TEXTUAL_HEADER_ENCODING = "ExtendedTextualHeaderEncoding.";
  /** Prefix of the keys of rev 2 data trailer stanza {@code k} (1-based): "TrailerStanza.1". */
  public static final String TRAILER_STANZA = "TrailerStanza.";
  /** Prefix of the keys of their encodings. */
  public static final String TRAILER_STANZA_ENCODING = "TrailerStanzaEncoding.";
  /**
   * Prefix of the trace {@code headers()} key of additional trace header {@code k} (1-based, 1 is
   * right after the standard header) that is not Trace Header Extension 1: "AdditionalTraceHeader.2"
   * = "0x" and the 480 lower-case hex digits of its 240 bytes.
   */
  public static final String ADDITIONAL_TRACE_HEADER = "AdditionalTraceHeader.";
  /** {@code fileHeaders()} key of the byte order: "big-endian" or "little-endian". */
  public static final String BYTE_ORDER = "ByteOrder";

  private static final int BLOCK = 1 << 20;
  private static final int MAX_VARIABLE_EXTENDED_HEADERS = 10_000;
  /** Most additional trace headers a trace can have while one trace still fits a Java array. */
  private static final int MAX_ADDITIONAL = (Integer.MAX_VALUE - 8) / SegyTraceHeader.SIZE - 1;

  private final SeismicInput in;
  private final String name;
  private final ByteOrder order;
  private final int formatCode;
  private final int bytesPerSample;
  private final int revision;
  private final int revisionField;
  private final boolean fixedLength;
  private final long dataOffset;
  private final long dataEnd;
  private final int fixedSamples;
  private final int maxAdditional;
  private final int fixedAdditional;
  private final long traceBytes;
  private final double binaryIntervalUs;
  private final Map<String, String> fileHeaders;
  private final long end;

  private long pos;
  private long index;
  private byte[] buf = new byte[0];
  private double[] values = new double[0];
  private long bufStart;
  private int bufLen;

  private SegyReader(SeismicInput in, Layout l, long start, long end) throws IOException {
    this.in = in;
    this.name = in.name();
    this.order = l.order;
    this.formatCode = l.format;
    this.bytesPerSample = SegySamples.bytesPerSample(l.format);
    this.revision = l.revision;
    this.revisionField = l.revisionField;
    this.fixedLength = l.fixed;
    this.dataOffset = l.dataOffset;
    this.dataEnd = l.dataEnd;
    this.binaryIntervalUs = l.intervalUs;
    this.fileHeaders = Collections.unmodifiableMap(l.headers);
    this.end = end;
    this.maxAdditional = l.maxAdditional;
    if (fixedLength) {
      int ns = l.samples;
      int additional = 0;
      int headerBytes = SegyTraceHeader.SIZE * (maxAdditional > 0 ? 2 : 1);
      if ((ns == 0 || maxAdditional > 0) && dataOffset + headerBytes <= dataEnd) {
        byte[] h = in.read(dataOffset, headerBytes, ByteOrder.BIG_ENDIAN, "trace header 0").array();
        if (ns == 0) {
          ns = (int) SegyTraceHeader.get(h, 0, order, SegyTraceHeader.TRACE_SAMPLE_COUNT);
        }
        additional = additionalCount(h, 0, dataOffset, 0);
      } else if (maxAdditional > 0) {
        additional = maxAdditional; // no whole first trace: its read reports the truncation
      }
      this.fixedSamples = ns;
      this.fixedAdditional = additional;
      this.traceBytes = SegyTraceHeader.SIZE * (1L + additional) + (long) ns * bytesPerSample;
      long first = start <= dataOffset ? 0 : ceilDiv(start - dataOffset, traceBytes);
      this.index = first;
      this.pos = dataOffset + first * traceBytes;
    } else {
      this.fixedSamples = -1;
      this.fixedAdditional = -1;
      this.traceBytes = -1;
      seekVariable(start);
    }
  }

  /** Opens the whole file. */
  public static SegyReader open(SeekableByteChannel ch, String name) throws IOException {
    return open(ch, name, 0, Long.MAX_VALUE);
  }

  /**
   * Opens a reader of the traces whose first byte lies in {@code [start, end)}; the file headers
   * are read whatever the range.
   */
  public static SegyReader open(SeekableByteChannel ch, String name, long start, long end)
      throws IOException {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad byte range [" + start + ", " + end + ")");
    }
    SeismicInput in = new SeismicInput(ch, name);
    return new SegyReader(in, readLayout(in), start, end);
  }

  /**
   * Whether {@code head[0..len)} looks like the start of a SEG-Y file: at least 3600 bytes, a
   * SEG-Y format code in either byte order and a non-zero sample interval in the same order.
   */
  public static boolean probe(byte[] head, int len) {
    if (len < FILE_HEADER_BYTES || head.length < FILE_HEADER_BYTES) {
      return false;
    }
    int b = TextHeader.SIZE;
    for (ByteOrder o : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
      int format = (int) SegyBinaryHeader.get(head, b, o, SegyBinaryHeader.FORMAT);
      int interval = (int) SegyBinaryHeader.get(head, b, o, SegyBinaryHeader.INTERVAL);
      if (SegySamples.isKnown(format) && interval > 0) {
        return true;
      }
    }
    return false;
  }

  /** What the file header says about the layout of the traces. */
  private static final class Layout {
    ByteOrder order;
    int format;
    int revision;
    int revisionField;
    boolean fixed;
    int samples;
    double intervalUs;
    long dataOffset;
    long dataEnd;
    int maxAdditional;
    final Map<String, String> headers = new LinkedHashMap<>();
  }

  private static Layout readLayout(SeismicInput in) throws IOException {
    Layout l = new Layout();
    byte[] text = in.read(0, TextHeader.SIZE, ByteOrder.BIG_ENDIAN, "textual header").array();
    byte[] bh =
        in.read(TextHeader.SIZE, SegyBinaryHeader.SIZE, ByteOrder.BIG_ENDIAN, "binary header").array();
    final int base = 0;
    l.order = byteOrder(in, bh);
    ByteOrder o = l.order;
    l.format = (int) SegyBinaryHeader.get(bh, base, o, SegyBinaryHeader.FORMAT);
    if (!SegySamples.isSupported(l.format)) {
      throw in.error(3224, SeismicError.UNSUPPORTED, "data sample format code " + l.format + " is not supported");
    }
    l.revisionField = (int) SegyBinaryHeader.get(bh, base, o, SegyBinaryHeader.REVISION);
    int byte3501 = bh[300] & 0xFF;
    if (byte3501 == 1 || byte3501 == 2) {
      l.revision = byte3501;
    } else if ((l.revisionField >>> 8) == 1 || (l.revisionField >>> 8) == 2) {
      l.revision = l.revisionField >>> 8;
    } else {
      l.revision = 0;
    }
    int traceFlag = (int) SegyBinaryHeader.get(bh, base, o, SegyBinaryHeader.TRACE_FLAG);
    l.fixed = l.revision == 0 || traceFlag == 1;

    boolean ebcdic = TextHeader.isEbcdic(text, 0, text.length);
    l.headers.put(TEXTUAL_HEADER, TextHeader.decode(text, 0, text.length, ebcdic));
    l.headers.put(TEXTUAL_HEADER_ENCODING, ebcdic ? TextHeader.EBCDIC : TextHeader.ASCII);
    SegyBinaryHeader.read(bh, base, o, l.headers);
    l.headers.put(BYTE_ORDER, o == ByteOrder.BIG_ENDIAN ? "big-endian" : "little-endian");

    l.samples = (int) SegyBinaryHeader.get(bh, base, o, SegyBinaryHeader.SAMPLES);
    l.intervalUs = SegyBinaryHeader.get(bh, base, o, SegyBinaryHeader.INTERVAL);
    long firstTraceOffset = 0;
    int trailerStanzas = 0;
    if (l.revision >= 2) {
      int extSamples = (int) SegyBinaryHeader.get(bh, base, o, SegyBinaryHeader.EXT_SAMPLES);
      if (extSamples < 0) {
        throw in.error(3268, SeismicError.BAD_HEADER, "extended samples per trace is negative: " + extSamples);
      }
      if (extSamples != 0) {
        l.samples = extSamples;
      }
      double extInterval =
          Double.longBitsToDouble(SegyBinaryHeader.get(bh, base, o, SegyBinaryHeader.EXT_INTERVAL));
      if (extInterval > 0 && extInterval < Double.POSITIVE_INFINITY) {
        l.intervalUs = extInterval;
      }
      long additional = SegyBinaryHeader.get(bh, base, o, SegyBinaryHeader.MAX_ADDITIONAL_TRACE_HEADERS);
      if (additional < 0 || additional > MAX_ADDITIONAL) {
        throw in.error(3506, SeismicError.BAD_HEADER,
            "maximum additional trace headers is " + additional + " (valid: 0 to " + MAX_ADDITIONAL + ")");
      }
      l.maxAdditional = (int) additional;
      firstTraceOffset = SegyBinaryHeader.get(bh, base, o, SegyBinaryHeader.FIRST_TRACE_OFFSET);
      trailerStanzas = (int) SegyBinaryHeader.get(bh, base, o, "NrTrailerStanza");
    }
    long maxSamples = (Integer.MAX_VALUE - 8 - SegyTraceHeader.SIZE * (1L + l.maxAdditional))
        / SegySamples.bytesPerSample(l.format);
    if (l.samples > maxSamples) {
      throw in.error(3268, SeismicError.BAD_HEADER,
          "extended samples per trace " + l.samples + " is more than a trace can hold (" + maxSamples + ")");
    }

    long p = FILE_HEADER_BYTES;
    int extCount = (int) SegyBinaryHeader.get(bh, base, o, SegyBinaryHeader.EXTENDED_HEADERS);
    if (extCount < -1) {
      throw in.error(3504, SeismicError.BAD_HEADER, "number of extended textual headers is " + extCount);
    }
    if (extCount > 0 && (long) extCount * TextHeader.SIZE > in.remaining(p)) {
      throw in.error(3504, SeismicError.BAD_HEADER,
          extCount + " extended textual headers need " + (long) extCount * TextHeader.SIZE
              + " bytes but the file has " + in.remaining(p) + " after the binary header");
    }
    for (int k = 1; extCount == -1 || k <= extCount; k++) {
      if (k > MAX_VARIABLE_EXTENDED_HEADERS && extCount == -1) {
        throw in.error(p, SeismicError.BAD_HEADER, "no " + TextHeader.END_TEXT + " stanza in the first "
            + MAX_VARIABLE_EXTENDED_HEADERS + " extended textual headers");
      }
      byte[] ext =
          in.read(p, TextHeader.SIZE, ByteOrder.BIG_ENDIAN, "extended textual header " + k).array();
      boolean e = TextHeader.isEbcdic(ext, 0, ext.length);
      String s = TextHeader.decode(ext, 0, ext.length, e);
      l.headers.put(EXTENDED_TEXTUAL_HEADER + k, s);
      l.headers.put(EXTENDED_TEXTUAL_HEADER_ENCODING + k, e ? TextHeader.EBCDIC : TextHeader.ASCII);
      p += TextHeader.SIZE;
      if (extCount == -1 && s.contains(TextHeader.END_TEXT)) {
        break;
      }
    }
    if (firstTraceOffset != 0) {
      if (firstTraceOffset < FILE_HEADER_BYTES || firstTraceOffset > in.size()) {
        throw in.error(3520, SeismicError.BAD_HEADER, "first trace offset " + Long.toUnsignedString(firstTraceOffset)
            + " is outside the file (3600 to " + in.size() + ")");
      }
      p = firstTraceOffset;
    }
    l.dataOffset = p;
    l.dataEnd = in.size();
    if (trailerStanzas != 0) {
      long trailer = (long) trailerStanzas * TextHeader.SIZE;
      if (trailerStanzas < 0 || trailer > in.size() - p) {
        throw in.error(3528, SeismicError.BAD_HEADER,
            trailerStanzas + " trailer stanzas do not fit in the " + in.remaining(p) + " bytes after the headers");
      }
      l.dataEnd = in.size() - trailer;
      for (int k = 1; k <= trailerStanzas; k++) {
        long at = l.dataEnd + (long) (k - 1) * TextHeader.SIZE;
        byte[] stanza = in.read(at, TextHeader.SIZE, ByteOrder.BIG_ENDIAN, "trailer stanza " + k).array();
        boolean e = TextHeader.isEbcdic(stanza, 0, stanza.length);
        l.headers.put(TRAILER_STANZA + k, TextHeader.decode(stanza, 0, stanza.length, e));
        l.headers.put(TRAILER_STANZA_ENCODING + k, e ? TextHeader.EBCDIC : TextHeader.ASCII);
      }
    }
    long traceHeaders = SegyTraceHeader.SIZE * (1L + l.maxAdditional);
    if (l.maxAdditional > 0 && l.dataEnd > l.dataOffset && traceHeaders > l.dataEnd - l.dataOffset) {
      throw in.error(3506, SeismicError.BAD_HEADER, "maximum additional trace headers " + l.maxAdditional
          + " needs " + traceHeaders + " bytes of trace headers but the file has "
          + (l.dataEnd - l.dataOffset) + " bytes of traces");
    }
    return l;
  }

  private static ByteOrder byteOrder(SeismicInput in, byte[] bh) throws SeismicFormatException {
    int word = (int) SegyBinaryHeader.get(bh, 0, ByteOrder.BIG_ENDIAN, SegyBinaryHeader.INT_CONSTANT);
    if (word == 0x01020304) {
      return ByteOrder.BIG_ENDIAN;
    }
    if (word == 0x04030201) {
      return ByteOrder.LITTLE_ENDIAN;
    }
    int be = (int) SegyBinaryHeader.get(bh, 0, ByteOrder.BIG_ENDIAN, SegyBinaryHeader.FORMAT);
    int le = (int) SegyBinaryHeader.get(bh, 0, ByteOrder.LITTLE_ENDIAN, SegyBinaryHeader.FORMAT);
    if (SegySamples.isKnown(be)) {
      return ByteOrder.BIG_ENDIAN;
    }
    if (SegySamples.isKnown(le)) {
      return ByteOrder.LITTLE_ENDIAN;
    }
    throw in.error(3224, SeismicError.BAD_MAGIC, "data sample format code " + be + " (big-endian) or " + le
        + " (little-endian) is not a SEG-Y format code");
  }

  /**
   * The number of additional trace headers of the trace at {@code at} whose standard header is at
   * {@code h[off]}, followed by its first additional header: Trace Header Extension 1's count when
   * that header is one and the count is not 0, else the binary header's maximum.
   */
  private int additionalCount(byte[] h, int off, long at, long trace) throws SeismicFormatException {
    if (maxAdditional == 0) {
      return 0;
    }
    int ext = off + SegyTraceHeader.SIZE;
    if (!SegyTraceHeaderExtension.isExtension1(h, ext)) {
      return maxAdditional;
    }
    int n = SegyTraceHeaderExtension.additionalHeaderCount(h, ext, order);
    if (n > maxAdditional) {
      throw in.error(at + SegyTraceHeader.SIZE + 156, SeismicError.BAD_HEADER, "trace " + trace + " has " + n
          + " additional trace headers but the binary header allows at most " + maxAdditional);
    }
    return n == 0 ? maxAdditional : n;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private void seekVariable(long start) throws IOException {
    long p = dataOffset;
    long k = 0;
    int headerBytes = SegyTraceHeader.SIZE * (maxAdditional > 0 ? 2 : 1);
    ByteBuffer h = ByteBuffer.allocate(headerBytes);
    while (p < start && p < dataEnd) {
      if (p + headerBytes > dataEnd) {
        p = dataEnd; // a cut header starts before this range: an earlier range reports it
        break;
      }
      h.clear();
      in.readFully(p, h, "trace header " + k);
      long ns = SegyTraceHeader.get(h.array(), 0, order, SegyTraceHeader.TRACE_SAMPLE_COUNT);
      int additional = additionalCount(h.array(), 0, p, k);
      p += SegyTraceHeader.SIZE * (1L + additional) + ns * bytesPerSample;
      k++;
    }
    this.pos = p;
    this.index = k;
  }

  @Override
  public SeismicFormat format() {
    return SeismicFormat.SEGY;
  }

  @Override
  public String variant() {
    String v = "rev" + revision + " " + SegySamples.encoding(formatCode) + " "
        + (order == ByteOrder.BIG_ENDIAN ? "big-endian" : "little-endian");
    boolean odd = revision == 0 ? revisionField != 0 : (revisionField >>> 8) != revision;
    if (odd) {
      v += String.format(" (revision field 0x%04x)", revisionField);
    }
    if (!fixedLength) {
      v += " variable-length";
    }
    return v;
  }

  @Override
  public Map<String, String> fileHeaders() {
    return fileHeaders;
  }

  public ByteOrder byteOrder() {
    return order;
  }

  /** The data sample format code (binary header 3225-3226). */
  public int formatCode() {
    return formatCode;
  }

  /** The SEG-Y major revision as read: 0, 1 or 2. */
  public int revision() {
    return revision;
  }

  /** Whether all traces have the same length, so trace offsets are arithmetic. */
  public boolean fixedLength() {
    return fixedLength;
  }

  /** Byte offset of the first trace. */
  public long dataOffset() {
    return dataOffset;
  }

  /** Samples per trace of a fixed-length file, -1 for variable length. */
  public int samplesPerTrace() {
    return fixedSamples;
  }

  /** Bytes per trace (header and data) of a fixed-length file, -1 for variable length. */
  public long traceBytes() {
    return traceBytes;
  }

  /** Complete traces in a fixed-length file ((size - data offset) / trace bytes), -1 if variable. */
  public long traceCount() {
    return fixedLength ? (dataEnd - dataOffset) / traceBytes : -1;
  }

  @Override
  public SeismicTrace next() throws IOException {
    return read(null);
  }

  /** As {@link #next()}, decoding the trace's samples straight into {@code buffer}. */
  @Override
  public SeismicTrace next(SampleBuffer buffer) throws IOException {
    return read(Objects.requireNonNull(buffer, "buffer"));
  }

  private SeismicTrace read(SampleBuffer into) throws IOException {
    if (pos >= end || pos >= dataEnd) {
      return null;
    }
    final long at = pos;
    if (at + SegyTraceHeader.SIZE > dataEnd) {
      throw in.error(at, SeismicError.TRUNCATED, "trace " + index + " header needs 240 bytes but the file has "
          + (dataEnd - at) + " left");
    }
    int ns;
    int additional = 0;
    if (maxAdditional > 0) {
      if (at + 2 * SegyTraceHeader.SIZE > dataEnd) {
        throw in.error(at + SegyTraceHeader.SIZE, SeismicError.TRUNCATED, "trace " + index
            + " additional trace header 1 needs 240 bytes but the file has "
            + (dataEnd - at - SegyTraceHeader.SIZE) + " left");
      }
      fill(at, 2 * SegyTraceHeader.SIZE);
      additional = additionalCount(buf, (int) (at - bufStart), at, index);
      if (fixedLength && additional != fixedAdditional) {
        throw in.error(at + SegyTraceHeader.SIZE + 156, SeismicError.BAD_HEADER, "trace " + index + " has "
            + additional + " additional trace headers but this fixed-length file's first trace has "
            + fixedAdditional);
      }
    }
    final int headerBytes = SegyTraceHeader.SIZE * (1 + additional);
    if (at + headerBytes > dataEnd) {
      throw in.error(at + SegyTraceHeader.SIZE, SeismicError.TRUNCATED, "trace " + index + ": " + additional
          + " additional trace headers need " + (headerBytes - SegyTraceHeader.SIZE)
          + " bytes but the file has " + (dataEnd - at - SegyTraceHeader.SIZE) + " left");
    }
    long len;
    if (fixedLength) {
      ns = fixedSamples;
      len = traceBytes;
    } else {
      fill(at, SegyTraceHeader.SIZE);
      ns = (int) SegyTraceHeader.get(buf, (int) (at - bufStart), order, SegyTraceHeader.TRACE_SAMPLE_COUNT);
      len = headerBytes + (long) ns * bytesPerSample;
    }
    if (at + len > dataEnd) {
      throw in.error(at + headerBytes, SeismicError.TRUNCATED, "trace " + index + " data: " + ns
          + " samples of " + bytesPerSample + " bytes need " + (len - headerBytes)
          + " bytes but the file has " + (dataEnd - at - headerBytes) + " left");
    }
    fill(at, (int) len);
    int off = (int) (at - bufStart);
    // The header fields are formatted only if the caller asks for them (headers()).
    byte[] traceHeader = Arrays.copyOfRange(buf, off, off + headerBytes);
    final int nAdditional = additional;
    ByteOrder o = order;
    double[] samples;
    if (into != null) {
      samples = into.reserve(ns);
      SegySamples.decode(formatCode, buf, off + headerBytes, samples, ns, order);
    } else {
      // Decoded into a reused array, then copied into the trace's own: a copied new array is not
      // zeroed first, and the decode loop writes to memory that stays in cache.
      if (values.length < ns) {
        values = new double[ns];
      }
      SegySamples.decode(formatCode, buf, off + headerBytes, values, ns, order);
      samples = Arrays.copyOf(values, ns);
    }

    boolean le = order == ByteOrder.LITTLE_ENDIAN;
    long inline = i32(buf, off + 188, le);
    long line = inline != 0 ? inline : i32(buf, off + 8, le);
    long interval = i16(buf, off + 116, le) & 0xFFFF;
    double rate = interval > 0 ? 1e6 / interval : binaryIntervalUs > 0 ? 1e6 / binaryIntervalUs : Double.NaN;
    SeismicTrace.Builder t =
        SeismicTrace.builder(SeismicFormat.SEGY)
            .index(index)
            .offset(at)
            .line(line)
            .cdp((long) i32(buf, off + 20, le))
            .traceNumber((long) i32(buf, off + 0, le))
            .startTimeNanos(startTime(buf, off, le))
            .sampleRateHz(rate)
            .encoding(SegySamples.encoding(formatCode))
            .lazyHeaders(() -> {
              Map<String, String> h = new LinkedHashMap<>(128);
              SegyTraceHeader.read(traceHeader, 0, o, h);
              readAdditional(traceHeader, nAdditional, o, h);
              return h;
            });
    if (into != null) {
      t.samplesIn(into);
    } else {
      t.samples(samples);
    }
    pos = at + len;
    index++;
    return t.build();
  }

  /**
   * Puts the {@code n} additional headers after the standard one in {@code h} into {@code out}:
   * the first as {@link SegyTraceHeaderExtension} fields when it is named "SEG00001", the others
   * (and an unnamed first) as {@link #ADDITIONAL_TRACE_HEADER}{@code k} = hex.
   */
  private static void readAdditional(byte[] h, int n, ByteOrder o, Map<String, String> out) {
    for (int k = 1; k <= n; k++) {
      int off = k * SegyTraceHeader.SIZE;
      if (k == 1 && SegyTraceHeaderExtension.isExtension1(h, off)) {
        SegyTraceHeaderExtension.read(h, off, o, out);
      } else {
        out.put(ADDITIONAL_TRACE_HEADER + k, "0x" + HexFormat.of().formatHex(h, off, off + SegyTraceHeader.SIZE));
      }
    }
  }

  /**
   * The trace's start time in ns since 1970 UTC from its header at {@code off}, or null unless the
   * year is at least 1900, {@code TimeBaseCode} is 2 (GMT) or 4 (UTC) and the fields are a valid
   * time (second 60 is accepted as a leap second).
   */
  public static Long startTime(byte[] b, int off, ByteOrder order) {
    return startTime(b, off, order == ByteOrder.LITTLE_ENDIAN);
  }

  // The fields the reader reads for every trace, at their fixed offsets (SegyTraceHeader's table:
  // TRACE_SEQUENCE_LINE 1, FieldRecord 9, CDP 21, INLINE_3D 189 as int32; TRACE_SAMPLE_INTERVAL 117
  // unsigned int16; YearDataRecorded 157 to TimeBaseCode 167 signed int16), without a name lookup.
  private static final VarHandle I32_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle I32_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I16_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle I16_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

  private static int i32(byte[] b, int o, boolean le) {
    return le ? (int) I32_LE.get(b, o) : (int) I32_BE.get(b, o);
  }

  private static short i16(byte[] b, int o, boolean le) {
    return le ? (short) I16_LE.get(b, o) : (short) I16_BE.get(b, o);
  }

  private static Long startTime(byte[] b, int off, boolean le) {
    long code = i16(b, off + 166, le);
    long year = i16(b, off + 156, le);
    long day = i16(b, off + 158, le);
    long hour = i16(b, off + 160, le);
    long minute = i16(b, off + 162, le);
    long second = i16(b, off + 164, le);
    if ((code != 2 && code != 4) || year < 1900 || year > 2261) {
      return null;
    }
    return timeNanos(year, day, hour, minute, second);
  }

  private static Long timeNanos(long year, long day, long hour, long minute, long second) {
    int daysInYear = LocalDate.of((int) year, 1, 1).lengthOfYear();
    if (day < 1 || day > daysInYear || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 60) {
      return null;
    }
    long epochDay = LocalDate.ofYearDay((int) year, (int) day).toEpochDay();
    long seconds = epochDay * 86_400 + hour * 3600 + minute * 60 + second;
    return seconds * 1_000_000_000L;
  }

  /** Makes {@code buf[bufStart..]} hold the file bytes {@code [at, at + len)}; the caller checked them. */
  private void fill(long at, int len) throws IOException {
    if (at >= bufStart && at + len <= bufStart + bufLen) {
      return;
    }
    int want = (int) Math.min(Math.max(len, BLOCK), dataEnd - at);
    if (buf.length < want) {
      buf = new byte[Math.max(want, Math.min(BLOCK, (int) Math.min(Integer.MAX_VALUE - 8, in.size())))];
    }
    in.readFully(at, ByteBuffer.wrap(buf, 0, want).slice(), "trace " + index);
    bufStart = at;
    bufLen = want;
  }

  @Override
  public void close() throws IOException {
    in.channel().close();
  }
}
