package dev.sediment.io.parquet;

import dev.sediment.io.batch.BatchField;
import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.BinaryColumn;
import dev.sediment.io.batch.BooleanColumn;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnType;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.io.batch.DoubleColumn;
import dev.sediment.io.batch.FloatColumn;
import dev.sediment.io.batch.IntColumn;
import dev.sediment.io.batch.ListColumn;
import dev.sediment.io.batch.LongColumn;
import dev.sediment.schemas.ErrorType;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;
import org.apache.parquet.VersionParser;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads a Parquet file into {@link ColumnBatch}es, decoding each column chunk straight into the
 * batch's vectors with parquet-java's column API: no record object per row.
 *
 * <pre>{@code
 * try (ParquetBatchReader r = ParquetBatchReader.open(LocalParquetFile.of(path), path.toUri().toString())) {
 *   r.rowGroups(0, r.rowGroupCount()); // or a range, to split a file between workers
 *   for (ColumnBatch b = r.next(); b != null; b = r.next()) { ... }
 * }
 * }</pre>
 *
 * <p>Types are mapped as {@link ParquetBatchSchema} says; a column a batch cannot hold (unsigned
 * integers, maps, structs) is a {@link ParquetColumnException} naming the file and column, unless
 * it is left out by asking for a {@link BatchSchema} without it. Dictionary pages are decoded into
 * the vectors (strings are copied into the column's buffer). Every row carries the file's source
 * URI and its 0-based ordinal in the file.
 *
 * <p>Guarantees: the footer is checked by {@link ParquetFooterGuard} before parquet-java decodes
 * it, and each row group's page headers by {@link ParquetPageGuard} before it is read, so a file
 * that lies about its sizes is a {@link CorruptFooterException} or {@link CorruptPageException},
 * never an {@code OutOfMemoryError}; a column chunk that holds fewer values than its rows, or a
 * list whose levels make no sense, is an {@link IOException} naming the row group, never an endless
 * loop. A null list element is a {@link ParquetColumnException} ({@link ErrorType#TYPE_MISMATCH})
 * naming its row. Memory is one row group's compressed pages (the requested columns only) plus one
 * batch; batches are cut at {@code maxRows} rows or about {@code maxBytes} bytes (the row count
 * of each batch is planned from the bytes per row seen so far, first from the column chunk sizes).
 * Beam-free.
 */
public final class ParquetBatchReader implements Closeable {
  private static final long JULIAN_EPOCH_DAY = 2_440_588L;
  private static final long NANOS_PER_DAY = 86_400_000_000_000L;
  private static final int MAX_BUFFER = Integer.MAX_VALUE - 16;

  private final String name;
  private final String source;
  private final ParquetFileReader reader;
  private final ParquetPageGuard guard;
  private final List<BlockMetaData> blocks;
  private final long[] firstRows;
  private final List<ParquetBatchSchema.Column> columns;
  private final BatchSchema schema;
  private final List<String> sources;
  private final VersionParser.@Nullable ParsedVersion version;

  private int maxRows = ColumnBatch.DEFAULT_MAX_ROWS;
  private long maxBytes = ColumnBatch.DEFAULT_MAX_BYTES;
  private @Nullable LongPredicate rowFilter;

  private int nextGroup;
  private int endGroup;
  private @Nullable PageReadStore store;
  private ColumnReader[] readers = new ColumnReader[0];
  private @Nullable PageColumn[] pageColumns = new PageColumn[0];
  private long[] consumed = new long[0];
  private int group = -1;
  private long groupRowsLeft;
  private long nextRow;
  private double bytesPerRow;

  private ParquetBatchReader(
      InputFile file, String source, ParquetFileReader reader, @Nullable BatchSchema target)
      throws IOException {
    this.name = file.toString();
    this.source = source;
    this.reader = reader;
    this.sources = List.of(source);
    MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
    this.columns = ParquetBatchSchema.columns(fileSchema, name, target);
    List<BatchField> fields = new ArrayList<>();
    List<Type> requested = new ArrayList<>();
    for (ParquetBatchSchema.Column c : columns) {
      fields.add(c.field);
      requested.add(fileSchema.getType(c.descriptor.getPath()[0]));
    }
    this.schema = BatchSchema.of(fields);
    reader.setRequestedSchema(new MessageType(fileSchema.getName(), requested));
    this.blocks = reader.getRowGroups();
    this.firstRows = new long[blocks.size() + 1];
    for (int i = 0; i < blocks.size(); i++) {
      firstRows[i + 1] = firstRows[i] + blocks.get(i).getRowCount();
    }
    this.guard = new ParquetPageGuard(file, blocks);
    VersionParser.ParsedVersion v;
    try {
      v = VersionParser.parse(reader.getFooter().getFileMetaData().getCreatedBy());
    } catch (VersionParser.VersionParseException | RuntimeException e) {
      v = null; // as parquet-java's own ColumnReadStoreImpl does for unknown writers
    }
    this.version = v;
    this.endGroup = blocks.size();
  }

  /** Opens {@code file} to read all its columns; {@code source} names it in every row (its URI). */
  public static ParquetBatchReader open(InputFile file, String source) throws IOException {
    return open(file, source, null);
  }

  /**
   * Opens {@code file} to read the columns of {@code target} (null: all of the file's), in its
   * order. Each must be in the file with the same type; a column required in the file may be
   * nullable in {@code target}, not the reverse. Other columns of the file are not read.
   *
   * @throws CorruptFooterException if the footer cannot be trusted
   * @throws ParquetColumnException if a column cannot be read into a batch or differs from target
   * @throws IOException if the file cannot be read
   */
  public static ParquetBatchReader open(
      InputFile file, String source, @Nullable BatchSchema target) throws IOException {
    ParquetFooterGuard.check(file);
    ParquetFileReader r;
    try {
      r = ParquetFileReader.open(file);
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + ": the Parquet footer cannot be decoded: " + e, e);
    }
    try {
      return new ParquetBatchReader(file, source, r, target);
    } catch (IOException e) {
      r.close();
      throw e;
    } catch (RuntimeException e) {
      r.close();
      throw new IOException(file + ": the Parquet schema cannot be read: " + e, e);
    }
  }

  /** Cuts batches at {@code maxRows} rows or about {@code maxBytes} bytes; default 65,536 and 8 MiB. */
  public ParquetBatchReader withBatchLimits(int maxRows, long maxBytes) {
    if (maxRows < 1 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "maxRows and maxBytes must be positive, were " + maxRows + " and " + maxBytes);
    }
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
    return this;
  }

  /** Keeps only the rows whose 0-based index in the file passes {@code keep}; default all. */
  public ParquetBatchReader withRowFilter(LongPredicate keep) {
    this.rowFilter = keep;
    return this;
  }

  /** Reads row groups {@code [from, to)} from here on; default all of them. */
  public ParquetBatchReader rowGroups(int from, int to) {
    if (from < 0 || to > blocks.size() || from > to) {
      throw new IndexOutOfBoundsException(
          "row groups [" + from + ", " + to + ") of " + blocks.size() + " in " + name);
    }
    nextGroup = from;
    endGroup = to;
    nextRow = firstRows[from];
    store = null;
    groupRowsLeft = 0;
    return this;
  }

  public BatchSchema schema() {
    return schema;
  }

  public int rowGroupCount() {
    return blocks.size();
  }

  /** The rows of row group {@code g}. */
  public long rowCount(int g) {
    return blocks.get(g).getRowCount();
  }

  /** The rows of the file. */
  public long rowCount() {
    return firstRows[blocks.size()];
  }

  /** The 0-based index in the file of row group {@code g}'s first row. */
  public long firstRow(int g) {
    return firstRows[g];
  }

  /** The compressed bytes of row group {@code g}'s column chunks (what reading it fetches). */
  public long compressedBytes(int g) {
    long n = 0;
    for (ColumnChunkMetaData c : blocks.get(g).getColumns()) {
      n += c.getTotalSize();
    }
    return n;
  }

  /** The 0-based index in the file of the next row {@link #next} decodes. */
  public long position() {
    return nextRow;
  }

  /** The next batch of the selected row groups, or null at their end. */
  public @Nullable ColumnBatch next() throws IOException {
    while (true) {
      if (store == null || groupRowsLeft == 0) {
        if (nextGroup >= endGroup) {
          store = null;
          return null;
        }
        int g = nextGroup++;
        try {
          openGroup(g);
        } catch (CorruptPageException | ParquetColumnException e) {
          throw e;
        } catch (IOException e) {
          throw e.getMessage() != null && e.getMessage().startsWith(name)
              ? e
              : new IOException(name + ": row group " + g + " cannot be read: " + e, e);
        }
        continue;
      }
      int n = planRows();
      ColumnBatch b;
      try {
        b = decode(n);
      } catch (ParquetColumnException e) {
        throw e;
      } catch (IOException e) {
        throw e.getMessage() != null && e.getMessage().startsWith(name)
            ? e
            : new IOException(
                name + ": row group " + group + " cannot be decoded near row " + nextRow + ": " + e,
                e);
      } catch (RuntimeException e) {
        throw new IOException(
            name + ": row group " + group + " cannot be decoded near row " + nextRow + ": " + e, e);
      }
      nextRow += n;
      groupRowsLeft -= n;
      bytesPerRow = Math.max(1.0, (double) b.byteSize() / n);
      if (groupRowsLeft == 0) {
        store = null; // let the row group's pages go
      }
      LongPredicate keep = rowFilter;
      if (keep != null) {
        boolean[] mask = new boolean[n];
        for (int i = 0; i < n; i++) {
          mask[i] = keep.test(b.rowIndex(i));
        }
        b = b.filter(mask);
        if (b.rowCount() == 0) {
          continue;
        }
      }
      return b;
    }
  }

  private void openGroup(int g) throws IOException {
    store = null;
    group = g;
    nextRow = firstRows[g];
    groupRowsLeft = blocks.get(g).getRowCount();
    if (groupRowsLeft == 0) {
      return;
    }
    guard.checkRowGroup(g);
    PageReadStore s;
    try {
      s = reader.readRowGroup(g);
    } catch (RuntimeException e) {
      throw new IOException(name + ": row group " + g + " cannot be read: " + e, e);
    }
    if (s == null || s.getRowCount() != groupRowsLeft) {
      throw new IOException(name + ": row group " + g + " cannot be read");
    }
    readers = new ColumnReader[columns.size()];
    pageColumns = new PageColumn[columns.size()];
    consumed = new long[columns.size()];
    long estimate = 0;
    for (int c = 0; c < readers.length; c++) {
      ParquetBatchSchema.Column col = columns.get(c);
      ColumnChunkMetaData chunk = null;
      for (ColumnChunkMetaData m : blocks.get(g).getColumns()) {
        if (Arrays.equals(m.getPath().toArray(), col.descriptor.getPath())) {
          chunk = m;
        }
      }
      if (chunk == null) {
        throw new IOException(name + ": row group " + g + " lacks column '" + col.path() + "'");
      }
      estimate += chunk.getTotalUncompressedSize();
      long values;
      try {
        PageReader pages = s.getPageReader(col.descriptor);
        values = pages.getTotalValueCount();
        if (PageColumn.handles(col, chunk)) {
          pageColumns[c] = new PageColumn(name, col, pages);
        } else {
          readers[c] = new ColumnReaderImpl(col.descriptor, pages, NoConverter.INSTANCE, version);
          values = readers[c].getTotalValueCount();
        }
      } catch (RuntimeException e) {
        throw new IOException(
            name + ": column '" + col.path() + "' of row group " + g + " cannot be read: " + e, e);
      }
      if (col.isList() ? values < groupRowsLeft : values != groupRowsLeft) {
        throw new IOException(
            name
                + ": column '"
                + col.path()
                + "' of row group "
                + g
                + " holds "
                + values
                + " values for "
                + groupRowsLeft
                + " rows");
      }
    }
    if (bytesPerRow == 0) {
      bytesPerRow = Math.max(1.0, (double) estimate / groupRowsLeft);
    }
    store = s;
  }

  private int planRows() {
    long byBytes = (long) Math.max(1, maxBytes / bytesPerRow);
    return (int) Math.max(1, Math.min(Math.min(maxRows, groupRowsLeft), byBytes));
  }

  private ColumnBatch decode(int n) throws IOException {
    ColumnVector[] out = new ColumnVector[columns.size()];
    for (int c = 0; c < out.length; c++) {
      out[c] = decodeColumn(c, n);
    }
    long[] rowIndex = new long[n];
    for (int i = 0; i < n; i++) {
      rowIndex[i] = nextRow + i;
    }
    return new ColumnBatch(schema, n, out, sources, null, rowIndex, null, null);
  }

  private ColumnVector decodeColumn(int c, int n) throws IOException {
    ParquetBatchSchema.Column col = columns.get(c);
    PageColumn pc = pageColumns[c];
    if (pc != null) {
      return pc.read(n, nextRow);
    }
    ColumnReader r = readers[c];
    if (col.isList()) {
      return decodeList(c, col, r, n);
    }
    consumed[c] += n;
    int maxDef = col.maxDef();
    ColumnType t = col.field.type();
    switch (col.physical) {
      case BOOLEAN:
        {
          boolean[] v = new boolean[n];
          boolean[] nulls = null;
          for (int i = 0; i < n; i++) {
            if (maxDef == 0 || r.getCurrentDefinitionLevel() == maxDef) {
              v[i] = r.getBoolean();
            } else {
              nulls = setNull(nulls, n, i);
            }
            r.consume();
          }
          return new BooleanColumn(v, nulls, n);
        }
      case INT32:
        if (t == ColumnType.DECIMAL) {
          return decimalFromLongs(r, maxDef, n, true);
        } else if (col.widen) {
          long[] v = new long[n];
          boolean[] nulls = null;
          for (int i = 0; i < n; i++) {
            if (maxDef == 0 || r.getCurrentDefinitionLevel() == maxDef) {
              v[i] = r.getInteger();
            } else {
              nulls = setNull(nulls, n, i);
            }
            r.consume();
          }
          return new LongColumn(v, nulls, n);
        } else {
          int[] v = new int[n];
          boolean[] nulls = null;
          if (maxDef == 0) {
            for (int i = 0; i < n; i++) {
              v[i] = r.getInteger();
              r.consume();
            }
          } else {
            for (int i = 0; i < n; i++) {
              if (r.getCurrentDefinitionLevel() == maxDef) {
                v[i] = r.getInteger();
              } else {
                nulls = setNull(nulls, n, i);
              }
              r.consume();
            }
          }
          return new IntColumn(v, nulls, n);
        }
      case INT64:
        if (t == ColumnType.DECIMAL) {
          return decimalFromLongs(r, maxDef, n, false);
        } else {
          long[] v = new long[n];
          boolean[] nulls = null;
          if (maxDef == 0) {
            for (int i = 0; i < n; i++) {
              v[i] = r.getLong();
              r.consume();
            }
          } else {
            for (int i = 0; i < n; i++) {
              if (r.getCurrentDefinitionLevel() == maxDef) {
                v[i] = r.getLong();
              } else {
                nulls = setNull(nulls, n, i);
              }
              r.consume();
            }
          }
          return new LongColumn(v, nulls, n);
        }
      case INT96:
        {
          long[] v = new long[n];
          boolean[] nulls = null;
          for (int i = 0; i < n; i++) {
            if (maxDef == 0 || r.getCurrentDefinitionLevel() == maxDef) {
              v[i] = int96Nanos(r.getBinary(), col, nextRow + i);
            } else {
              nulls = setNull(nulls, n, i);
            }
            r.consume();
          }
          return new LongColumn(v, nulls, n);
        }
      case FLOAT:
        {
          float[] v = new float[n];
          boolean[] nulls = null;
          for (int i = 0; i < n; i++) {
            if (maxDef == 0 || r.getCurrentDefinitionLevel() == maxDef) {
              v[i] = r.getFloat();
            } else {
              nulls = setNull(nulls, n, i);
            }
            r.consume();
          }
          return new FloatColumn(v, nulls, n);
        }
      case DOUBLE:
        {
          double[] v = new double[n];
          boolean[] nulls = null;
          if (maxDef == 0) {
            for (int i = 0; i < n; i++) {
              v[i] = r.getDouble();
              r.consume();
            }
          } else {
            for (int i = 0; i < n; i++) {
              if (r.getCurrentDefinitionLevel() == maxDef) {
                v[i] = r.getDouble();
              } else {
                nulls = setNull(nulls, n, i);
              }
              r.consume();
            }
          }
          return new DoubleColumn(v, nulls, n);
        }
      case BINARY:
      case FIXED_LEN_BYTE_ARRAY:
        return decodeBinary(col, r, maxDef, n, t == ColumnType.DECIMAL);
      default:
        throw new IllegalStateException("unexpected physical type " + col.physical);
    }
  }

  private ColumnVector decodeBinary(
      ParquetBatchSchema.Column col, ColumnReader r, int maxDef, int n, boolean decimal)
      throws IOException {
    int[] offsets = new int[n + 1];
    byte[] data = new byte[(int) Math.min(MAX_BUFFER, Math.max(64, (long) n * 16))];
    boolean[] nulls = null;
    int pos = 0;
    for (int i = 0; i < n; i++) {
      if (maxDef == 0 || r.getCurrentDefinitionLevel() == maxDef) {
        Binary b = r.getBinary();
        int len = b.length();
        if (len > data.length - pos) {
          long need = (long) pos + Math.max(len, 1);
          if (need > MAX_BUFFER) {
            throw new IOException(
                name
                    + ": column '"
                    + col.path()
                    + "' holds more than 2 GiB of bytes in "
                    + n
                    + " rows near row "
                    + nextRow);
          }
          data = Arrays.copyOf(data, (int) Math.min(MAX_BUFFER, Math.max(need, 2L * data.length)));
        }
        ByteBuffer bb = b.toByteBuffer();
        bb.get(data, pos, len);
        if (decimal) {
          len = canonicalDecimal(data, pos, len);
        }
        pos += len;
      } else {
        nulls = setNull(nulls, n, i);
      }
      offsets[i + 1] = pos;
      r.consume();
    }
    return new BinaryColumn(offsets, data, nulls, n);
  }

  /**
   * Rewrites the big-endian two's complement {@code data[pos, pos + len)} in its shortest form (as
   * {@code BigInteger.toByteArray}), so equal decimals have equal bytes whatever their Parquet
   * backing; an empty value is zero. Returns the new length.
   */
  static int canonicalDecimal(byte[] data, int pos, int len) {
    if (len == 0) {
      data[pos] = 0;
      return 1;
    }
    int k = 0;
    while (k < len - 1
        && ((data[pos + k] == 0 && data[pos + k + 1] >= 0)
            || (data[pos + k] == -1 && data[pos + k + 1] < 0))) {
      k++;
    }
    if (k > 0) {
      System.arraycopy(data, pos + k, data, pos, len - k);
    }
    return len - k;
  }

  /** A DECIMAL stored as INT32 or INT64, as the shortest big-endian two's complement. */
  private static BinaryColumn decimalFromLongs(ColumnReader r, int maxDef, int n, boolean int32) {
    int[] offsets = new int[n + 1];
    byte[] data = new byte[n * (int32 ? 4 : 8)];
    boolean[] nulls = null;
    int pos = 0;
    for (int i = 0; i < n; i++) {
      if (maxDef == 0 || r.getCurrentDefinitionLevel() == maxDef) {
        long v = int32 ? r.getInteger() : r.getLong();
        pos = putMinimal(v, data, pos);
      } else {
        nulls = setNull(nulls, n, i);
      }
      offsets[i + 1] = pos;
      r.consume();
    }
    return new BinaryColumn(offsets, data, nulls, n);
  }

  /** Writes {@code v} as its shortest big-endian two's complement; returns the position after. */
  static int putMinimal(long v, byte[] out, int pos) {
    int bits = 65 - Long.numberOfLeadingZeros(v ^ (v >> 63));
    int bytes = (bits + 7) / 8;
    for (int k = bytes - 1; k >= 0; k--) {
      out[pos++] = (byte) (v >>> (8 * k));
    }
    return pos;
  }

  private long int96Nanos(Binary b, ParquetBatchSchema.Column col, long row)
      throws ParquetColumnException {
    if (b.length() != 12) {
      throw new ParquetColumnException(
          name, col.path(), row, ErrorType.TYPE_MISMATCH, "holds an INT96 value of " + b.length() + " bytes, not 12");
    }
    ByteBuffer bb = b.toByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    long nanosOfDay = bb.getLong(bb.position());
    long julianDay = bb.getInt(bb.position() + 8);
    try {
      return Math.addExact(Math.multiplyExact(julianDay - JULIAN_EPOCH_DAY, NANOS_PER_DAY), nanosOfDay);
    } catch (ArithmeticException e) {
      throw new ParquetColumnException(
          name,
          col.path(),
          row,
          ErrorType.VALUE_OUT_OF_RANGE,
          "holds an INT96 timestamp (Julian day "
              + julianDay
              + ") outside the nanoseconds a long holds (years 1677 to 2262)");
    }
  }

  private ColumnVector decodeList(int c, ParquetBatchSchema.Column col, ColumnReader r, int n)
      throws IOException {
    int maxDef = col.maxDef();
    int emptyDef = col.emptyListDef;
    long total = r.getTotalValueCount();
    int[] offsets = new int[n + 1];
    boolean[] nulls = null;
    ColumnType e = col.field.elementType();
    int[] ints = e == ColumnType.INT32 ? new int[Math.max(16, n)] : null;
    long[] longs = e == ColumnType.INT64 ? new long[Math.max(16, n)] : null;
    float[] floats = e == ColumnType.FLOAT ? new float[Math.max(16, n)] : null;
    double[] doubles = e == ColumnType.DOUBLE ? new double[Math.max(16, n)] : null;
    int count = 0;
    long done = consumed[c];
    for (int i = 0; i < n; i++) {
      if (done >= total) {
        throw new IOException(
            name
                + ": list column '"
                + col.path()
                + "' of row group "
                + group
                + " ends before row "
                + (nextRow + i));
      }
      if (r.getCurrentRepetitionLevel() != 0) {
        throw new IOException(
            name + ": list column '" + col.path() + "' does not start row " + (nextRow + i)
                + " with repetition level 0");
      }
      int def = r.getCurrentDefinitionLevel();
      if (def <= emptyDef) {
        if (def < emptyDef) {
          nulls = setNull(nulls, n, i);
        }
        r.consume();
        done++;
      } else {
        do {
          if (r.getCurrentDefinitionLevel() < maxDef) {
            throw new ParquetColumnException(
                name,
                col.field.name(),
                nextRow + i,
                ErrorType.TYPE_MISMATCH,
                "holds a list whose element " + (count - offsets[i]) + " is null; list elements"
                    + " must not be null (leave the column out or fill the nulls)");
          }
          if (count == MAX_BUFFER) {
            throw new IOException(name + ": list column '" + col.path() + "' holds too many elements");
          }
          if (ints != null) {
            if (count == ints.length) {
              ints = Arrays.copyOf(ints, grow(count));
            }
            ints[count++] = r.getInteger();
          } else if (longs != null) {
            if (count == longs.length) {
              longs = Arrays.copyOf(longs, grow(count));
            }
            longs[count++] = r.getLong();
          } else if (floats != null) {
            if (count == floats.length) {
              floats = Arrays.copyOf(floats, grow(count));
            }
            floats[count++] = r.getFloat();
          } else {
            if (count == doubles.length) {
              doubles = Arrays.copyOf(doubles, grow(count));
            }
            doubles[count++] = r.getDouble();
          }
          r.consume();
          done++;
        } while (done < total && r.getCurrentRepetitionLevel() != 0);
      }
      offsets[i + 1] = count;
    }
    consumed[c] = done;
    ColumnVector elements =
        ints != null
            ? new IntColumn(ints, null, count)
            : longs != null
                ? new LongColumn(longs, null, count)
                : floats != null
                    ? new FloatColumn(floats, null, count)
                    : new DoubleColumn(doubles, null, count);
    return new ListColumn(offsets, elements, nulls, n);
  }

  private static int grow(int n) {
    return (int) Math.min(MAX_BUFFER, Math.max(16L, n + (long) (n >> 1)));
  }

  private static boolean[] setNull(boolean @Nullable [] nulls, int n, int i) {
    boolean[] m = nulls == null ? new boolean[n] : nulls;
    m[i] = true;
    return m;
  }

  @Override
  public void close() throws IOException {
    store = null;
    try {
      guard.close();
    } finally {
      reader.close();
    }
  }

  /** The column readers are asked for values directly; nothing is pushed to a converter. */
  private static final class NoConverter extends PrimitiveConverter {
    static final NoConverter INSTANCE = new NoConverter();
  }
}
