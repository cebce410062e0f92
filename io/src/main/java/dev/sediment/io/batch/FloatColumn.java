package dev.sediment.io.batch;

import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/** A vector of {@code float} values: FLOAT. */
public final class FloatColumn extends ColumnVector {
  private final float[] values;

  /** Wraps {@code values[0..size)}; {@code nulls} may be null when nothing is null. */
  public FloatColumn(float[] values, boolean @Nullable [] nulls, int size) {
    super(size, nulls);
    if (values.length < size) {
      throw new IllegalArgumentException(values.length + " values for " + size + " rows");
    }
    this.values = values;
  }

  /** A vector without nulls holding all of {@code values}. */
  public static FloatColumn of(float... values) {
    return new FloatColumn(values, null, values.length);
  }

  /** Entry {@code i}; unspecified when it is null. */
  public float get(int i) {
    return values[i];
  }

  /** The backing array; entries at and after {@link #size()} are not part of the vector. Do not modify. */
  public float[] values() {
    return values;
  }

  @Override
  public FloatColumn gather(int[] rows, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = values[rows[i]];
    }
    return new FloatColumn(out, gatherNulls(rows, n), n);
  }

  @Override
  public FloatColumn slice(int from, int to) {
    checkRange(from, to);
    boolean[] mask = nullMask();
    return new FloatColumn(
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
    return Float.floatToRawIntBits(values[i]) == Float.floatToRawIntBits(((FloatColumn) other).values[j]);
  }

  /** Builds a {@link FloatColumn}. */
  public static final class Builder extends ColumnVector.Builder {
    private float[] values;

    public Builder(int expectedRows) {
      values = new float[Math.max(expectedRows, 16)];
    }

    public void append(float v) {
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
        append(((FloatColumn) source).values[row]);
      }
    }

    @Override
    public long byteSize() {
      return (long) size * 4;
    }

    @Override
    public FloatColumn build() {
      return new FloatColumn(values, takeNulls(), size);
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
      values[size++] = 0f;
    }
  }
}
