package dev.sediment.io.batch;

import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/** A vector of {@code double} values: DOUBLE. */
public final class DoubleColumn extends ColumnVector {
  private final double[] values;

  /** Wraps {@code values[0..size)}; {@code nulls} may be null when nothing is null. */
  public DoubleColumn(double[] values, boolean @Nullable [] nulls, int size) {
    super(size, nulls);
    if (values.length < size) {
      throw new IllegalArgumentException(values.length + " values for " + size + " rows");
    }
    this.values = values;
  }

  /** A vector without nulls holding all of {@code values}. */
  public static DoubleColumn of(double... values) {
    return new DoubleColumn(values, null, values.length);
  }

  /** Entry {@code i}; unspecified when it is null. */
  public double get(int i) {
    return values[i];
  }

  /** The backing array; entries at and after {@link #size()} are not part of the vector. Do not modify. */
  public double[] values() {
    return values;
  }

  @Override
  public DoubleColumn gather(int[] rows, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = values[rows[i]];
    }
    return new DoubleColumn(out, gatherNulls(rows, n), n);
  }

  @Override
  public DoubleColumn slice(int from, int to) {
    checkRange(from, to);
    boolean[] mask = nullMask();
    return new DoubleColumn(
        Arrays.copyOfRange(values, from, to),
        mask == null ? null : Arrays.copyOfRange(mask, from, to),
        to - from);
  }

  @Override
  public long byteSize() {
    return (long) size * 8 + (hasNulls() ? size : 0);
  }

  @Override
  boolean sameValue(int i, ColumnVector other, int j) {
    return Double.doubleToRawLongBits(values[i]) == Double.doubleToRawLongBits(((DoubleColumn) other).values[j]);
  }

  /** Builds a {@link DoubleColumn}. */
  public static final class Builder extends ColumnVector.Builder {
    private double[] values;

    public Builder(int expectedRows) {
      values = new double[Math.max(expectedRows, 16)];
    }

    public void append(double v) {
      if (size == values.length) {
        ensure(size + 1);
      }
      markNotNull();
      values[size++] = v;
    }

    @Override
    public void appendFrom(ColumnVector source, int row) {
      if (source.isNull(row)) {
        appendNull();
      } else {
        append(((DoubleColumn) source).values[row]);
      }
    }

    @Override
    public long byteSize() {
      return (long) size * 8;
    }

    @Override
    public DoubleColumn build() {
      return new DoubleColumn(values, takeNulls(), size);
    }

    @Override
    int capacity() {
      return values.length;
    }

    @Override
    void ensure(int n) {
      if (n > values.length) {
        values = Arrays.copyOf(values, grow(values.length, n));
      }
    }

    @Override
    void appendDefault() {
      values[size++] = 0d;
    }
  }
}
