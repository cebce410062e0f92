package dev.sediment.io.seismic;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One trace (SEG-Y, SEG-2, SAC) or one data record (miniSEED) with its samples widened to
 * float64, which holds every stored value exactly (int8 to int32, IBM and IEEE float32, float64),
 * and its headers. Fields a format does not have are {@code null}.
 *
 * <p>{@link #headers()} holds every format-specific header field by its standard name (SEG-Y
 * trace header fields, SAC header variables, miniSEED fixed-header fields and blockettes, SEG-2
 * trace descriptor strings) as decimal or plain text, enough for the format's writer to write the
 * trace back with the same values.
 */
public final class SeismicTrace {
  private final SeismicFormat format;
  private final long index;
  private final long offset;
  private final String network;
  private final String station;
  private final String location;
  private final String channel;
  private final Long line;
  private final Long cdp;
  private final Long traceNumber;
  private final Long startTimeNanos;
  private final double sampleRateHz;
  private final String encoding;
  private final double[] samples;
  private final int sampleCount;
  /** True when the samples were decoded into a {@link SampleBuffer}, not into {@link #samples}. */
  private final boolean samplesInBuffer;
  /** Eager headers, or null until {@link #headers()} first builds them from {@link #lazyHeaders}. */
  private volatile Map<String, String> headers;
  private final Supplier<Map<String, String>> lazyHeaders;
  private final Map<String, String> extraHeaders;

  private SeismicTrace(Builder b) {
    this.format = Objects.requireNonNull(b.format, "format");
    this.index = b.index;
    this.offset = b.offset;
    this.network = b.network;
    this.station = b.station;
    this.location = b.location;
    this.channel = b.channel;
    this.line = b.line;
    this.cdp = b.cdp;
    this.traceNumber = b.traceNumber;
    this.startTimeNanos = b.startTimeNanos;
    this.sampleRateHz = b.sampleRateHz;
    this.encoding = Objects.requireNonNull(b.encoding, "encoding");
    this.samples = Objects.requireNonNull(b.samples, "samples");
    this.samplesInBuffer = b.samplesInBuffer;
    this.sampleCount = b.samplesInBuffer ? b.sampleCount : b.samples.length;
    if (b.lazyHeaders == null) {
      this.headers =
          Collections.unmodifiableMap(b.headers == null ? new LinkedHashMap<>() : new LinkedHashMap<>(b.headers));
      this.lazyHeaders = null;
      this.extraHeaders = null;
    } else {
      this.lazyHeaders = b.lazyHeaders;
      this.extraHeaders = b.headers == null || b.headers.isEmpty() ? null : new LinkedHashMap<>(b.headers);
    }
  }

  /** This trace with its samples moved to {@code buffer} (see {@link #samplesInBuffer()}). */
  private SeismicTrace(SeismicTrace t, SampleBuffer buffer) {
    this.format = t.format;
    this.index = t.index;
    this.offset = t.offset;
    this.network = t.network;
    this.station = t.station;
    this.location = t.location;
    this.channel = t.channel;
    this.line = t.line;
    this.cdp = t.cdp;
    this.traceNumber = t.traceNumber;
    this.startTimeNanos = t.startTimeNanos;
    this.sampleRateHz = t.sampleRateHz;
    this.encoding = t.encoding;
    if (t.samplesInBuffer) {
      throw new IllegalStateException(t + ": its samples are already in a SampleBuffer");
    }
    buffer.copyFrom(t.samples);
    this.samples = NO_SAMPLES;
    this.sampleCount = t.samples.length;
    this.samplesInBuffer = true;
    this.headers = t.headers;
    this.lazyHeaders = t.lazyHeaders;
    this.extraHeaders = t.extraHeaders;
  }

  /**
   * This trace's fields and headers with its samples copied into {@code buffer}, as {@link
   * TraceReader#next(SampleBuffer)} returns them.
   */
  public SeismicTrace withSamplesIn(SampleBuffer buffer) {
    return new SeismicTrace(this, buffer);
  }

  private static final double[] NO_SAMPLES = new double[0];

  public static Builder builder(SeismicFormat format) {
    return new Builder(format);
  }

  public Builder toBuilder() {
    Builder b = new Builder(format);
    b.index = index;
    b.offset = offset;
    b.network = network;
    b.station = station;
    b.location = location;
    b.channel = channel;
    b.line = line;
    b.cdp = cdp;
    b.traceNumber = traceNumber;
    b.startTimeNanos = startTimeNanos;
    b.sampleRateHz = sampleRateHz;
    b.encoding = encoding;
    b.samples = samples;
    b.sampleCount = sampleCount;
    b.samplesInBuffer = samplesInBuffer;
    b.headers(headers());
    return b;
  }

  public SeismicFormat format() {
    return format;
  }

  /** 0-based ordinal of the trace or record in its file. */
  public long index() {
    return index;
  }

  /** Byte offset in the file where the trace (its header) or record starts. */
  public long offset() {
    return offset;
  }

  /** FDSN network code (miniSEED, SAC KNETWK), or null. */
  public String network() {
    return network;
  }

  public String station() {
    return station;
  }

  public String location() {
    return location;
  }

  public String channel() {
    return channel;
  }

  /** SEG-Y inline (or field record) number, or null. */
  public Long line() {
    return line;
  }

  /** SEG-Y CDP ensemble number, or null. */
  public Long cdp() {
    return cdp;
  }

  /** SEG-Y trace sequence number within line, SEG-2 channel number, or null. */
  public Long traceNumber() {
    return traceNumber;
  }

  /** Time of the first sample in nanoseconds since 1970-01-01T00:00Z UTC, or null if unknown. */
  public Long startTimeNanos() {
    return startTimeNanos;
  }

  /** Nominal sample rate in Hz; NaN when not evenly sampled or unknown. */
  public double sampleRateHz() {
    return sampleRateHz;
  }

  /** The stored encoding, one of {@link SampleEncoding}'s names. */
  public String encoding() {
    return encoding;
  }

  /**
   * The samples; the array is shared, do not modify it.
   *
   * @throws IllegalStateException if the trace was read with {@link TraceReader#next(SampleBuffer)}:
   *     its samples are in that buffer
   */
  public double[] samples() {
    if (samplesInBuffer) {
      throw new IllegalStateException(
          this + ": its samples were decoded into a SampleBuffer; read them from there");
    }
    return samples;
  }

  /** The number of samples (also for a trace whose samples are in a {@link SampleBuffer}). */
  public int sampleCount() {
    return sampleCount;
  }

  /** Whether this trace's samples are in the {@link SampleBuffer} it was read with. */
  public boolean samplesInBuffer() {
    return samplesInBuffer;
  }

  public Map<String, String> headers() {
    Map<String, String> h = headers;
    if (h == null) {
      // Built on first use: a reader of 100,000 traces need not format 91 fields per trace that
      // nobody reads. Two threads racing here build equal maps; either is kept.
      Map<String, String> m = new LinkedHashMap<>(lazyHeaders.get());
      if (extraHeaders != null) {
        m.putAll(extraHeaders);
      }
      h = Collections.unmodifiableMap(m);
      headers = h;
    }
    return h;
  }

  /** The header {@code name}, or null. */
  public String header(String name) {
    return headers().get(name);
  }

  @Override
  public String toString() {
    return format.label()
        + " trace "
        + index
        + " at byte "
        + offset
        + " ("
        + sampleCount
        + " "
        + encoding
        + " samples)";
  }

  /** Builds a {@link SeismicTrace}; every setter returns {@code this}. */
  public static final class Builder {
    private final SeismicFormat format;
    private long index;
    private long offset;
    private String network;
    private String station;
    private String location;
    private String channel;
    private Long line;
    private Long cdp;
    private Long traceNumber;
    private Long startTimeNanos;
    private double sampleRateHz = Double.NaN;
    private String encoding;
    private double[] samples = NO_SAMPLES;
    private int sampleCount;
    private boolean samplesInBuffer;
    /** Created on the first {@link #header} or {@link #headers(Map)}: readers mostly set none. */
    private Map<String, String> headers;
    private Supplier<Map<String, String>> lazyHeaders;

    private Builder(SeismicFormat format) {
      this.format = format;
    }

    public Builder index(long index) {
      this.index = index;
      return this;
    }

    public Builder offset(long offset) {
      this.offset = offset;
      return this;
    }

    public Builder network(String network) {
      this.network = network;
      return this;
    }

    public Builder station(String station) {
      this.station = station;
      return this;
    }

    public Builder location(String location) {
      this.location = location;
      return this;
    }

    public Builder channel(String channel) {
      this.channel = channel;
      return this;
    }

    public Builder line(Long line) {
      this.line = line;
      return this;
    }

    public Builder cdp(Long cdp) {
      this.cdp = cdp;
      return this;
    }

    public Builder traceNumber(Long traceNumber) {
      this.traceNumber = traceNumber;
      return this;
    }

    public Builder startTimeNanos(Long startTimeNanos) {
      this.startTimeNanos = startTimeNanos;
      return this;
    }

    public Builder sampleRateHz(double sampleRateHz) {
      this.sampleRateHz = sampleRateHz;
      return this;
    }

    public Builder encoding(String encoding) {
      this.encoding = encoding;
      return this;
    }

    public Builder samples(double[] samples) {
      this.samples = samples;
      this.samplesInBuffer = false;
      return this;
    }

    /**
     * The samples were decoded into {@code buffer} (its current {@link SampleBuffer#count()}):
     * the trace's {@link SeismicTrace#samples()} then refuses, and the caller reads the buffer.
     */
    public Builder samplesIn(SampleBuffer buffer) {
      this.samples = NO_SAMPLES;
      this.sampleCount = buffer.count();
      this.samplesInBuffer = true;
      return this;
    }

    /** Sets one header; a null value removes it. */
    public Builder header(String name, String value) {
      if (value == null) {
        if (headers != null) {
          headers.remove(name);
        }
      } else {
        if (headers == null) {
          headers = new LinkedHashMap<>();
        }
        headers.put(name, value);
      }
      return this;
    }

    public Builder headers(Map<String, String> all) {
      if (headers == null) {
        headers = new LinkedHashMap<>();
      }
      headers.putAll(all);
      return this;
    }

    /**
     * Headers built only when {@link SeismicTrace#headers()} is first called, by {@code
     * supplier} (which must not depend on mutable state); headers set with {@link #header} or
     * {@link #headers(Map)} are added over them. Readers use it so that callers who only want
     * samples do not pay for formatting every header field.
     */
    public Builder lazyHeaders(Supplier<Map<String, String>> supplier) {
      this.lazyHeaders = Objects.requireNonNull(supplier, "supplier");
      return this;
    }

    public SeismicTrace build() {
      return new SeismicTrace(this);
    }
  }
}
