package dev.sediment.io.batch;

import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/** A vector of {@code int} values: INT8, INT16, INT32 and DATE (days since the epoch). */
public final class IntColumn extends ColumnVector {
  private final int[] values;

  /** Wraps {@code values[0..size)}; {@code nulls} may be null when nothing is null. */
  public IntColumn(int[] values, boolean @Nullable [] nulls, int size) {
    super(size, nulls);
    if (values.length < size) {
      throw new IllegalArgumentException(values.length + " values for " + size + " rows");
    }
    this.values = values;
  }

  /** A vector without nulls holding all of {@code values}. */
  public static IntColumn of(int... values) {
    return new IntColumn(values, null, values.length);
  }

  /** Entry {@code i}; unspecified when it is null. */
  public int get(int i) {
    return values[i];
  }

  /** The backing array; entries at and after {@link #size()} are not part of the vector. Do not modify. */
  public int[] values() {
    return values;
  }

  @Override
  public IntColumn gather(int[] rows, int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = values[rows[i]];
    }
    return new IntColumn(out, gatherNulls(rows, n), n);
  }

  @Override
  public IntColumn slice(int from, int to) {
    checkRange(from, to);
    boolean[] mask = nullMask();
    return new IntColumn(
        Arrays.copyOfRange(values, from, to),
        mask == null ? null : Arrays.copyOfRange(mask, from, to),
        to - from);
  }

  @Override
  public long byteSize() {
    return (long) size * 4 + (hasNulls() ? size : 0);
  }

  @Override
  boolean sameValue(int i, ColumnVector other, int j) {
    return values[i] == ((IntColumn) other).values[j];
  }

  /** Builds a {@link IntColumn}. */
  public static final class Builder extends ColumnVector.Builder {
    private int[] values;

    public Builder(int expectedRows) {
      values = new int[Math.max(expectedRows, 16)];
    }

    public void append(int v) {
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
        append(((IntColumn) source).values[row]);
      }
    }

    @Override
    public long byteSize() {
      return (long) size * 4;
    }

    @Override
    public IntColumn build() {
      return new IntColumn(values, takeNulls(), size);
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
      values[size++] = 0;
    }
  }
}
