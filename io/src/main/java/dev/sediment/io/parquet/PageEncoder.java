package dev.sediment.io.parquet;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Encodes one flat (not repeated) column of one row group into format v1 data pages itself and
 * hands them, encoded and with their statistics, to parquet-java's {@link PageWriter} (which
 * compresses them, builds the column and offset indexes and writes the chunk). parquet-java's
 * {@code ColumnWriter} takes one value at a time (a {@code Binary} object per string, a
 * statistics update and a dictionary lookup through generic maps per value); here a page's
 * values are copied from the vectors into primitive buffers and its statistics are its min and
 * max, computed once.
 *
 * <p>Pages and dictionary follow parquet-java's rules, so a file is what its writer would make in
 * kind: a page ends after {@value #PAGE_ROW_LIMIT} values or when its plain encoding reaches the
 * page size; values are dictionary encoded ({@code PLAIN_DICTIONARY}, ids in the RLE/bit-packed
 * hybrid) until the dictionary outgrows its limit or the first page with values shows the
 * dictionary does not make the column smaller, and plain from then on; the dictionary page holds
 * the entries the dictionary pages use. A page with no values (all nulls) is plain. Every choice
 * depends only on the sequence of values, never on how they were batched.
 */
abstract class PageEncoder {
  /** parquet-java's default limit of values in a page. */
  static final int PAGE_ROW_LIMIT = ParquetProperties.DEFAULT_PAGE_ROW_COUNT_LIMIT;

  static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  final PageWriter out;
  final PrimitiveType type;
  final boolean optional;
  final int pageBytes;
  final int dictionaryLimit;

  /** Whether values are still dictionary encoded. */
  boolean dictionary;
  /** Dictionary entries the written dictionary pages may use. */
  int committed;
  private boolean dictionaryPages;
  private boolean sawValues;

  /** Values (nulls included) of the current page. */
  int pageValues;
  /** Nulls of the current page. */
  int pageNulls;
  /** Definition level (0 null, 1 value) of each value of the page, when optional. */
  final int[] defs;
  /** Dictionary id of each non-null value of the page, while dictionary encoding. */
  int[] ids = new int[1024];
  private final HybridEncoder hybrid = new HybridEncoder();
  /** Dictionary entries before the current page. */
  int pageDictionaryStart;

  PageEncoder(
      PageWriter out, PrimitiveType type, boolean optional, int pageBytes, int dictionaryLimit,
      boolean dictionary) {
    this.out = out;
    this.type = type;
    this.optional = optional;
    this.pageBytes = pageBytes;
    this.dictionaryLimit = dictionaryLimit;
    this.dictionary = dictionary;
    this.defs = optional ? new int[PAGE_ROW_LIMIT] : new int[0];
  }

  /** Entries in the dictionary. */
  abstract int dictionarySize();

  /** Bytes of the dictionary page holding every entry so far. */
  abstract long dictionaryBytes();

  /** Bytes of the current page's non-null values, plain encoded. */
  abstract long plainBytes();

  /** The current page's non-null values, plain encoded. */
  abstract BytesInput plainValues();

  /** The first {@code entries} dictionary entries, plain encoded. */
  abstract BytesInput dictionaryValues(int entries);

  /** The current page's statistics. */
  abstract Statistics<?> statistics();

  /** Forgets the current page's values and statistics. */
  abstract void resetPage();

  /** Bytes buffered for this column chunk: written pages, the dictionary and the current page. */
  final long bufferedSize() {
    return out.getMemSize() + plainBytes() + (dictionary ? dictionaryBytes() : 0);
  }

  /** Records a null; ends the page if it is full. */
  final void addNull() throws IOException {
    defs[pageValues++] = 0;
    pageNulls++;
    if (pageValues == PAGE_ROW_LIMIT) {
      endPage();
    }
  }

  /** Records the definition level of a value just added; ends the page if it is full. */
  final void valueAdded() throws IOException {
    if (optional) {
      defs[pageValues] = 1;
    }
    pageValues++;
    if (pageValues == PAGE_ROW_LIMIT || plainBytes() >= pageBytes) {
      endPage();
    }
  }

  final void addId(int nonNullIndex, int id) {
    if (nonNullIndex == ids.length) {
      ids = Arrays.copyOf(ids, ids.length * 2);
    }
    ids[nonNullIndex] = id;
  }

  /** Encodes and hands over the current page, if it has values. */
  final void endPage() throws IOException {
    if (pageValues == 0) {
      return;
    }
    int values = pageValues - pageNulls;
    BytesInput data = null;
    Encoding encoding = Encoding.PLAIN;
    if (dictionary && values > 0) {
      if (dictionaryBytes() > dictionaryLimit) {
        fallBack(pageDictionaryStart);
      } else {
        BytesInput ids = dictionaryIds(values);
        if (!sawValues && ids.size() + dictionaryBytes() >= plainBytes()) {
          fallBack(0);
        } else {
          data = ids;
          encoding = Encoding.PLAIN_DICTIONARY;
          dictionaryPages = true;
          committed = dictionarySize();
        }
      }
    }
    if (values > 0) {
      sawValues = true;
    }
    if (data == null) {
      data = plainValues();
    }
    Statistics<?> stats = statistics();
    BytesInput page = optional ? BytesInput.concat(definitionLevels(), data) : data;
    out.writePage(
        page,
        pageValues,
        pageValues,
        stats,
        Encoding.BIT_PACKED,
        optional ? Encoding.RLE : Encoding.BIT_PACKED,
        encoding);
    pageValues = 0;
    pageNulls = 0;
    pageDictionaryStart = dictionarySize();
    resetPage();
  }

  private void fallBack(int keep) {
    dictionary = false;
    committed = keep;
  }

  /** Writes the last page and the dictionary page; the encoder is done. */
  final void finish() throws IOException {
    endPage();
    if (dictionaryPages && committed > 0) {
      out.writeDictionaryPage(
          new DictionaryPage(dictionaryValues(committed), committed, Encoding.PLAIN_DICTIONARY));
    }
  }

  private BytesInput dictionaryIds(int values) {
    int width = BytesUtils.getWidthFromMaxInt(Math.max(0, dictionarySize() - 1));
    return BytesInput.concat(
        BytesInput.from(new byte[] {(byte) width}), BytesInput.from(hybrid.encode(ids, values, width)));
  }

  /** The page's definition levels, RLE/bit-packed hybrid with their 4-byte length first. */
  private BytesInput definitionLevels() {
    if (pageNulls == 0 || pageNulls == pageValues) {
      // One run of a single level: varint header (count << 1), then the level in one byte.
      byte[] run = new byte[4 + 5 + 1];
      int n = 4;
      int header = pageValues << 1;
      while ((header & ~0x7f) != 0) {
        run[n++] = (byte) ((header & 0x7f) | 0x80);
        header >>>= 7;
      }
      run[n++] = (byte) header;
      run[n++] = (byte) (pageNulls == 0 ? 1 : 0);
      INTS.set(run, 0, n - 4);
      return BytesInput.from(run, 0, n);
    }
    byte[] levels = hybrid.encode(defs, pageValues, 1);
    byte[] len = new byte[4];
    INTS.set(len, 0, levels.length);
    return BytesInput.concat(BytesInput.from(len), BytesInput.from(levels));
  }

  /**
   * An open-addressing table of twice the size of {@code table} holding ids {@code 0..size-1}
   * (as id + 1), each placed by {@code hashOf(id)} with linear probing.
   */
  static int[] grown(int[] table, int size, java.util.function.IntUnaryOperator hashOf) {
    int[] t = new int[table.length * 2];
    int mask = t.length - 1;
    for (int id = 0; id < size; id++) {
      int slot = hashOf.applyAsInt(id) & mask;
      while (t[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      t[slot] = id + 1;
    }
    return t;
  }

  /** A power of two table size for {@code entries} at load 1/2 or less. */
  static int tableSize(int entries) {
    return Integer.highestOneBit(Math.max(16, entries) * 2 - 1) * 2;
  }

  static int mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return (int) h;
  }
}
