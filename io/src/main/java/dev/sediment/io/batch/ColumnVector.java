package dev.sediment.io.batch;

import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The values of one column of a {@link ColumnBatch}: a typed array and a null mask.
 *
 * <p>A vector owns the arrays it was built on (they may be longer than {@link #size()}; only the
 * first {@code size} entries count) and never changes them; do not change them either. The null
 * mask is absent when no value is null. The value of a null entry is unspecified (0 or empty).
 */
public abstract class ColumnVector {
  final int size;
  final boolean @Nullable [] nulls;

  ColumnVector(int size, boolean @Nullable [] nulls) {
    if (size < 0) {
      throw new IllegalArgumentException("size " + size + " < 0");
    }
    if (nulls != null && nulls.length < size) {
      throw new IllegalArgumentException("null mask of " + nulls.length + " for " + size + " rows");
    }
    this.size = size;
    this.nulls = nulls == null || !any(nulls, size) ? null : nulls;
  }

  private static boolean any(boolean[] mask, int size) {
    for (int i = 0; i < size; i++) {
      if (mask[i]) {
        return true;
      }
    }
    return false;
  }

  public final int size() {
    return size;
  }

  public final boolean isNull(int i) {
    return nulls != null && nulls[i];
  }

  /** True if any entry is null. */
  public final boolean hasNulls() {
    return nulls != null;
  }

  /** The null mask (true = null), or null when no entry is null. Do not modify. */
  public final boolean @Nullable [] nullMask() {
    return nulls;
  }

  public final int nullCount() {
    if (nulls == null) {
      return 0;
    }
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (nulls[i]) {
        n++;
      }
    }
    return n;
  }

  /** A new vector of the entries at {@code rows[0..n)}, in that order (repeats allowed). */
  public abstract ColumnVector gather(int[] rows, int n);

  /** A new vector of entries {@code [from, to)}. */
  public ColumnVector slice(int from, int to) {
    checkRange(from, to);
    int[] rows = new int[to - from];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = from + i;
    }
    return gather(rows, rows.length);
  }

  /** About how many bytes the entries take in memory. */
  public abstract long byteSize();

  /** True if entry {@code i} of this vector and entry {@code j} of {@code other} hold the same bits. */
  abstract boolean sameValue(int i, ColumnVector other, int j);

  final void checkRange(int from, int to) {
    if (from < 0 || to > size || from > to) {
      throw new IndexOutOfBoundsException("[" + from + ", " + to + ") of " + size + " entries");
    }
  }

  final boolean @Nullable [] gatherNulls(int[] rows, int n) {
    if (nulls == null) {
      return null;
    }
    boolean[] out = new boolean[n];
    for (int i = 0; i < n; i++) {
      out[i] = nulls[rows[i]];
    }
    return out;
  }

  /**
   * Equal when of the same class and size, with nulls in the same places and the same bits
   * elsewhere (so NaN equals NaN and -0.0 differs from 0.0).
   */
  @Override
  public final boolean equals(@Nullable Object o) {
    if (o == null || o.getClass() != getClass()) {
      return false;
    }
    ColumnVector v = (ColumnVector) o;
    if (v.size != size) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      boolean n = isNull(i);
      if (n != v.isNull(i) || (!n && !sameValue(i, v, i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public final int hashCode() {
    return 31 * getClass().hashCode() + size;
  }

  /** Appends values one by one; {@link #build()} makes the vector. */
  public abstract static class Builder {
    boolean @Nullable [] nulls;
    int size;

    /** Appends a null. */
    public final void appendNull() {
      ensure(size + 1);
      if (nulls == null) {
        nulls = new boolean[Math.max(16, capacity())];
      } else if (nulls.length <= size) {
        nulls = Arrays.copyOf(nulls, Math.max(capacity(), size + 1));
      }
      nulls[size] = true;
      appendDefault();
    }

    /** Appends entry {@code row} of {@code source}, a vector of the same class. */
    public abstract void appendFrom(ColumnVector source, int row);

    /** Appends {@code n} entries of {@code source} at {@code rows[0..n)}. */
    public void appendFrom(ColumnVector source, int[] rows, int n) {
      for (int i = 0; i < n; i++) {
        appendFrom(source, rows[i]);
      }
    }

    public final int size() {
      return size;
    }

    /**
     * Keeps the first {@code n} entries and drops the rest, so a row that turned out bad part-way
     * (a later cell did not convert) leaves no trace; appending continues at entry {@code n}.
     */
    public void truncate(int n) {
      if (n < 0 || n > size) {
        throw new IndexOutOfBoundsException("truncate to " + n + " of " + size + " entries");
      }
      size = n;
    }

    /** About how many bytes the entries appended so far take. */
    public abstract long byteSize();

    public abstract ColumnVector build();

    abstract int capacity();

    abstract void ensure(int n);

    /** Appends a placeholder value for a null (the mask is already set). */
    abstract void appendDefault();

    final void markNotNull() {
      if (nulls != null && nulls.length > size) {
        nulls[size] = false;
      }
    }

    final boolean @Nullable [] takeNulls() {
      if (nulls != null && nulls.length < size) {
        nulls = Arrays.copyOf(nulls, size);
      }
      return nulls;
    }

    static int grow(int current, int needed) {
      long n = Math.max((long) needed, current + (current >> 1) + 16L);
      if (n > Integer.MAX_VALUE - 16) {
        if (needed > Integer.MAX_VALUE - 16) {
          throw new IllegalStateException("a column vector cannot hold " + needed + " entries");
        }
        n = Integer.MAX_VALUE - 16;
      }
      return (int) n;
    }
  }

  /** A builder for a vector of {@code field}'s type. */
  public static Builder builder(BatchField field, int expectedRows) {
    ColumnType t = field.type();
    if (t == ColumnType.BOOLEAN) {
      return new BooleanColumn.Builder(expectedRows);
    } else if (t.isIntStored()) {
      return new IntColumn.Builder(expectedRows);
    } else if (t.isLongStored()) {
      return new LongColumn.Builder(expectedRows);
    } else if (t == ColumnType.FLOAT) {
      return new FloatColumn.Builder(expectedRows);
    } else if (t == ColumnType.DOUBLE) {
      return new DoubleColumn.Builder(expectedRows);
    } else if (t.isBinaryStored()) {
      return new BinaryColumn.Builder(expectedRows, expectedRows * 16);
    } else if (t == ColumnType.LIST) {
      return new ListColumn.Builder(field.elementType(), expectedRows);
    }
    throw new IllegalArgumentException("no vector for " + field);
  }

  /** The vector class that holds {@code field}'s values. */
  public static Class<? extends ColumnVector> vectorClass(BatchField field) {
    ColumnType t = field.type();
    if (t == ColumnType.BOOLEAN) {
      return BooleanColumn.class;
    } else if (t.isIntStored()) {
      return IntColumn.class;
    } else if (t.isLongStored()) {
      return LongColumn.class;
    } else if (t == ColumnType.FLOAT) {
      return FloatColumn.class;
    } else if (t == ColumnType.DOUBLE) {
      return DoubleColumn.class;
    } else if (t.isBinaryStored()) {
      return BinaryColumn.class;
    }
    return ListColumn.class;
  }
}
