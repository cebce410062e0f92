package dev.sediment.io.batch;

import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/** A vector of {@code boolean} values: BOOLEAN. */
public final class BooleanColumn extends ColumnVector {
  private final boolean[] values;

  /** Wraps {@code values[0..size)}; {@code nulls} may be null when nothing is null. */
  public BooleanColumn(boolean[] values, boolean @Nullable [] nulls, int size) {
    super(size, nulls);
    if (values.length < size) {
      throw new IllegalArgumentException(values.length + " values for " + size + " rows");
    }
    this.values = values;
  }

  /** A vector without nulls holding all of {@code values}. */
  public static BooleanColumn of(boolean... values) {
    return new BooleanColumn(values, null, values.length);
  }

  /** Entry {@code i}; unspecified when it is null. */
  public boolean get(int i) {
    return values[i];
  }

  /** The backing array; entries at and after {@link #size()} are not part of the vector. Do not modify. */
  public boolean[] values() {
    return values;
  }

  @Override
  public BooleanColumn gather(int[] rows, int n) {
    boolean[] out = new boolean[n];
    for (int i = 0; i < n; i++) {
      out[i] = values[rows[i]];
    }
    return new BooleanColumn(out, gatherNulls(rows, n), n);
  }

  @Override
  public BooleanColumn slice(int from, int to) {
    checkRange(from, to);
    boolean[] mask = nullMask();
    return new BooleanColumn(
        Arrays.copyOfRange(values, from, to),
        mask == null ? null : Arrays.copyOfRange(mask, from, to),
        to - from);
  }

  @Override
  public long byteSize() {
    return (long) size * 1 + (hasNulls() ? size : 0);
  }

  @Override
  boolean sameValue(int i, ColumnVector other, int j) {
    return values[i] == ((BooleanColumn) other).values[j];
  }

  /** Builds a {@link BooleanColumn}. */
  public static final class Builder extends ColumnVector.Builder {
    private boolean[] values;

    public Builder(int expectedRows) {
      values = new boolean[Math.max(expectedRows, 16)];
    }

    public void append(boolean v) {
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
        append(((BooleanColumn) source).values[row]);
      }
    }

    @Override
    public long byteSize() {
      return (long) size * 1;
    }

    @Override
    public BooleanColumn build() {
      return new BooleanColumn(values, takeNulls(), size);
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
      values[size++] = false;
    }
  }
}
