package dev.sediment.io.batch;

import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/** A vector of {@code long} values: INT64, TIMESTAMP and TIME (in the column's unit). */
public final class LongColumn extends ColumnVector {
  private final long[] values;

  /** Wraps {@code values[0..size)}; {@code nulls} may be null when nothing is null. */
  public LongColumn(long[] values, boolean @Nullable [] nulls, int size) {
    super(size, nulls);
    if (values.length < size) {
      throw new IllegalArgumentException(values.length + " values for " + size + " rows");
    }
    this.values = values;
  }

  /** A vector without nulls holding all of {@code values}. */
  public static LongColumn of(long... values) {
    return new LongColumn(values, null, values.length);
  }

  /** Entry {@code i}; unspecified when it is null. */
  public long get(int i) {
    return values[i];
  }

  /** The backing array; entries at and after {@link #size()} are not part of the vector. Do not modify. */
  public long[] values() {
    return values;
  }

  @Override
  public LongColumn gather(int[] rows, int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = values[rows[i]];
    }
    return new LongColumn(out, gatherNulls(rows, n), n);
  }

  @Override
  public LongColumn slice(int from, int to) {
    checkRange(from, to);
    boolean[] mask = nullMask();
    return new LongColumn(
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
    return values[i] == ((LongColumn) other).values[j];
  }

  /** Builds a {@link LongColumn}. */
  public static final class Builder extends ColumnVector.Builder {
    private long[] values;

    public Builder(int expectedRows) {
      values = new long[Math.max(expectedRows, 16)];
    }

    public void append(long v) {
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
        append(((LongColumn) source).values[row]);
      }
    }

    @Override
    public long byteSize() {
      return (long) size * 8;
    }

    @Override
    public LongColumn build() {
      return new LongColumn(values, takeNulls(), size);
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
      values[size++] = 0L;
    }
  }
}
