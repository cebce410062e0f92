package dev.sediment.io.seismic;

import java.util.Arrays;

/**
 * A reusable array that {@link TraceReader#next(SampleBuffer)} decodes a trace's samples into, so
 * a loop over a file's traces allocates no sample array per trace (as libmseed's {@code
 * ms_readmsr} reuses its record's sample buffer). It holds the samples of the last trace read into
 * it: entries {@code [0, count())} of {@link #values()}, overwritten by the next read.
 *
 * <pre>{@code
 * SampleBuffer buf = new SampleBuffer();
 * for (SeismicTrace t = reader.next(buf); t != null; t = reader.next(buf)) {
 *   double[] v = buf.values();
 *   for (int i = 0; i < buf.count(); i++) { sum += v[i]; }
 * }
 * }</pre>
 */
public final class SampleBuffer {
  private double[] values;
  private int count;

  public SampleBuffer() {
    this(0);
  }

  /** A buffer that holds {@code capacity} samples before it first grows. */
  public SampleBuffer(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity " + capacity + " < 0");
    }
    values = new double[capacity];
  }

  /** The array; only entries {@code [0, count())} belong to the last trace read. */
  public double[] values() {
    return values;
  }

  /** The number of samples of the last trace read. */
  public int count() {
    return count;
  }

  /** A copy of the last trace's samples, exactly {@link #count()} long. */
  public double[] toArray() {
    return Arrays.copyOf(values, count);
  }

  /**
   * Makes room for {@code n} samples, growing the array (its old contents are not kept), sets
   * {@link #count()} to {@code n} and returns the array for a decoder to write them to.
   */
  public double[] reserve(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("sample count " + n + " < 0");
    }
    if (values.length < n) {
      values = new double[n];
    }
    count = n;
    return values;
  }

  /** Holds a copy of {@code samples}. */
  public void copyFrom(double[] samples) {
    System.arraycopy(samples, 0, reserve(samples.length), 0, samples.length);
  }
}
