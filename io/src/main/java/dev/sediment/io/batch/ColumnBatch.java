package dev.sediment.io.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Many rows of one {@link BatchSchema} as one column vector per column: the element that moves
 * table data between Sediment's stages instead of one record object per row.
 *
 * <p>Each row also keeps where it came from: its source (a file URI), its 0-based {@code
 * rowIndex} in that source (as Iceberg's {@code _pos}), and, when the format has them, the byte
 * offset where the record starts and its 1-based line. So a row that fails validation or cannot
 * be placed is quarantined with its file and position even after it was filtered or merged.
 *
 * <p>Batches are immutable. Readers cut them at {@link #DEFAULT_MAX_ROWS} rows or {@link
 * #DEFAULT_MAX_BYTES} bytes, whichever comes first ({@link Builder#isFull()}).
 */
public final class ColumnBatch {
  /** Rows per batch readers aim for. */
  public static final int DEFAULT_MAX_ROWS = 65_536;

  /** Bytes per batch (of column data) readers aim for. */
  public static final long DEFAULT_MAX_BYTES = 8L << 20;

  private final BatchSchema schema;
  private final int rowCount;
  private final ColumnVector[] columns;
  private final List<String> sources;
  private final int @Nullable [] sourceIds;
  private final long[] rowIndex;
  private final long @Nullable [] byteOffsets;
  private final long @Nullable [] lines;

  /**
   * A batch of {@code columns} (one per schema column, each of {@code rowCount} entries and the
   * vector class of its type). {@code sourceIds} picks each row's source from {@code sources}
   * (null: every row is from {@code sources.get(0)}); {@code byteOffsets} and {@code lines} may be
   * null when unknown. The arrays are owned by the batch from here on.
   */
  public ColumnBatch(
      BatchSchema schema,
      int rowCount,
      ColumnVector[] columns,
      List<String> sources,
      int @Nullable [] sourceIds,
      long[] rowIndex,
      long @Nullable [] byteOffsets,
      long @Nullable [] lines) {
    if (columns.length != schema.size()) {
      throw new IllegalArgumentException(
          columns.length + " columns for a schema of " + schema.size());
    }
    for (int c = 0; c < columns.length; c++) {
      BatchField f = schema.field(c);
      if (columns[c].size() != rowCount) {
        throw new IllegalArgumentException(
            "column '" + f.name() + "' has " + columns[c].size() + " entries, not " + rowCount);
      }
      if (columns[c].getClass() != ColumnVector.vectorClass(f)) {
        throw new IllegalArgumentException(
            "column '" + f.name() + "' of type " + f.type() + " is a "
                + columns[c].getClass().getSimpleName());
      }
      if (!f.nullable() && columns[c].hasNulls()) {
        throw new IllegalArgumentException("column '" + f.name() + "' is NOT NULL but holds nulls");
      }
    }
    if (sources.isEmpty() && rowCount > 0) {
      throw new IllegalArgumentException("rows need a source");
    }
    if (sourceIds == null && sources.size() > 1) {
      throw new IllegalArgumentException("several sources need a source id per row");
    }
    checkLength("sourceIds", sourceIds == null ? rowCount : sourceIds.length, rowCount);
    checkLength("rowIndex", rowIndex.length, rowCount);
    checkLength("byteOffsets", byteOffsets == null ? rowCount : byteOffsets.length, rowCount);
    checkLength("lines", lines == null ? rowCount : lines.length, rowCount);
    this.schema = schema;
    this.rowCount = rowCount;
    this.columns = columns;
    this.sources = List.copyOf(sources);
    this.sourceIds = sourceIds;
    this.rowIndex = rowIndex;
    this.byteOffsets = byteOffsets;
    this.lines = lines;
  }

  private static void checkLength(String what, int length, int rowCount) {
    if (length < rowCount) {
      throw new IllegalArgumentException(what + " has " + length + " entries for " + rowCount + " rows");
    }
  }

  public static Builder builder(BatchSchema schema) {
    return new Builder(schema, DEFAULT_MAX_ROWS, DEFAULT_MAX_BYTES);
  }

  /** A builder that reports {@link Builder#isFull()} at {@code maxRows} rows or {@code maxBytes}. */
  public static Builder builder(BatchSchema schema, int maxRows, long maxBytes) {
    return new Builder(schema, maxRows, maxBytes);
  }

  public BatchSchema schema() {
    return schema;
  }

  public int rowCount() {
    return rowCount;
  }

  public ColumnVector column(int i) {
    return columns[i];
  }

  public ColumnVector column(String name) {
    int i = schema.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no column '" + name + "' in " + schema);
    }
    return columns[i];
  }

  /** The distinct sources of this batch's rows. */
  public List<String> sources() {
    return sources;
  }

  /** The source (file URI) of row {@code i}. */
  public String source(int i) {
    return sources.get(sourceIds == null ? 0 : sourceIds[i]);
  }

  /** The index in {@link #sources} of row {@code i}'s source. */
  public int sourceId(int i) {
    return sourceIds == null ? 0 : sourceIds[i];
  }

  /** The 0-based position of row {@code i} in its source. */
  public long rowIndex(int i) {
    return rowIndex[i];
  }

  /** Where row {@code i}'s record starts in its source, or -1 if the format has no offsets. */
  public long byteOffset(int i) {
    return byteOffsets == null ? -1 : byteOffsets[i];
  }

  /** The 1-based line row {@code i}'s record starts on, or -1 if the format has no lines. */
  public long line(int i) {
    return lines == null ? -1 : lines[i];
  }

  public boolean hasByteOffsets() {
    return byteOffsets != null;
  }

  public boolean hasLines() {
    return lines != null;
  }

  int @Nullable [] sourceIds() {
    return sourceIds;
  }

  long[] rowIndexes() {
    return rowIndex;
  }

  long @Nullable [] byteOffsetArray() {
    return byteOffsets;
  }

  long @Nullable [] lineArray() {
    return lines;
  }

  /** About how many bytes the column data takes. */
  public long byteSize() {
    long n = 0;
    for (ColumnVector c : columns) {
      n += c.byteSize();
    }
    return n;
  }

  /**
   * The bytes of the rows' values: fixed widths times rows, plus string and list contents and a
   * 4-byte length per string or list. Unlike {@link #byteSize()}, a sum over rows: the batches of
   * the same rows add up to the same number however the rows are cut, so sizes that decide file
   * layout do not depend on batching.
   */
  public long rowBytes() {
    long n = 0;
    for (int c = 0; c < columns.length; c++) {
      ColumnVector v = columns[c];
      if (v instanceof BinaryColumn) {
        BinaryColumn b = (BinaryColumn) v;
        n += (long) b.offsets()[rowCount] - b.offsets()[0] + 4L * rowCount;
      } else if (v instanceof ListColumn) {
        ListColumn l = (ListColumn) v;
        int elements = l.offsets()[rowCount] - l.offsets()[0];
        n += width(l.elements()) * elements + 4L * rowCount;
      } else {
        n += width(v) * rowCount;
      }
    }
    return n;
  }

  private static long width(ColumnVector v) {
    if (v instanceof LongColumn || v instanceof DoubleColumn) {
      return 8;
    }
    if (v instanceof IntColumn || v instanceof FloatColumn) {
      return 4;
    }
    return 1;
  }

  /** The rows at {@code rows[0..n)}, in that order, with their provenance. */
  public ColumnBatch select(int[] rows, int n) {
    ColumnVector[] out = new ColumnVector[columns.length];
    for (int c = 0; c < columns.length; c++) {
      out[c] = columns[c].gather(rows, n);
    }
    return new ColumnBatch(
        schema,
        n,
        out,
        sources,
        sourceIds == null ? null : gather(sourceIds, rows, n),
        gather(rowIndex, rows, n),
        byteOffsets == null ? null : gather(byteOffsets, rows, n),
        lines == null ? null : gather(lines, rows, n));
  }

  /** Rows {@code [from, to)}. */
  public ColumnBatch slice(int from, int to) {
    if (from < 0 || to > rowCount || from > to) {
      throw new IndexOutOfBoundsException("[" + from + ", " + to + ") of " + rowCount + " rows");
    }
    ColumnVector[] out = new ColumnVector[columns.length];
    for (int c = 0; c < columns.length; c++) {
      out[c] = columns[c].slice(from, to);
    }
    return new ColumnBatch(
        schema,
        to - from,
        out,
        sources,
        sourceIds == null ? null : Arrays.copyOfRange(sourceIds, from, to),
        Arrays.copyOfRange(rowIndex, from, to),
        byteOffsets == null ? null : Arrays.copyOfRange(byteOffsets, from, to),
        lines == null ? null : Arrays.copyOfRange(lines, from, to));
  }

  /** The rows where {@code keep[i]} is true (the first {@link #rowCount()} entries count). */
  public ColumnBatch filter(boolean[] keep) {
    int[] rows = new int[rowCount];
    int n = 0;
    for (int i = 0; i < rowCount; i++) {
      if (keep[i]) {
        rows[n++] = i;
      }
    }
    return n == rowCount ? this : select(rows, n);
  }

  private static int[] gather(int[] a, int[] rows, int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = a[rows[i]];
    }
    return out;
  }

  private static long[] gather(long[] a, int[] rows, int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = a[rows[i]];
    }
    return out;
  }

  /** Equal schema, values (bit for bit) and provenance. */
  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof ColumnBatch)) {
      return false;
    }
    ColumnBatch b = (ColumnBatch) o;
    if (!schema.equals(b.schema) || rowCount != b.rowCount) {
      return false;
    }
    for (int c = 0; c < columns.length; c++) {
      if (!columns[c].equals(b.columns[c])) {
        return false;
      }
    }
    for (int i = 0; i < rowCount; i++) {
      if (!source(i).equals(b.source(i))
          || rowIndex(i) != b.rowIndex(i)
          || byteOffset(i) != b.byteOffset(i)
          || line(i) != b.line(i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return 31 * schema.hashCode() + rowCount;
  }

  @Override
  public String toString() {
    return "ColumnBatch{" + rowCount + " rows of " + schema + " from " + sources + "}";
  }

  /**
   * Builds a batch row by row: append each column's value to {@link #column(int)} (cast to the
   * vector's builder, e.g. {@code (LongColumn.Builder) b.column(2)}), then close the row with
   * {@link #endRow}; or copy whole rows of another batch with {@link #appendRow}.
   */
  public static final class Builder {
    private final BatchSchema schema;
    private final int maxRows;
    private final long maxBytes;
    private final ColumnVector.Builder[] columns;
    private final List<String> sources = new ArrayList<>();
    private final Map<String, Integer> sourceIndex = new HashMap<>();
    private int currentSource = -1;
    private int[] sourceIds;
    private long[] rowIndex;
    private long[] byteOffsets;
    private long[] lines;
    private boolean anyOffset;
    private boolean anyLine;
    private int rows;

    Builder(BatchSchema schema, int maxRows, long maxBytes) {
      if (maxRows < 1 || maxBytes < 1) {
        throw new IllegalArgumentException("maxRows and maxBytes must be positive");
      }
      this.schema = schema;
      this.maxRows = maxRows;
      this.maxBytes = maxBytes;
      int expected = Math.min(maxRows, 1024);
      columns = new ColumnVector.Builder[schema.size()];
      for (int c = 0; c < columns.length; c++) {
        columns[c] = ColumnVector.builder(schema.field(c), expected);
      }
      sourceIds = new int[expected];
      rowIndex = new long[expected];
      byteOffsets = new long[expected];
      lines = new long[expected];
    }

    public BatchSchema schema() {
      return schema;
    }

    /** The builder of column {@code c}. */
    public ColumnVector.Builder column(int c) {
      return columns[c];
    }

    /** The source of the rows that follow. */
    public Builder source(String source) {
      Integer id = sourceIndex.get(source);
      if (id == null) {
        id = sources.size();
        sources.add(source);
        sourceIndex.put(source, id);
      }
      currentSource = id;
      return this;
    }

    /**
     * Closes a row whose values were appended to every column: its 0-based index in the source,
     * and the byte offset and 1-based line where its record starts (-1 when unknown).
     */
    public void endRow(long rowIndexInSource, long byteOffset, long line) {
      if (currentSource < 0) {
        throw new IllegalStateException("call source(uri) before the first row");
      }
      for (ColumnVector.Builder c : columns) {
        if (c.size() != rows + 1) {
          throw new IllegalStateException(
              "row " + rows + ": a column has " + c.size() + " values, not " + (rows + 1));
        }
      }
      closeRow(currentSource, rowIndexInSource, byteOffset, line);
    }

    private void closeRow(int source, long index, long offset, long line) {
      if (rows == rowIndex.length) {
        int n = ColumnVector.Builder.grow(rows, rows + 1);
        sourceIds = Arrays.copyOf(sourceIds, n);
        rowIndex = Arrays.copyOf(rowIndex, n);
        byteOffsets = Arrays.copyOf(byteOffsets, n);
        lines = Arrays.copyOf(lines, n);
      }
      sourceIds[rows] = source;
      rowIndex[rows] = index;
      byteOffsets[rows] = offset;
      lines[rows] = line;
      anyOffset |= offset >= 0;
      anyLine |= line >= 0;
      rows++;
    }

    /**
     * Drops the values appended to the columns since the last {@link #endRow} (or {@link
     * #appendRow}): the row being built turned out bad and is left out of the batch.
     */
    public void rollbackRow() {
      for (ColumnVector.Builder c : columns) {
        if (c.size() > rows) {
          c.truncate(rows);
        }
      }
    }

    /** Appends row {@code row} of {@code batch} (same schema), values and provenance. */
    public void appendRow(ColumnBatch batch, int row) {
      for (int c = 0; c < columns.length; c++) {
        columns[c].appendFrom(batch.columns[c], row);
      }
      source(batch.source(row));
      closeRow(currentSource, batch.rowIndex(row), batch.byteOffset(row), batch.line(row));
    }

    /** Rows closed so far. */
    public int rowCount() {
      return rows;
    }

    /** True once the builder holds the row or byte limit it was made with. */
    public boolean isFull() {
      if (rows >= maxRows) {
        return true;
      }
      if ((rows & 63) != 0) {
        return false;
      }
      long bytes = 0;
      for (ColumnVector.Builder c : columns) {
        bytes += c.byteSize();
      }
      return bytes >= maxBytes;
    }

    /** The batch of the rows closed so far; the builder must not be used afterwards. */
    public ColumnBatch build() {
      ColumnVector[] out = new ColumnVector[columns.length];
      for (int c = 0; c < columns.length; c++) {
        out[c] = columns[c].build();
      }
      boolean oneSource = sources.size() <= 1;
      return new ColumnBatch(
          schema,
          rows,
          out,
          sources,
          oneSource ? null : sourceIds,
          rowIndex,
          anyOffset ? byteOffsets : null,
          anyLine ? lines : null);
    }
  }
}
