package dev.sediment.io.seismic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sediment.io.mseed.MseedSegments;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads a whole seismic file and sums it up: format, variant, traces, samples, sample rates,
 * first and last sample time, min, max and sum of the samples. This is {@code bin/sediment
 * inspect}; memory does not grow with the file (one trace at a time).
 *
 * <p>{@code traces} counts traces for SEG-Y, SEG-2 and SAC, and contiguous channel segments for
 * miniSEED, grouped as libmseed does ({@link MseedSegments}).
 */
public final class SeismicInspector {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SeismicInspector() {}

  /** What {@link #inspect} found in one file. */
  public static final class Summary {
    public String file;
    public SeismicFormat format;
    public String variant;
    public long traces;
    public long samples;
    public final TreeSet<Double> sampleRatesHz = new TreeSet<>();
    public Long startTimeNanos;
    public Long endTimeNanos;
    public double min = Double.NaN;
    public double max = Double.NaN;
    private double sum;
    private double compensation;

    /** The sum of all samples (compensated summation, so rounding does not pile up). */
    public double sum() {
      return sum + compensation;
    }

    void add(double v) {
      double t = sum + v;
      if (Math.abs(sum) >= Math.abs(v)) {
        compensation += (sum - t) + v;
      } else {
        compensation += (v - t) + sum;
      }
      sum = t;
      if (Double.isNaN(min) || v < min) {
        min = v;
      }
      if (Double.isNaN(max) || v > max) {
        max = v;
      }
    }

    /** The JSON object of {@code inspect --json}; field names are a contract. */
    public String toJson() {
      ObjectNode o = MAPPER.createObjectNode();
      o.put("file", file);
      o.put("format", format.label());
      o.put("variant", variant);
      o.put("traces", traces);
      o.put("samples", samples);
      if (sampleRatesHz.isEmpty()) {
        o.putNull("sample_rate_hz");
      } else if (sampleRatesHz.size() == 1) {
        o.put("sample_rate_hz", sampleRatesHz.first());
      } else {
        ArrayNode rates = o.putArray("sample_rate_hz");
        sampleRatesHz.forEach(rates::add);
      }
      putTime(o, "start_time", startTimeNanos);
      putTime(o, "end_time", endTimeNanos);
      putNumber(o, "min", samples == 0 ? null : min);
      putNumber(o, "max", samples == 0 ? null : max);
      o.put("sum", sum());
      try {
        return MAPPER.writeValueAsString(o);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** One human-readable line. */
    @Override
    public String toString() {
      return String.format(
          "%s: %s (%s), %,d %s, %,d samples at %s Hz, %s to %s, min %s max %s sum %s",
          file,
          format.label(),
          variant,
          traces,
          (format == SeismicFormat.MSEED2 || format == SeismicFormat.MSEED3 ? "segment" : "trace")
              + (traces == 1 ? "" : "s"),
          samples,
          sampleRatesHz.isEmpty() ? "?" : join(sampleRatesHz),
          time(startTimeNanos),
          time(endTimeNanos),
          samples == 0 ? "-" : fmt(min),
          samples == 0 ? "-" : fmt(max),
          fmt(sum()));
    }

    private static String join(TreeSet<Double> rates) {
      List<String> s = new ArrayList<>();
      rates.forEach(r -> s.add(fmt(r)));
      return String.join(",", s);
    }
  }

  /** Reads the file open on {@code channel} (format detected from its content) to its end. */
  public static Summary inspect(SeekableByteChannel channel, String name) throws IOException {
    SeismicFormat format = SeismicFiles.detect(channel, name);
    Summary s = new Summary();
    s.file = name;
    s.format = format;
    boolean segments = format == SeismicFormat.MSEED2 || format == SeismicFormat.MSEED3;
    MseedSegments.Grouper grouper = new MseedSegments.Grouper();
    try (TraceReader reader = SeismicFiles.open(format, channel, name)) {
      s.variant = reader.variant();
      SeismicTrace t;
      // One reused sample array for the whole file: the summary keeps no samples.
      SampleBuffer buffer = new SampleBuffer();
      while ((t = reader.next(buffer)) != null) {
        double[] v = buffer.values();
        int n = buffer.count();
        s.samples += n;
        for (int i = 0; i < n; i++) {
          s.add(v[i]);
        }
        double rate = t.sampleRateHz();
        if (!Double.isNaN(rate)) {
          s.sampleRatesHz.add(rate);
        }
        Long start = t.startTimeNanos();
        Long end = start == null ? null : start + spanNanos(n, rate);
        if (start != null) {
          s.startTimeNanos = s.startTimeNanos == null ? start : Math.min(s.startTimeNanos, start);
          s.endTimeNanos = s.endTimeNanos == null ? end : Math.max(s.endTimeNanos, end);
        }
        if (segments) {
          grouper.add(t);
        } else {
          s.traces++;
        }
      }
    }
    if (segments) {
      s.traces = grouper.count();
    }
    return s;
  }

  /** Nanoseconds from the first to the last of {@code n} samples at {@code rate} Hz. */
  private static long spanNanos(int n, double rate) {
    if (n <= 1 || Double.isNaN(rate) || rate <= 0) {
      return 0;
    }
    return Math.round((n - 1) * 1e9 / rate);
  }

  private static void putTime(ObjectNode o, String field, Long nanos) {
    if (nanos == null) {
      o.putNull(field);
    } else {
      o.put(field, time(nanos));
    }
  }

  private static void putNumber(ObjectNode o, String field, Double v) {
    if (v == null || v.isNaN() || v.isInfinite()) {
      o.putNull(field);
    } else {
      o.put(field, v);
    }
  }

  /** ISO-8601 UTC with as many fraction digits as needed; "-" for unknown. */
  static String time(Long nanos) {
    if (nanos == null) {
      return "-";
    }
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))
        .toString();
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
  }
}
