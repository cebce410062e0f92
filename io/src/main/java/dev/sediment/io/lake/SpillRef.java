package dev.sediment.io.lake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Comparator;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Where {@link WriteBatches} spilled one segment of rows: the rows of one input batch that share a
 * partition directory, a source and a block of {@code blockRows} row indexes, in (row index, value
 * bytes) order, encoded by {@code ColumnBatchCoder} at {@code [offset, offset + length)} of {@code
 * file}. Only these references go through the shuffle; the rows stay in the spill file.
 */
final class SpillRef {
  /** (source, first row, last row), then the place in the spill files: a total order. */
  static final Comparator<SpillRef> IN_ROW_ORDER =
      Comparator.comparing((SpillRef r) -> r.source)
          .thenComparingLong(r -> r.firstRow)
          .thenComparingLong(r -> r.lastRow)
          .thenComparingInt(r -> r.rows)
          .thenComparing(r -> r.file)
          .thenComparingLong(r -> r.offset);

  final String directory;
  final String source;
  final long block;
  final long firstRow;
  final long lastRow;
  final int rows;
  final long rowBytes;
  final String file;
  final long offset;
  final long length;

  SpillRef(
      String directory,
      String source,
      long block,
      long firstRow,
      long lastRow,
      int rows,
      long rowBytes,
      String file,
      long offset,
      long length) {
    this.directory = directory;
    this.source = source;
    this.block = block;
    this.firstRow = firstRow;
    this.lastRow = lastRow;
    this.rows = rows;
    this.rowBytes = rowBytes;
    this.file = file;
    this.offset = offset;
    this.length = length;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof SpillRef)) {
      return false;
    }
    SpillRef r = (SpillRef) o;
    return directory.equals(r.directory)
        && source.equals(r.source)
        && block == r.block
        && firstRow == r.firstRow
        && lastRow == r.lastRow
        && rows == r.rows
        && rowBytes == r.rowBytes
        && file.equals(r.file)
        && offset == r.offset
        && length == r.length;
  }

  @Override
  public int hashCode() {
    return Objects.hash(directory, source, block, firstRow, lastRow, rows, rowBytes, file, offset, length);
  }

  @Override
  public String toString() {
    return String.format(
        "%s rows [%d, %d] of %s (%d rows) in %s@%d+%d",
        directory, firstRow, lastRow, source, rows, file, offset, length);
  }

  /** A deterministic coder of the fields, in order. */
  static final class Coder extends AtomicCoder<SpillRef> {
    private static final Coder INSTANCE = new Coder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();
    private static final VarLongCoder LONG = VarLongCoder.of();
    private static final VarIntCoder INT = VarIntCoder.of();

    static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(SpillRef r, OutputStream out) throws IOException {
      STRING.encode(r.directory, out);
      STRING.encode(r.source, out);
      LONG.encode(r.block, out);
      LONG.encode(r.firstRow, out);
      LONG.encode(r.lastRow, out);
      INT.encode(r.rows, out);
      LONG.encode(r.rowBytes, out);
      STRING.encode(r.file, out);
      LONG.encode(r.offset, out);
      LONG.encode(r.length, out);
    }

    @Override
    public SpillRef decode(InputStream in) throws IOException {
      return new SpillRef(
          STRING.decode(in),
          STRING.decode(in),
          LONG.decode(in),
          LONG.decode(in),
          LONG.decode(in),
          INT.decode(in),
          LONG.decode(in),
          STRING.decode(in),
          LONG.decode(in),
          LONG.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
