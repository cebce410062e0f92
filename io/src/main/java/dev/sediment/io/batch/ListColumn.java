package dev.sediment.io.batch;

import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A vector of lists of numbers (seismic samples, for example): entry {@code i} is elements
 * {@code [offsets[i], offsets[i + 1])} of one child vector ({@link IntColumn}, {@link
 * LongColumn}, {@link FloatColumn} or {@link DoubleColumn}, without nulls).
 */
public final class ListColumn extends ColumnVector {
  private final int[] offsets;
  private final ColumnVector elements;

  public ListColumn(int[] offsets, ColumnVector elements, boolean @Nullable [] nulls, int size) {
    super(size, nulls);
    if (offsets.length < size + 1) {
      throw new IllegalArgumentException(offsets.length + " offsets for " + size + " rows");
    }
    if (offsets[0] < 0 || offsets[size] > elements.size()) {
      throw new IllegalArgumentException(
          "offsets [" + offsets[0] + ", " + offsets[size] + "] outside " + elements.size()
              + " elements");
    }
    if (elements.hasNulls() || elements instanceof BinaryColumn || elements instanceof ListColumn
        || elements instanceof BooleanColumn) {
      throw new IllegalArgumentException("list elements are non-null numbers");
    }
    this.offsets = offsets;
    this.elements = elements;
  }

  public int start(int i) {
    return offsets[i];
  }

  public int length(int i) {
    return offsets[i + 1] - offsets[i];
  }

  /** The child vector all lists share. */
  public ColumnVector elements() {
    return elements;
  }

  public int[] offsets() {
    return offsets;
  }

  @Override
  public ListColumn gather(int[] rows, int n) {
    long total = 0;
    for (int i = 0; i < n; i++) {
      total += length(rows[i]);
    }
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("gathered lists of " + total + " elements do not fit a vector");
    }
    int[] idx = new int[(int) total];
    int[] offs = new int[n + 1];
    int pos = 0;
    for (int i = 0; i < n; i++) {
      int r = rows[i];
      for (int k = offsets[r]; k < offsets[r + 1]; k++) {
        idx[pos++] = k;
      }
      offs[i + 1] = pos;
    }
    return new ListColumn(offs, elements.gather(idx, pos), gatherNulls(rows, n), n);
  }

  @Override
  public long byteSize() {
    return elements.byteSize() * (offsets[size] - offsets[0]) / Math.max(1, elements.size())
        + 4L * (size + 1)
        + (hasNulls() ? size : 0);
  }

  @Override
  boolean sameValue(int i, ColumnVector other, int j) {
    ListColumn o = (ListColumn) other;
    int len = length(i);
    if (len != o.length(j) || elements.getClass() != o.elements.getClass()) {
      return false;
    }
    for (int k = 0; k < len; k++) {
      if (!elements.sameValue(offsets[i] + k, o.elements, o.offsets[j] + k)) {
        return false;
      }
    }
    return true;
  }

  /** Builds a {@link ListColumn}. */
  public static final class Builder extends ColumnVector.Builder {
    private final ColumnType elementType;
    private final ColumnVector.Builder elements;
    private int[] offsets;

    public Builder(ColumnType elementType, int expectedRows) {
      if (!elementType.isListElement()) {
        throw new IllegalArgumentException("lists hold INT32, INT64, FLOAT or DOUBLE, not " + elementType);
      }
      this.elementType = elementType;
      this.elements = ColumnVector.builder(BatchField.of("element", elementType, false), expectedRows);
      this.offsets = new int[Math.max(expectedRows, 16) + 1];
    }

    public void appendInts(int[] v, int from, int length) {
      checkType(ColumnType.INT32);
      IntColumn.Builder b = (IntColumn.Builder) elements;
      for (int k = 0; k < length; k++) {
        b.append(v[from + k]);
      }
      close();
    }

    public void appendLongs(long[] v, int from, int length) {
      checkType(ColumnType.INT64);
      LongColumn.Builder b = (LongColumn.Builder) elements;
      for (int k = 0; k < length; k++) {
        b.append(v[from + k]);
      }
      close();
    }

    public void appendFloats(float[] v, int from, int length) {
      checkType(ColumnType.FLOAT);
      FloatColumn.Builder b = (FloatColumn.Builder) elements;
      for (int k = 0; k < length; k++) {
        b.append(v[from + k]);
      }
      close();
    }

    public void appendDoubles(double[] v, int from, int length) {
      checkType(ColumnType.DOUBLE);
      DoubleColumn.Builder b = (DoubleColumn.Builder) elements;
      for (int k = 0; k < length; k++) {
        b.append(v[from + k]);
      }
      close();
    }

    private void checkType(ColumnType t) {
      if (t != elementType) {
        throw new IllegalArgumentException("this list column holds " + elementType + ", not " + t);
      }
    }

    private void close() {
      if (size + 1 >= offsets.length) {
        ensure(size + 1);
      }
      markNotNull();
      offsets[++size] = elements.size();
    }

    @Override
    public void appendFrom(ColumnVector source, int row) {
      if (source.isNull(row)) {
        appendNull();
        return;
      }
      ListColumn s = (ListColumn) source;
      for (int k = s.offsets[row]; k < s.offsets[row + 1]; k++) {
        elements.appendFrom(s.elements, k);
      }
      close();
    }

    @Override
    public void truncate(int n) {
      super.truncate(n);
      elements.truncate(offsets[n]);
    }

    @Override
    public long byteSize() {
      return elements.byteSize() + 4L * size;
    }

    @Override
    public ListColumn build() {
      return new ListColumn(offsets, elements.build(), takeNulls(), size);
    }

    @Override
    int capacity() {
      return offsets.length - 1;
    }

    @Override
    void ensure(int n) {
      if (n + 1 > offsets.length) {
        offsets = Arrays.copyOf(offsets, grow(offsets.length, n + 1));
      }
    }

    @Override
    void appendDefault() {
      offsets[size + 1] = offsets[size];
      size++;
    }
  }
}
