package dev.sediment.io.seismic;

import dev.sediment.schemas.SeismicTraceSchema;
import java.util.AbstractList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Converts between {@link SeismicTrace} and the Avro record {@code SeismicTrace.avsc}, the form
 * traces take in a Beam pipeline and in Parquet.
 */
public final class TraceRecords {
  /** The parsed {@code SeismicTrace.avsc}. */
  public static final Schema SCHEMA = new Schema.Parser().parse(SeismicTraceSchema.AVRO_JSON);

  private TraceRecords() {}

  /** The record of {@code trace}, read from {@code sourceFile} whose file headers are given. */
  public static GenericRecord toRecord(
      SeismicTrace trace, String sourceFile, Map<String, String> fileHeaders) {
    GenericData.Record r = new GenericData.Record(SCHEMA);
    r.put("source_file", sourceFile);
    r.put("format", trace.format().label());
    r.put("trace_index", trace.index());
    r.put("byte_offset", trace.offset());
    r.put("network", trace.network());
    r.put("station", trace.station());
    r.put("location", trace.location());
    r.put("channel", trace.channel());
    r.put("line", trace.line());
    r.put("cdp", trace.cdp());
    r.put("trace_number", trace.traceNumber());
    r.put("start_time_ns", trace.startTimeNanos());
    r.put("sample_rate_hz", Double.isNaN(trace.sampleRateHz()) ? null : trace.sampleRateHz());
    r.put("encoding", trace.encoding());
    double[] s = trace.samples();
    r.put("sample_count", s.length);
    r.put("samples", samplesView(s));
    r.put("headers", new LinkedHashMap<>(trace.headers()));
    r.put("file_headers", new LinkedHashMap<>(fileHeaders));
    return r;
  }

  /** The trace of a record made by {@link #toRecord} (or read back from Parquet). */
  public static SeismicTrace fromRecord(GenericRecord r) {
    SeismicTrace.Builder b =
        SeismicTrace.builder(SeismicFormat.parse(r.get("format").toString()))
            .index((Long) r.get("trace_index"))
            .offset((Long) r.get("byte_offset"))
            .network(string(r.get("network")))
            .station(string(r.get("station")))
            .location(string(r.get("location")))
            .channel(string(r.get("channel")))
            .line((Long) r.get("line"))
            .cdp((Long) r.get("cdp"))
            .traceNumber((Long) r.get("trace_number"))
            .startTimeNanos((Long) r.get("start_time_ns"))
            .sampleRateHz(r.get("sample_rate_hz") == null ? Double.NaN : (Double) r.get("sample_rate_hz"))
            .encoding(r.get("encoding").toString());
    b.samples(samples(r));
    b.headers(strings(r.get("headers")));
    return b.build();
  }

  /**
   * {@code samples} as the list a record's {@code samples} field holds, without copying or
   * boxing them up front: a read-only view (do not modify the array afterwards).
   */
  public static List<Double> samplesView(double[] samples) {
    return new SampleList(samples);
  }

  /**
   * The samples of a record: the array behind a {@link #samplesView} (not copied; do not modify
   * it), or a new array from any other list (a record read back from Parquet or by AvroCoder).
   */
  public static double[] samples(GenericRecord r) {
    Object o = r.get("samples");
    if (o instanceof SampleList) {
      return ((SampleList) o).values;
    }
    List<?> list = (List<?>) o;
    double[] s = new double[list.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = ((Number) list.get(i)).doubleValue();
    }
    return s;
  }

  /** A read-only {@code List<Double>} over a {@code double[]}. */
  private static final class SampleList extends AbstractList<Double> implements RandomAccess {
    final double[] values;

    SampleList(double[] values) {
      this.values = values;
    }

    @Override
    public Double get(int index) {
      return values[index];
    }

    @Override
    public int size() {
      return values.length;
    }
  }

  /** The file headers a record carries. */
  public static Map<String, String> fileHeaders(GenericRecord r) {
    return strings(r.get("file_headers"));
  }

  private static String string(Object o) {
    return o == null ? null : o.toString();
  }

  private static Map<String, String> strings(Object o) {
    Map<String, String> out = new LinkedHashMap<>();
    if (o != null) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
        out.put(e.getKey().toString(), e.getValue().toString());
      }
    }
    return out;
  }
}
