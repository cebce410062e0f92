package dev.sediment.io.parquet;

import dev.sediment.io.batch.BatchField;
import dev.sediment.io.batch.BatchSchema;
import dev.sediment.io.batch.ColumnBatch;
import dev.sediment.io.batch.ColumnVector;
import dev.sediment.schemas.ErrorType;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.stream.IntStream;
import org.apache.parquet.VersionParser;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.internal.filter2.columnindex.ColumnIndexStore;
import org.apache.parquet.internal.filter2.columnindex.RowRanges;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads a Parquet file into {@link ColumnBatch}es, decoding each column chunk straight into the
 * batch's vectors: no record object per row. Numeric, string and bytes columns with PLAIN or
 * dictionary pages are decoded a page at a time ({@link PageColumn}); every other shape through
 * parquet-java's {@code ColumnReader} ({@link ReaderColumn}).
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
 * naming its row. Memory is one row group's compressed pages (the requested columns only), or with
 * {@link #withStreamingPages} about a page per column, plus one batch; batches are cut at {@code maxRows} rows or about {@code maxBytes} bytes (the row count
 * of each batch is planned from the bytes per row seen so far, first from the column chunk sizes).
 * Beam-free.
 */
public final class ParquetBatchReader implements Closeable {

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
  private long firstSelected;
  private long endSelected;
  private @Nullable PageReadStore store;
  private ReaderColumn[] readers = new ReaderColumn[0];
  private @Nullable PageColumn[] pageColumns = new PageColumn[0];
  private int group = -1;
  private long groupEnd;
  private int checkedGroup = -1;
  private boolean streaming;
  private final InputFile input;
  private @Nullable CodecFactory codecs;
  private final List<StreamingPageReader> streams = new ArrayList<>();
  private boolean groupOpen;
  private long groupRowsLeft;
  private long nextRow;
  private double bytesPerRow;

  private ParquetBatchReader(
      InputFile file, String source, ParquetFileReader reader, @Nullable BatchSchema target)
      throws IOException {
    this.name = file.toString();
    this.input = file;
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
    this.endSelected = firstRows[blocks.size()];
  }

  /**
   * The batch schema of a file whose Parquet schema is {@code type}, as {@link #schema} gives it
   * when such a file is read whole; {@link ParquetBatchWriter} writes it back as {@code type}.
   *
   * @throws ParquetColumnException if a column cannot be held by a batch
   */
  public static BatchSchema schemaOf(MessageType type) throws ParquetColumnException {
    List<BatchField> fields = new ArrayList<>();
    for (ParquetBatchSchema.Column c : ParquetBatchSchema.columns(type, type.getName(), null)) {
      fields.add(c.field);
    }
    return BatchSchema.of(fields);
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

  /**
   * Reads each column's pages from the file as they are decoded ({@link StreamingPageReader}: a
   * stream and a 64 KiB buffer per column, one page at a time) instead of fetching the row
   * group's column chunks first, so memory holds about one page per column (and its dictionary)
   * whatever the size of the row group, and no page is fetched twice: for a merge that keeps many
   * files open. A range that starts inside a row group starts each flat column at the page that
   * holds its first row (the page headers say where). Default: the pages of a row group (or of
   * the range's rows, with an offset index) fetched at once. Encrypted files are fetched so.
   */
  public ParquetBatchReader withStreamingPages() {
    this.streaming = true;
    return this;
  }

  /**
   * About the most memory {@link #withStreamingPages} holds for row group {@code g} of the columns
   * read, as its page headers say. Each column keeps its current page decoded (at most 12 bytes a
   * value: the value and a dictionary id; or twice the decompressed page, for strings), its
   * dictionary twice (as parquet-java decodes it, and as arrays) and a 64 KiB stream buffer; one
   * page at a time is being decompressed and decoded (its compressed and decompressed bytes and a
   * level per value). Reads every page header of the row group ({@link ParquetPageGuard}).
   *
   * @throws CorruptPageException if a page header cannot be trusted
   */
  public long streamingBytes(int g) throws IOException {
    guard.checkRowGroup(g);
    checkedGroup = g;
    long kept = 0;
    long loading = 0;
    for (ParquetBatchSchema.Column col : columns) {
      ColumnChunkMetaData chunk = chunk(g, col);
      long[] p = chunk == null ? null : guard.pageSizes(chunk);
      if (p != null) {
        kept += Math.max(12 * p[2], 2 * p[0]) + 2 * p[3] + (64 << 10);
        loading = Math.max(loading, p[0] + p[1] + 4 * p[2]);
      }
    }
    return kept + loading;
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
    return rowGroups(from, to, firstRows[from], firstRows[to]);
  }

  /**
   * Reads the rows {@code [firstRow, endRow)} (0-based indexes in the file) of row groups {@code
   * [from, to)} from here on, so one large row group can be read by several workers. Rows keep
   * their index in the file. In a flat column, the whole pages before {@code firstRow} are passed
   * over on their headers' value counts, neither decompressed (but for ZSTD) nor decoded, and the
   * leading rows of the first page read are dropped; a list column decodes and drops the rows
   * before {@code firstRow} of its row group. Reading stops after {@code endRow - 1}. When the
   * file has an offset index (parquet-java writes one) and no column is a list, only the pages that
   * hold the rows are fetched (and the dictionary pages); otherwise the row group's compressed
   * pages are fetched whole.
   */
  public ParquetBatchReader rowGroups(int from, int to, long firstRow, long endRow) {
    if (from < 0 || to > blocks.size() || from > to) {
      throw new IndexOutOfBoundsException(
          "row groups [" + from + ", " + to + ") of " + blocks.size() + " in " + name);
    }
    if (firstRow < firstRows[from] || endRow > firstRows[to] || firstRow > endRow) {
      throw new IndexOutOfBoundsException(
          "rows ["
              + firstRow
              + ", "
              + endRow
              + ") outside rows ["
              + firstRows[from]
              + ", "
              + firstRows[to]
              + ") of row groups ["
              + from
              + ", "
              + to
              + ") in "
              + name);
    }
    nextGroup = from;
    endGroup = to;
    firstSelected = firstRow;
    endSelected = endRow;
    nextRow = firstRow;
    closeGroup();
    groupRowsLeft = 0;
    group = -1;
    groupEnd = 0;
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

  /**
   * Whether every column read from row group {@code g} has an offset index, so that reading part of
   * it fetches only that part's pages (see {@link #rowGroups(int, int, long, long)}). parquet-java
   * writes one; pyarrow and DuckDB by default do not.
   */
  public boolean hasOffsetIndex(int g) {
    for (ParquetBatchSchema.Column col : columns) {
      ColumnChunkMetaData chunk = chunk(g, col);
      if (col.isList() || chunk == null || chunk.getOffsetIndexReference() == null) {
        return false;
      }
    }
    return true;
  }

  /** The 0-based index in the file of the next row {@link #next} decodes. */
  public long position() {
    return nextRow;
  }

  /** The next batch of the selected row groups, or null at their end. */
  public @Nullable ColumnBatch next() throws IOException {
    while (true) {
      if (!groupOpen || groupRowsLeft == 0) {
        if (nextGroup >= endGroup) {
          closeGroup();
          return null;
        }
        int g = nextGroup++;
        try {
          openGroup(g, Math.max(firstRows[g], firstSelected));
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
        closeGroup(); // let the row group's pages go
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

  /** Fetches the pages of row group {@code g} from file row {@code from} to the selection's end. */
  private void openGroup(int g, long from) throws IOException {
    closeGroup();
    group = g;
    groupEnd = Math.min(firstRows[g + 1], endSelected);
    long to = groupEnd;
    nextRow = from;
    groupRowsLeft = Math.max(0, to - from);
    if (groupRowsLeft == 0) {
      return;
    }
    long groupRows = blocks.get(g).getRowCount();
    long skip = from - firstRows[g];
    long end = to - firstRows[g];
    if (checkedGroup != g) {
      guard.checkRowGroup(g);
      checkedGroup = g;
    }
    if (streaming && !encrypted(g)) {
      openStreams(g, from, skip);
      return;
    }
    PageReadStore s;
    boolean ranged = false;
    try {
      s = skip > 0 || end < groupRows ? readRange(g, skip, end) : null;
      if (s != null) {
        ranged = true;
      } else {
        s = reader.readRowGroup(g);
      }
    } catch (RuntimeException e) {
      throw new IOException(name + ": row group " + g + " cannot be read: " + e, e);
    }
    if (s == null || s.getRowCount() != (ranged ? end - skip : groupRows)) {
      throw new IOException(name + ": row group " + g + " cannot be read");
    }
    readers = new ReaderColumn[columns.size()];
    pageColumns = new PageColumn[columns.size()];
    long estimate = 0;
    for (int c = 0; c < readers.length; c++) {
      ParquetBatchSchema.Column col = columns.get(c);
      ColumnChunkMetaData chunk = requireChunk(g, col);
      estimate += chunk.getTotalUncompressedSize();
      long values;
      long drop = skip;
      try {
        PageReader pages = s.getPageReader(col.descriptor);
        long skipped = 0;
        if (skip > 0 && !col.isList()) {
          SkippingPageReader skipping = new SkippingPageReader(pages, skip, name, col.path());
          pages = skipping;
          skipped = skipping.skippedValues();
          drop = skipping.leftover();
        }
        values = pages.getTotalValueCount() + skipped;
        if (PageColumn.handles(col, chunk)) {
          pageColumns[c] = new PageColumn(name, col, pages);
        } else {
          readers[c] = new ReaderColumn(name, col, pages, version, g);
          values = readers[c].totalValues() + skipped;
        }
      } catch (RuntimeException e) {
        throw new IOException(
            name + ": column '" + col.path() + "' of row group " + g + " cannot be read: " + e, e);
      }
      if (col.isList()
          ? values < groupRows
          : ranged ? values < end || values > groupRows : values != groupRows) {
        throw valueCount(col, g, values, groupRows);
      }
      dropRows(c, drop, from - drop);
    }
    if (bytesPerRow == 0) {
      bytesPerRow = Math.max(1.0, (double) estimate / groupRows);
    }
    store = s;
    groupOpen = true;
  }

  private boolean encrypted(int g) {
    for (ColumnChunkMetaData c : blocks.get(g).getColumns()) {
      if (c.isEncrypted()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Opens row group {@code g} from file row {@code from} (row {@code skip} of the group) to the end
   * of the selection with a {@link StreamingPageReader} per column.
   */
  private void openStreams(int g, long from, long skip) throws IOException {
    groupRowsLeft = groupEnd - from;
    long groupRows = blocks.get(g).getRowCount();
    readers = new ReaderColumn[columns.size()];
    pageColumns = new PageColumn[columns.size()];
    if (codecs == null) {
      codecs = new CodecFactory(new Configuration(false), 0);
    }
    long estimate = 0;
    groupOpen = true;
    for (int c = 0; c < readers.length; c++) {
      ParquetBatchSchema.Column col = columns.get(c);
      ColumnChunkMetaData chunk = requireChunk(g, col);
      estimate += chunk.getTotalUncompressedSize();
      long[][] pages = guard.dataPages(chunk);
      if (pages == null) {
        throw new IOException(name + ": column '" + col.path() + "' of row group " + g + " was not checked");
      }
      // A flat column starts at the page that holds row skip; a list column at its first page.
      int page = 0;
      if (!col.isList()) {
        while (page + 1 < pages[0].length && pages[1][page + 1] <= skip) {
          page++;
        }
      }
      long first = pages[0].length == 0 ? chunk.getStartingPos() + chunk.getTotalSize() : pages[0][page];
      long before = pages[0].length == 0 ? 0 : pages[1][page];
      long values;
      try {
        StreamingPageReader r =
            new StreamingPageReader(input, name, chunk, first, before, !col.isList(), codecs);
        streams.add(r);
        values = r.getTotalValueCount() + before;
        if (PageColumn.handles(col, chunk)) {
          pageColumns[c] = new PageColumn(name, col, r);
        } else {
          readers[c] = new ReaderColumn(name, col, r, version, g);
          values = readers[c].totalValues() + before;
        }
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      } catch (RuntimeException e) {
        throw new IOException(
            name + ": column '" + col.path() + "' of row group " + g + " cannot be read: " + e, e);
      }
      if (col.isList() ? values < groupRows : values != groupRows) {
        throw valueCount(col, g, values, groupRows);
      }
      dropRows(c, skip - before, from - (skip - before));
    }
    if (bytesPerRow == 0) {
      bytesPerRow = Math.max(1.0, (double) estimate / groupRows);
    }
  }

  private ColumnChunkMetaData requireChunk(int g, ParquetBatchSchema.Column col) throws IOException {
    ColumnChunkMetaData chunk = chunk(g, col);
    if (chunk == null) {
      throw new IOException(name + ": row group " + g + " lacks column '" + col.path() + "'");
    }
    return chunk;
  }

  private IOException valueCount(ParquetBatchSchema.Column col, int g, long values, long rows) {
    return new IOException(
        name + ": column '" + col.path() + "' of row group " + g + " holds " + values
            + " values for " + rows + " rows");
  }

  /** Lets the open row group's pages go and closes its streams. */
  private void closeGroup() {
    store = null;
    groupOpen = false;
    for (StreamingPageReader r : streams) {
      try {
        r.close();
      } catch (IOException e) {
        // a read-only stream: nothing is lost by a failed close
      }
    }
    streams.clear();
  }

  /**
   * The pages of row group {@code g} that hold its rows {@code [from, end)}, fetched alone through
   * the file's offset index (parquet-java's {@code readFilteredRowGroup}), or null to read the
   * whole row group: when the file has no offset index (pyarrow and DuckDB write none by default),
   * a column is a list, or an offset index disagrees with the page headers {@link
   * ParquetPageGuard} walked ({@link #fits}): parquet-java would fetch whatever such an index says.
   */
  private @Nullable PageReadStore readRange(int g, long from, long end) throws IOException {
    BlockMetaData block = blocks.get(g);
    for (ParquetBatchSchema.Column col : columns) {
      if (col.isList()) {
        return null;
      }
    }
    ColumnIndexStore indexes;
    try {
      indexes = reader.getColumnIndexStore(g);
    } catch (RuntimeException e) {
      return null; // an offset index that does not decode: the pages themselves may be fine
    }
    for (ParquetBatchSchema.Column col : columns) {
      ColumnChunkMetaData chunk = chunk(g, col);
      OffsetIndex index;
      try {
        index = chunk == null ? null : indexes.getOffsetIndex(chunk.getPath());
      } catch (RuntimeException e) { // ColumnIndexStore.MissingOffsetIndexException among them
        index = null;
      }
      if (index == null || !fits(index, chunk)) {
        return null;
      }
    }
    RowRanges rows =
        RowRanges.create(block.getRowCount(), IntStream.of(0).iterator(), new OneRange(from, end));
    return reader.readFilteredRowGroup(g, rows);
  }

  /**
   * {@code index} lists exactly the data pages {@link ParquetPageGuard} found in {@code chunk}: the
   * same header offsets, and as first row of each page the values before it (a flat column holds
   * one value per row). So a ranged read fetches only pages the guard has checked, and starts each
   * column at the row its headers say.
   */
  private boolean fits(OffsetIndex index, ColumnChunkMetaData chunk) {
    long[][] pages = guard.dataPages(chunk);
    if (pages == null || index.getPageCount() != pages[0].length) {
      return false;
    }
    for (int i = 0; i < pages[0].length; i++) {
      if (index.getOffset(i) != pages[0][i] || index.getFirstRowIndex(i) != pages[1][i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Rows {@code [from, end)} of a row group as parquet-java's {@code RowRanges} takes them: the
   * ranges of pages of an offset index, here one "page" that is the range itself.
   */
  private static final class OneRange implements OffsetIndex {
    private final long from;
    private final long end;

    OneRange(long from, long end) {
      this.from = from;
      this.end = end;
    }

    @Override
    public int getPageCount() {
      return 1;
    }

    @Override
    public long getOffset(int page) {
      return 0;
    }

    @Override
    public int getCompressedPageSize(int page) {
      return 0;
    }

    @Override
    public long getFirstRowIndex(int page) {
      return from;
    }

    @Override
    public long getLastRowIndex(int page, long rowGroupRows) {
      return end - 1;
    }
  }

  private @Nullable ColumnChunkMetaData chunk(int g, ParquetBatchSchema.Column col) {
    ColumnChunkMetaData found = null;
    for (ColumnChunkMetaData m : blocks.get(g).getColumns()) {
      if (Arrays.equals(m.getPath().toArray(), col.descriptor.getPath())) {
        found = m;
      }
    }
    return found;
  }

  /** Decodes and drops the {@code n} rows of column {@code c} from file row {@code row} on. */
  private void dropRows(int c, long n, long row) throws IOException {
    long left = n;
    while (left > 0) {
      int k = (int) Math.min(left, ColumnBatch.DEFAULT_MAX_ROWS);
      long at = row + (n - left);
      try {
        PageColumn pc = pageColumns[c];
        if (pc != null) {
          pc.read(k, at);
        } else {
          readers[c].read(k, at);
        }
      } catch (RuntimeException e) {
        throw new IOException(
            name + ": row group " + group + " cannot be decoded near row " + at + ": " + e, e);
      }
      left -= k;
    }
  }

  private int planRows() {
    long byBytes = (long) Math.max(1, maxBytes / bytesPerRow);
    return (int) Math.max(1, Math.min(Math.min(maxRows, groupRowsLeft), byBytes));
  }

  private ColumnBatch decode(int n) throws IOException {
    ColumnVector[] out = new ColumnVector[columns.size()];
    for (int c = 0; c < out.length; c++) {
      PageColumn pc = pageColumns[c];
      out[c] = pc != null ? pc.read(n, nextRow) : readers[c].read(n, nextRow);
    }
    long[] rowIndex = new long[n];
    for (int i = 0; i < n; i++) {
      rowIndex[i] = nextRow + i;
    }
    return new ColumnBatch(schema, n, out, sources, null, rowIndex, null, null);
  }

  @Override
  public void close() throws IOException {
    closeGroup();
    try {
      guard.close();
    } finally {
      try {
        reader.close();
      } finally {
        if (codecs != null) {
          codecs.release();
        }
      }
    }
  }
}
