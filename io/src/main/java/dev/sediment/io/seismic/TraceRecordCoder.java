package dev.sediment.io.seismic;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The coder of trace records ({@link TraceRecords#SCHEMA}) between pipeline steps: the same
 * fields as {@code AvroCoder.of(TraceRecords.SCHEMA)}, but the samples go as one block of
 * little-endian float64 (not one boxed value at a time) and decode into a view of a {@code
 * double[]} ({@link TraceRecords#samples}), and strings as length-prefixed UTF-8. On SEG-Y
 * traces of 1,000 samples it encodes and decodes a record several times faster than Avro's
 * generic path, which was the largest cost of {@code ingest} on Flink (docs/benchmarks.md).
 *
 * <p>Decoded records hold {@link String}s (not Avro {@code Utf8}), {@link LinkedHashMap}s in
 * the encoded order, and samples with their exact bits (NaN payloads and -0.0 included). Not
 * deterministic in Beam's sense (map order is kept, not sorted), so not for keys.
 */
public final class TraceRecordCoder extends AtomicCoder<GenericRecord> {
  private static final long serialVersionUID = 1L;
  private static final TraceRecordCoder INSTANCE = new TraceRecordCoder();

  /** The layout version written first, so a later layout can still read this one. */
  private static final int VERSION = 1;

  // Presence bits of the nullable fields, in schema order.
  private static final int NETWORK = 1;
  private static final int STATION = 1 << 1;
  private static final int LOCATION = 1 << 2;
  private static final int CHANNEL = 1 << 3;
  private static final int LINE = 1 << 4;
  private static final int CDP = 1 << 5;
  private static final int TRACE_NUMBER = 1 << 6;
  private static final int START_TIME = 1 << 7;
  private static final int SAMPLE_RATE = 1 << 8;

  private TraceRecordCoder() {}

  public static TraceRecordCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(GenericRecord r, OutputStream outStream) throws IOException {
    if (r == null) {
      throw new CoderException("cannot encode a null trace record");
    }
    Object network = r.get("network");
    Object station = r.get("station");
    Object location = r.get("location");
    Object channel = r.get("channel");
    Object line = r.get("line");
    Object cdp = r.get("cdp");
    Object traceNumber = r.get("trace_number");
    Object startTime = r.get("start_time_ns");
    Object rate = r.get("sample_rate_hz");
    int present =
        (network != null ? NETWORK : 0)
            | (station != null ? STATION : 0)
            | (location != null ? LOCATION : 0)
            | (channel != null ? CHANNEL : 0)
            | (line != null ? LINE : 0)
            | (cdp != null ? CDP : 0)
            | (traceNumber != null ? TRACE_NUMBER : 0)
            | (startTime != null ? START_TIME : 0)
            | (rate != null ? SAMPLE_RATE : 0);
    double[] samples = TraceRecords.samples(r);
    // The whole record goes into one array, written with its length in front, so that decode
    // reads it with one call and never past it (the stream may hold more after it).
    Buf b = new Buf(256 + samples.length * 8);
    b.putInt(0); // the length, set below
    b.putByte(VERSION);
    b.putShort(present);
    b.putString(r.get("source_file"));
    b.putString(r.get("format"));
    b.putLong((Long) r.get("trace_index"));
    b.putLong((Long) r.get("byte_offset"));
    b.putStringIf(network);
    b.putStringIf(station);
    b.putStringIf(location);
    b.putStringIf(channel);
    b.putLongIf(line);
    b.putLongIf(cdp);
    b.putLongIf(traceNumber);
    b.putLongIf(startTime);
    if (rate != null) {
      b.putLong(Double.doubleToRawLongBits((Double) rate));
    }
    b.putString(r.get("encoding"));
    b.putInt((Integer) r.get("sample_count"));
    b.putInt(samples.length);
    b.ensure(samples.length * 8);
    ByteBuffer.wrap(b.bytes, b.size, samples.length * 8)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asDoubleBuffer()
        .put(samples);
    b.size += samples.length * 8;
    b.putMap(r.get("headers"));
    b.putMap(r.get("file_headers"));
    ByteBuffer.wrap(b.bytes, 0, 4).putInt(b.size - 4);
    outStream.write(b.bytes, 0, b.size);
  }

  @Override
  public GenericRecord decode(InputStream inStream) throws IOException {
    DataInputStream din = new DataInputStream(inStream);
    int length = din.readInt();
    if (length < 3) {
      throw new CoderException("trace record of " + length + " bytes");
    }
    byte[] bytes = new byte[length];
    din.readFully(bytes);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      int version = in.get() & 0xff;
      if (version != VERSION) {
        throw new CoderException("trace record layout " + version + " is not " + VERSION);
      }
      int present = in.getShort() & 0xffff;
      GenericData.Record r = new GenericData.Record(TraceRecords.SCHEMA);
      r.put("source_file", getString(in));
      r.put("format", getString(in));
      r.put("trace_index", in.getLong());
      r.put("byte_offset", in.getLong());
      r.put("network", (present & NETWORK) != 0 ? getString(in) : null);
      r.put("station", (present & STATION) != 0 ? getString(in) : null);
      r.put("location", (present & LOCATION) != 0 ? getString(in) : null);
      r.put("channel", (present & CHANNEL) != 0 ? getString(in) : null);
      r.put("line", (present & LINE) != 0 ? (Long) in.getLong() : null);
      r.put("cdp", (present & CDP) != 0 ? (Long) in.getLong() : null);
      r.put("trace_number", (present & TRACE_NUMBER) != 0 ? (Long) in.getLong() : null);
      r.put("start_time_ns", (present & START_TIME) != 0 ? (Long) in.getLong() : null);
      r.put(
          "sample_rate_hz",
          (present & SAMPLE_RATE) != 0 ? (Double) Double.longBitsToDouble(in.getLong()) : null);
      r.put("encoding", getString(in));
      r.put("sample_count", in.getInt());
      int n = in.getInt();
      if (n < 0 || (long) n * 8 > in.remaining()) {
        throw new CoderException(n + " samples do not fit in a trace record of " + length + " bytes");
      }
      double[] samples = new double[n];
      in.slice().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(samples);
      in.position(in.position() + n * 8);
      r.put("samples", TraceRecords.samplesView(samples));
      r.put("headers", getMap(in));
      r.put("file_headers", getMap(in));
      if (in.hasRemaining()) {
        throw new CoderException(in.remaining() + " bytes left after a trace record");
      }
      return r;
    } catch (BufferUnderflowException e) {
      throw new CoderException("a trace record of " + length + " bytes ends early", e);
    }
  }

  private static String getString(ByteBuffer in) throws CoderException {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new CoderException("string of " + n + " bytes in a trace record");
    }
    String s = new String(in.array(), in.position(), n, StandardCharsets.UTF_8);
    in.position(in.position() + n);
    return s;
  }

  private static Map<String, String> getMap(ByteBuffer in) throws CoderException {
    int n = in.getInt();
    if (n < 0 || n > in.remaining() / 8) {
      throw new CoderException("map of " + n + " entries in a trace record");
    }
    Map<String, String> m = new LinkedHashMap<>(Math.max(16, (int) (n / 0.75f) + 1));
    for (int i = 0; i < n; i++) {
      String k = getString(in);
      m.put(k, getString(in));
    }
    return m;
  }

  /** A growable big-endian byte array. */
  private static final class Buf {
    byte[] bytes;
    int size;

    Buf(int capacity) {
      bytes = new byte[capacity];
    }

    void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }

    void putByte(int v) {
      ensure(1);
      bytes[size++] = (byte) v;
    }

    void putShort(int v) {
      ensure(2);
      bytes[size++] = (byte) (v >>> 8);
      bytes[size++] = (byte) v;
    }

    void putInt(int v) {
      ensure(4);
      bytes[size++] = (byte) (v >>> 24);
      bytes[size++] = (byte) (v >>> 16);
      bytes[size++] = (byte) (v >>> 8);
      bytes[size++] = (byte) v;
    }

    void putLong(long v) {
      putInt((int) (v >>> 32));
      putInt((int) v);
    }

    void putLongIf(@Nullable Object v) {
      if (v != null) {
        putLong((Long) v);
      }
    }

    void putString(Object s) {
      byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
      putInt(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, bytes, size, b.length);
      size += b.length;
    }

    void putStringIf(@Nullable Object s) {
      if (s != null) {
        putString(s);
      }
    }

    void putMap(@Nullable Object o) {
      Map<?, ?> m = o == null ? Map.of() : (Map<?, ?>) o;
      putInt(m.size());
      for (Map.Entry<?, ?> e : m.entrySet()) {
        putString(e.getKey());
        putString(e.getValue());
      }
    }
  }
}
